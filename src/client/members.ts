import { atom, type ReadableAtom, type WritableAtom } from 'nanostores';
import type { ConversationId } from '../protocol/ids.js';
import type { Message } from '../protocol/message.js';
import type { Requests } from './requests.js';
import type { Member } from './types.js';

export interface MemberDirectory {
  /** Members with read positions once loaded; undefined before. */
  members(conversationId: ConversationId): ReadableAtom<Member[] | undefined>;
  /** Fetches the members (one request at a time per conversation) and publishes them. */
  load(conversationId: ConversationId): Promise<Member[]>;
  /** `userId` has read up to `seq` (a receipt, or this user's own read): raises their readSeq. */
  applyRead(conversationId: ConversationId, userId: string, seq: number): void;
  /** Who of the members other than the sender has read `message`; undefined until loaded. */
  readers(conversationId: ConversationId, message: Pick<Message, 'sender' | 'seq'>): { read: Member[]; unread: Member[] } | undefined;
  /** Loads again every conversation loaded before (after a reconnect: receipts may have been missed). */
  refreshLoaded(): void;
  /** Loads again when loaded (membership changed). */
  refresh(conversationId: ConversationId): void;
}

/**
 * Conversation members for @mentions and read receipts. Loaded on demand (`members.fetch`) and
 * kept live by `receipt.read` frames: the server sends one to the sender of every
 * `needReadReceipt` message a member's read covers, so the readers of this user's own such
 * messages stay exact without the server fanning every read out to every member.
 */
export function createMemberDirectory(requests: Requests): MemberDirectory {
  const stores = new Map<ConversationId, WritableAtom<Member[] | undefined>>();
  const loading = new Map<ConversationId, Promise<Member[]>>();
  /** Reads reported while a first load is on its way (nothing to apply them to yet). */
  const early = new Map<ConversationId, Map<string, number>>();
  const store = (id: ConversationId) => {
    let s = stores.get(id);
    if (!s) stores.set(id, (s = atom<Member[] | undefined>(undefined)));
    return s;
  };

  const directory: MemberDirectory = {
    members: (id) => store(id),
    load(id) {
      const pending = loading.get(id);
      if (pending) return pending;
      // The paging is imported the first time a list is wanted (the panel asks; a badge never does).
      const request = import('./member-pages.js')
        .then((m) => m.loadMembers(requests, id, store(id), early))
        .finally(() => loading.delete(id));
      loading.set(id, request);
      return request;
    },
    applyRead(id, userId, seq) {
      const s = stores.get(id);
      const list = s?.get();
      if (!s || !list) {
        if (!loading.has(id)) return;
        const seen = early.get(id) ?? new Map<string, number>();
        seen.set(userId, Math.max(seq, seen.get(userId) ?? 0));
        early.set(id, seen);
        return;
      }
      const i = list.findIndex((m) => m.id === userId);
      if (i < 0 || list[i]!.readSeq >= seq) return;
      const next = list.slice();
      next[i] = { ...list[i]!, readSeq: seq };
      s.set(next);
    },
    readers(id, message) {
      const list = stores.get(id)?.get();
      if (!list) return undefined;
      const read: Member[] = [];
      const unread: Member[] = [];
      for (const m of list) {
        if (m.id === message.sender) continue;
        // A message not yet committed (seq 0) is read by nobody.
        (message.seq > 0 && m.readSeq >= message.seq ? read : unread).push(m);
      }
      return { read, unread };
    },
    refreshLoaded() {
      for (const [id, s] of stores) if (s.get() !== undefined) directory.refresh(id);
    },
    refresh(id) {
      if (stores.get(id)?.get() === undefined) return;
      directory.load(id).catch(() => undefined);
    },
  };
  return directory;
}
