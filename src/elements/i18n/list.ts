import { msg, str } from '@lit/localize';
import { formatNumber, plural } from './localize.js';

/** Labels of `<conversation-list>`, in the active locale (every property is read when it is used). */
const list = {
  get label() { return msg('Conversations', { id: 'list.label' }); },
  get empty() { return msg('No conversations yet.', { id: 'list.empty' }); },
  /** Before the text of a half-written message. */
  get draft() { return msg('Draft:', { id: 'list.draft' }); },
  /** Who wrote the last message, when it was the user; also who sent a pinned message (`../thread/changes/pinned-bar.ts`). */
  get you() { return msg('You', { id: 'list.you' }); },
  /** Screen-reader text after the name of a conversation that @mentions the user. */
  get mentionsYou() { return msg(', mentions you', { id: 'list.mentionsYou' }); },
  /** Screen-reader text after the name of a muted conversation. */
  get muted() { return msg(', muted', { id: 'list.muted' }); },
  get newGroup() { return msg('New group', { id: 'list.newGroup' }); },
  get contacts() { return msg('Contacts', { id: 'list.contacts' }); },
  /** After the name of a group the user is no longer in. */
  get left() { return msg('(left)', { id: 'list.left' }); },
  unread: (n: number) => {
    const count = formatNumber(n);
    return plural(n, {
      zero: () => msg(str`${count} unread`, { id: 'list.unread.zero' }),
      one: () => msg(str`${count} unread`, { id: 'list.unread.one' }),
      two: () => msg(str`${count} unread`, { id: 'list.unread.two' }),
      few: () => msg(str`${count} unread`, { id: 'list.unread.few' }),
      many: () => msg(str`${count} unread`, { id: 'list.unread.many' }),
      other: () => msg(str`${count} unread`, { id: 'list.unread.other' }),
    });
  },
};

export type ListStrings = typeof list;

/** The conversation list's labels, in the active locale. */
export function listStrings(): ListStrings {
  return list;
}
