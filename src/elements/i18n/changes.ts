import { msg, str } from '@lit/localize';
import { formatNumber } from './localize.js';

/**
 * Labels of changes to sent messages (reply, reactions, edit, recall, pin) in `<chat-thread>` and
 * `<message-composer>`, in the active locale (read when used). Those only the open message menu
 * (`./message-menu.ts`), the list of who reacted (`./reactors.ts`) or the composer's reply and edit bars
 * (`./compose-bars.ts`) show are in modules of their own: in the script tag they come with those features (`scripts/locale-parts.ts`).
 */
const changes = {
  get edit() { return msg('Edit', { id: 'changes.edit' }); },
  /** A quote in a row: its accessible name. */
  quoteOf: (name: string, excerpt: string) => msg(str`Reply to ${name}: ${excerpt}`, { id: 'changes.quoteOf' }),
  get quoteRecalled() { return msg('Message recalled', { id: 'changes.quoteRecalled' }); },
  get edited() { return msg('edited', { id: 'changes.edited' }); },
  recalledBy: (name: string) => msg(str`${name} recalled a message`, { id: 'changes.recalledBy' }),
  get youRecalled() { return msg('You recalled a message', { id: 'changes.youRecalled' }); },
  get editAgain() { return msg('Edit again', { id: 'changes.editAgain' }); },
  /** A reaction chip's accessible name: "👍 2, Alice, Bob". */
  reactionLabel: (emoji: string, count: number, who: string) => {
    const n = formatNumber(count);
    return msg(str`${emoji} ${n}: ${who}`, { id: 'changes.reactionLabel' });
  },
  get reactions() { return msg('Reactions', { id: 'changes.reactions' }); },
  /** The button opening the list of who reacted, and that list's name. */
  get whoReacted() { return msg('Who reacted', { id: 'changes.whoReacted' }); },
  reacted: (name: string, emoji: string) => msg(str`${name} reacted ${emoji}`, { id: 'changes.reacted' }),
  get messageEdited() { return msg('Message edited', { id: 'changes.messageEdited' }); },
  /** The live region, when someone pins a message ("Alice pinned a message"), or this user does. */
  pinnedBy: (name: string) => msg(str`${name} pinned a message`, { id: 'changes.pinnedBy' }),
  get youPinned() { return msg('You pinned a message', { id: 'changes.youPinned' }); },
  /** The live region, when a message is unpinned (the change does not say by whom). */
  get messageUnpinned() { return msg('Message unpinned', { id: 'changes.unpinned' }); },
  get pinned() { return msg('Pinned message', { id: 'changes.pinned' }); },
  pinnedOf: (n: number, of: number) => {
    const a = formatNumber(n);
    const b = formatNumber(of);
    return msg(str`Pinned message ${a} of ${b}`, { id: 'changes.pinnedOf' });
  },
  get changePending() { return msg('Saving change…', { id: 'changes.pending' }); },
  get changeFailed() { return msg('Change not saved', { id: 'changes.failed' }); },
  get retry() { return msg('Retry', { id: 'changes.retry' }); },
};

export type ChangeStrings = typeof changes;

export function changeStrings(): ChangeStrings {
  return changes;
}
