import { msg, str } from '@lit/localize';
import { changeStrings } from './changes.js';
import { dialogButtons } from './dialog-buttons.js';
import { formatNumber, plural } from './localize.js';
import { overStrings, uiStrings } from './ui.js';

/**
 * Labels of a message's open menu (`../thread/message-menu.ts`: its items, the reaction picker's
 * name, the bar of multi-select mode), over those it shares with the thread (`./ui.ts`), in the
 * active locale (read when used). Apart from the thread's: in the script tag they come with the
 * menu (the second part of a catalogue, `scripts/locale-parts.ts`).
 */
const menu = overStrings(overStrings(uiStrings(), dialogButtons), {
  get forward() { return msg('Forward', { id: 'ui.forward' }); },
  get select() { return msg('Select', { id: 'ui.select' }); },
  get delete() { return msg('Delete', { id: 'ui.delete' }); },
  get selectMessage() { return msg('Select message', { id: 'ui.selectMessage' }); },
  selected: (n: number) => {
    const count = formatNumber(n);
    return plural(n, {
      zero: () => msg(str`${count} messages selected`, { id: 'ui.selected.zero' }),
      one: () => msg(str`${count} message selected`, { id: 'ui.selected.one' }),
      two: () => msg(str`${count} messages selected`, { id: 'ui.selected.two' }),
      few: () => msg(str`${count} messages selected`, { id: 'ui.selected.few' }),
      many: () => msg(str`${count} messages selected`, { id: 'ui.selected.many' }),
      other: () => msg(str`${count} messages selected`, { id: 'ui.selected.other' }),
    });
  },
  get forwardEach() { return msg('Forward one by one', { id: 'ui.forwardEach' }); },
  get forwardMerged() { return msg('Forward as one message', { id: 'ui.forwardMerged' }); },
  get reply() { return msg('Reply', { id: 'changes.reply' }); },
  /** Also a failed edit's button in the thread (`./changes.ts`). */
  get edit() { return changeStrings().edit; },
  get recall() { return msg('Recall', { id: 'changes.recall' }); },
  get deleteForMe() { return msg('Delete for me', { id: 'changes.deleteForMe' }); },
  get pin() { return msg('Pin', { id: 'changes.pin' }); },
  get unpin() { return msg('Unpin', { id: 'changes.unpin' }); },
  react: (emoji: string) => msg(str`React with ${emoji}`, { id: 'changes.react' }),
  /** The menu item opening the full emoji picker for a reaction, and that picker's name. */
  get moreReactions() { return msg('More reactions', { id: 'changes.moreReactions' }); },
});

export type MenuStrings = typeof menu;

/** The open message menu's labels, in the active locale. */
export function menuStrings(): MenuStrings {
  return menu;
}
