import { msg, str } from '@lit/localize';
import { formatNumber } from './localize.js';

/** Labels of `<conversation-list>`, in the active locale (every property is read when it is used). */
const list = {
  get label() { return msg('Conversations', { id: 'list.label' }); },
  get empty() { return msg('No conversations yet.', { id: 'list.empty' }); },
  /** Who wrote the last message, when it was the user. */
  /** Before the text of a half-written message. */
  get draft() { return msg('Draft:', { id: 'list.draft' }); },
  get you() { return msg('You', { id: 'list.you' }); },
  /** Screen-reader text after the name of a conversation that @mentions the user. */
  get mentionsYou() { return msg(', mentions you', { id: 'list.mentionsYou' }); },
  unread: (n: number) => {
    const count = formatNumber(n);
    return msg(str`${count} unread`, { id: 'list.unread' });
  },
};

export type ListStrings = typeof list;

/** The conversation list's labels, in the active locale. */
export function listStrings(): ListStrings {
  return list;
}
