import { msg, str } from '@lit/localize';
import type { ErrorBody } from '../../protocol/error-codes.js';
import { errorText } from './errors.js';
import { formatNumber } from './localize.js';

/** Why a change was refused, for the codes only changes get. */
const REFUSALS: Partial<Record<string, () => string>> = {
  NOT_MESSAGE_SENDER: () => msg('Only the sender can do this to the message.', { id: 'changes.error.NOT_MESSAGE_SENDER' }),
  PIN_FORBIDDEN: () => msg('You may not pin messages in this conversation.', { id: 'changes.error.PIN_FORBIDDEN' }),
  MESSAGE_RECALLED: () => msg('The message was recalled.', { id: 'changes.error.MESSAGE_RECALLED' }),
  NOT_EDITABLE: () => msg('Only text messages can be edited.', { id: 'changes.error.NOT_EDITABLE' }),
  CHANGE_WINDOW_EXPIRED: () => msg('It is too late to change this message.', { id: 'changes.error.CHANGE_WINDOW_EXPIRED' }),
  REACTIONS_LIMIT: () => msg('This message has as many different reactions as it can take.', { id: 'changes.error.REACTIONS_LIMIT' }),
  USER_REACTIONS_LIMIT: () => msg('You have reacted to this message as often as you can.', { id: 'changes.error.USER_REACTIONS_LIMIT' }),
  PINS_LIMIT: () => msg('This conversation has as many pinned messages as it can take.', { id: 'changes.error.PINS_LIMIT' }),
};

/** The sentence for a refused change: its own for change codes, else the message one. */
export function changeErrorText(error: Pick<ErrorBody, 'name'> | undefined): string {
  const own = error ? REFUSALS[error.name] : undefined;
  return own ? own() : errorText(error);
}

/**
 * Labels of changes to sent messages (reply, reactions, edit, recall, pin) in `<chat-thread>` and
 * `<message-composer>`, in the active locale (read when used). Those only the open message menu
 * (`./message-menu.ts`) or the list of who reacted (`./reactors.ts`) shows are in modules of their
 * own: in the script tag they come with those features (`scripts/locale-parts.ts`).
 */
const changes = {
  get edit() { return msg('Edit', { id: 'changes.edit' }); },
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
  /** The button opening the list of who reacted, and that list's name. */
  get whoReacted() { return msg('Who reacted', { id: 'changes.whoReacted' }); },
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
