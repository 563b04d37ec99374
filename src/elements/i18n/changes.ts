import { msg, str } from '@lit/localize';
import { formatNumber } from './localize.js';

/**
 * Labels of changes to sent messages (reply, reactions, edit, recall, delete for me, pin) in
 * `<chat-thread>` and `<message-composer>`, in the active locale (read when used).
 */
const changes = {
  get reply() { return msg('Reply', { id: 'changes.reply' }); },
  get edit() { return msg('Edit', { id: 'changes.edit' }); },
  get recall() { return msg('Recall', { id: 'changes.recall' }); },
  get deleteForMe() { return msg('Delete for me', { id: 'changes.deleteForMe' }); },
  get pin() { return msg('Pin', { id: 'changes.pin' }); },
  get unpin() { return msg('Unpin', { id: 'changes.unpin' }); },
  react: (emoji: string) => msg(str`React with ${emoji}`, { id: 'changes.react' }),
  /** Composer bar of a reply: "Replying to Alice". */
  replyingTo: (name: string) => msg(str`Replying to ${name}`, { id: 'changes.replyingTo' }),
  get cancelReply() { return msg('Cancel reply', { id: 'changes.cancelReply' }); },
  get editing() { return msg('Editing', { id: 'changes.editing' }); },
  get cancelEdit() { return msg('Cancel editing', { id: 'changes.cancelEdit' }); },
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
  reacted: (name: string, emoji: string) => msg(str`${name} reacted ${emoji}`, { id: 'changes.reacted' }),
  get messageEdited() { return msg('Message edited', { id: 'changes.messageEdited' }); },
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
