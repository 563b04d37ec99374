import type { ClientFrame, ServerFrameOf } from '../protocol/frames.js';
import type { ConversationId } from '../protocol/ids.js';
import type { ConversationList } from './conversation-list.js';
import type { MemberDirectory } from './members.js';
import type { ThreadStore } from './thread-store.js';
import { unreadAbove } from './thread-window.js';

export interface ReadsOptions {
  conversations: ConversationList;
  threads: ThreadStore;
  members: MemberDirectory;
  /** Writes a frame to the ready session; false when there is none. */
  send(frame: ClientFrame): boolean;
  myId(): string | undefined;
  /** Stores changed: publish and persist. */
  publish(): void;
}

export interface Reads {
  /**
   * `markRead` of {@link ChatClient}: everything held is read; the server hears it now or when the
   * session is back. Nothing happens (no store is published) when nothing held is unread.
   */
  markRead(conversationId: ConversationId): void;
  /**
   * `conversation.read`: this user read up to a seq (on this or another device); `receipt.read`:
   * someone read this user's messages up to a seq.
   */
  apply(frame: ServerFrameOf<'conversation.read' | 'receipt.read'>): void;
  /** The session is ready: reads made offline go out. */
  sessionReady(): void;
}

/** Read positions: this user's own (unread counts, sent to the server) and the receipts of others. */
export function createReads(options: ReadsOptions): Reads {
  const { conversations, threads, members } = options;
  /** Reads made while offline, sent when the session is ready. */
  const pending = new Map<ConversationId, number>();
  return {
    markRead(conversationId) {
      const c = conversations.get(conversationId);
      const seq = threads.get(conversationId)?.toSeq ?? c?.lastSeq ?? 0;
      const needed = !c || seq > c.readSeq;
      // Nothing new to mark (the thread holds no more than is read): no store changes, nothing written.
      if (seq <= 0 || (!needed && (c.unread === 0 || seq < c.lastSeq))) return;
      conversations.applyRead(conversationId, seq, () => 0);
      members.applyRead(conversationId, options.myId() ?? '', seq);
      options.publish();
      // A group left (or removed from) stays readable here; the server holds no read position for it any more.
      if (!needed || c?.left) return;
      if (!options.send({ type: 'conversation.read', conversationId, seq })) pending.set(conversationId, seq);
    },
    apply(frame) {
      const id = frame.conversationId;
      if (frame.type === 'receipt.read') {
        conversations.applyReceipt(id, frame.userId, frame.seq);
        return members.applyRead(id, frame.userId, frame.seq);
      }
      members.applyRead(id, options.myId() ?? '', frame.readSeq);
      conversations.applyRead(id, frame.readSeq, (seq) => unreadAbove(threads.get(id), seq, options.myId()));
    },
    sessionReady() {
      for (const [conversationId, seq] of pending) options.send({ type: 'conversation.read', conversationId, seq });
      pending.clear();
    },
  };
}
