import { msg, str } from '@lit/localize';
import { dialogButtons } from './dialog-buttons.js';
import { formatNumber, plural } from './localize.js';
import { overStrings, uiStrings } from './ui.js';

/**
 * Labels of `<forward-dialog>` and of what it sends, over those it shares with the thread
 * (`./ui.ts`), in the active locale (read when used). Apart from the thread's: in the script tag
 * they come with the dialog (the second part of a catalogue, `scripts/locale-parts.ts`).
 */
const forward = overStrings(overStrings(uiStrings(), dialogButtons), {
  /** Title of a merged forward whose senders are unknown. */
  get historyTitle() { return msg('Chat history', { id: 'ui.historyTitle' }); },
  get dialogTitle() { return msg('Forward', { id: 'ui.dialogTitle' }); },
  get searchLabel() { return msg('Search conversations and people', { id: 'ui.searchLabel' }); },
  get searchPlaceholder() { return msg('Search, or type a user id', { id: 'ui.searchPlaceholder' }); },
  get targetsLabel() { return msg('Send to', { id: 'ui.targetsLabel' }); },
  get noTargets() { return msg('Nothing matches. Type a user id to send to someone new.', { id: 'ui.noTargets' }); },
  userId: (id: string) => msg(str`User “${id}”`, { id: 'ui.userId' }),
  get person() { return msg('Person', { id: 'ui.person' }); },
  get group() { return msg('Group', { id: 'ui.group' }); },
  get noteLabel() { return msg('Add a note (optional)', { id: 'ui.noteLabel' }); },
  confirm: (n: number) => {
    if (n <= 1) return forward.dialogTitle;
    const count = formatNumber(n);
    return msg(str`Forward to ${count}`, { id: 'ui.confirm.other' });
  },
  get previewLabel() { return msg('Forwarding', { id: 'ui.previewLabel' }); },
  merged: (n: number) => {
    const count = formatNumber(n);
    return plural(n, {
      zero: () => msg(str`${count} messages as one chat history`, { id: 'ui.merged.zero' }),
      one: () => msg(str`${count} message as one chat history`, { id: 'ui.merged.one' }),
      two: () => msg(str`${count} messages as one chat history`, { id: 'ui.merged.two' }),
      few: () => msg(str`${count} messages as one chat history`, { id: 'ui.merged.few' }),
      many: () => msg(str`${count} messages as one chat history`, { id: 'ui.merged.many' }),
      other: () => msg(str`${count} messages as one chat history`, { id: 'ui.merged.other' }),
    });
  },
  get sent() { return msg('Forwarded', { id: 'ui.sent' }); },
  get failed() { return msg('Not forwarded', { id: 'ui.failed' }); },
  get resultsLabel() { return msg('Results', { id: 'ui.resultsLabel' }); },
});

export type ForwardStrings = typeof forward;

/** The forward dialog's labels, in the active locale. */
export function forwardStrings(): ForwardStrings {
  return forward;
}
