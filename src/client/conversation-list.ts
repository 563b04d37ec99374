import { atom, type ReadableAtom } from 'nanostores';
import { AT_ALL, parseConversationId, type ConversationId } from '../protocol/ids.js';
import type { ConversationSummary, Message } from '../protocol/message.js';
import type { ChatMessage, Conversation } from './types.js';

/**
 * The conversation list: server summaries kept live by the messages and read positions that
 * arrive afterwards. Changes are collected and published once per handled frame (`publish`), so
 * a replay of 500 messages sorts the list once, not 500 times. Conversation objects are replaced,
 * never mutated, so a renderer can compare by identity.
 *
 * `unsent(id)`: this user's newest message in a conversation that the server has not committed
 * (an outbox entry, sending or failed). Published as the conversation's `outgoing` while it is
 * newer than the last committed message, and the list is ordered by it, so a message written
 * offline moves its conversation to the top at once, as it will be once it is sent.
 */
export interface ConversationList {
  /** Most recent activity first. */
  readonly $conversations: ReadableAtom<Conversation[]>;
  get(id: ConversationId): Conversation | undefined;
  /** `sync.conversations`: the server's view replaces ours where it is at least as recent. */
  setAll(items: readonly ConversationSummary[]): void;
  /** `conversation.updated`. */
  upsert(summary: ConversationSummary): void;
  remove(id: ConversationId): void;
  /** A group this user left, was removed from or that was dismissed: kept readable, marked left, nothing unread. */
  leave(c: Conversation): void;
  /** A conversation this client writes to before the server listed it. */
  ensure(id: ConversationId): Conversation;
  /** A message became committed: last seq, last message, unread count, mention. */
  applyMessage(message: Message, myId: string | undefined): void;
  /** This user read up to `seq`; `unreadAbove` counts held unread messages above a seq. */
  applyRead(id: ConversationId, seq: number, unreadAbove: (seq: number) => number): void;
  /** The peer of a p2p conversation that has no name yet (a new one): its name and avatar. */
  applyPeerProfile(id: ConversationId, profile: { name?: string; avatar?: string }): void;
  /** `receipt.read`: the peer of a p2p conversation read up to `seq`. */
  applyReceipt(id: ConversationId, userId: string, seq: number): void;
  /** This user's unsent messages changed (`unsent`): published with the next `publish`. */
  touch(): void;
  /** Publishes the collected changes to `$conversations`. */
  publish(): void;
  /** Everything, for persisting. */
  all(): Conversation[];
}

export function createConversationList(initial: readonly Conversation[] = [], unsent: (id: ConversationId) => ChatMessage | undefined = () => undefined): ConversationList {
  const byId = new Map<ConversationId, Conversation>(initial.map((c) => [c.id, c]));
  const $conversations = atom<Conversation[]>([]);
  let dirty = true;

  const shown = (c: Conversation): Conversation => {
    const outgoing = unsent(c.id);
    return outgoing && outgoing.time >= (c.lastMessage?.time ?? 0) ? { ...c, outgoing } : c;
  };
  const put = (c: Conversation) => {
    byId.set(c.id, c);
    dirty = true;
  };

  const list: ConversationList = {
    $conversations,
    get: (id) => byId.get(id),
    all: () => [...byId.values()],

    setAll(items) {
      for (const item of items) list.upsert(item);
    },

    upsert(summary) {
      const local = byId.get(summary.id);
      if (!local || summary.lastSeq >= local.lastSeq) {
        const next: Conversation = { ...summary };
        // Keep read positions that only moved forward locally (a read not yet confirmed).
        if (local && local.readSeq > next.readSeq) {
          next.readSeq = local.readSeq;
          next.unread = Math.min(next.unread, local.unread);
        }
        if (local && (local.peerReadSeq ?? 0) > (next.peerReadSeq ?? 0)) next.peerReadSeq = local.peerReadSeq;
        put(next);
      } else {
        // Our copy already saw newer messages: take only the descriptive fields.
        put({ ...local, name: summary.name, avatar: summary.avatar, memberCount: summary.memberCount });
      }
    },

    remove(id) {
      if (byId.delete(id)) dirty = true;
    },

    leave: (c) => put({ ...c, left: true, unread: 0 }),

    ensure(id) {
      const existing = byId.get(id);
      if (existing) return existing;
      const created: Conversation = { id, type: parseConversationId(id).type, lastSeq: 0, readSeq: 0, unread: 0 };
      put(created);
      return created;
    },

    applyMessage(message, myId) {
      const c = list.ensure(message.conversationId);
      if (message.seq <= c.lastSeq) return;
      const next: Conversation = { ...c, lastSeq: message.seq };
      if (!message.isExcludedFromLastMessage) next.lastMessage = message;
      const fromOther = message.sender !== myId;
      // A p2p conversation the server has not described yet is named after the peer who wrote.
      if (c.type === 'p2p' && next.name === undefined && fromOther && message.senderProfile?.name) {
        next.name = message.senderProfile.name;
        if (message.senderProfile.avatar) next.avatar = message.senderProfile.avatar;
      }
      if (fromOther && !message.isExcludedFromUnreadCount && message.seq > c.readSeq) {
        next.unread = c.unread + 1;
        const at = message.groupAtUserList;
        if (at && (at.includes(AT_ALL) || (myId !== undefined && at.includes(myId)))) next.mentioned = true;
      }
      put(next);
    },

    applyRead(id, seq, unreadAbove) {
      const c = byId.get(id);
      if (!c || seq <= c.readSeq) {
        if (c && c.unread > 0 && seq >= c.lastSeq) put({ ...c, unread: 0, mentioned: false });
        return;
      }
      const unread = seq >= c.lastSeq ? 0 : Math.min(c.unread, unreadAbove(seq));
      put({ ...c, readSeq: seq, unread, mentioned: unread > 0 ? c.mentioned : false });
    },

    applyPeerProfile(id, profile) {
      const c = byId.get(id);
      if (!c || c.type !== 'p2p' || c.name !== undefined || !profile.name) return;
      put({ ...c, name: profile.name, ...(profile.avatar ? { avatar: profile.avatar } : {}) });
    },

    applyReceipt(id, userId, seq) {
      const c = byId.get(id);
      if (!c || c.type !== 'p2p' || parseConversationId(id).target !== userId) return;
      if (seq > (c.peerReadSeq ?? 0)) put({ ...c, peerReadSeq: seq });
    },

    touch() {
      dirty = true;
    },

    publish() {
      if (!dirty) return;
      dirty = false;
      $conversations.set([...byId.values()].map(shown).sort(byActivity));
    },
  };
  list.publish();
  return list;
}

function byActivity(a: Conversation, b: Conversation): number {
  const ta = (a.outgoing ?? a.lastMessage)?.time ?? 0;
  const tb = (b.outgoing ?? b.lastMessage)?.time ?? 0;
  if (ta !== tb) return tb - ta;
  if (a.lastSeq !== b.lastSeq) return b.lastSeq - a.lastSeq;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
