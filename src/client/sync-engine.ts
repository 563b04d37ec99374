import { foldChange, isChangeEvent } from './changes.js';
import type { ServerFrame, ServerFrameOf } from '../protocol/frames.js';
import type { ConversationId } from '../protocol/ids.js';
import { LIMITS } from '../protocol/limits.js';
import type { Message } from '../protocol/message.js';
import type { ConversationList } from './conversation-list.js';
import type { Conversation } from './types.js';
import type { Requests } from './requests.js';
import type { ThreadStore } from './thread-store.js';
import { addMessage, addRange, hasGap, resetWindow, type ThreadWindow, type WindowChange } from './thread-window.js';

type Page = ServerFrameOf<'history.page'>;

export interface SyncEngineOptions {
  threads: ThreadStore;
  conversations: ConversationList;
  requests: Requests;
  myId(): string | undefined;
  /** Settles the outbox entry of an own message (true when this device sent it). */
  settleOwn(message: Message): boolean;
  /** A committed message from someone else or an own other device, once, in seq order. */
  onMessage(message: Message): void;
  /** Someone else's edit, committed: it ends their typing as a message does. */
  onEdit(event: Message): void;
  /** Stores changed outside a frame handler (an answered fetch): publish and persist. */
  onAsyncChange(): void;
  /** Page size of `history.fetch` for a `sync.gap` reset. */
  pageSize: number;
}

export interface SyncEngine {
  readonly synced: boolean;
  /** A session became ready: the replay starts. */
  sessionStarted(): void;
  /** Handles sync, message and conversation frames. Returns false for frames it does not own. */
  handle(frame: ServerFrame): boolean;
  /** An own send from this device was acked: place it at its seq. */
  commitOwn(message: Message): void;
  /** An own forward from this device was acked at `seq`; the server wrote its content, so fetch it. */
  expectSeq(conversationId: ConversationId, seq: number, clientMsgId: string): void;
}

/**
 * Applies the server's replay, live messages and fetched pages to the thread windows, so every
 * committed message is reported once and in seq order (ARCHITECTURE.md, data flow step 5).
 * Gaps found after `sync.done` are fetched (`history.fetch {after}`); during the replay they are
 * not, because the replay itself is filling them.
 */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { threads, conversations, requests } = options;
  let synced = false;
  /** Live messages of conversations not yet placed, held until their replay or `sync.done`. */
  const unplaced = new Map<ConversationId, Message[]>();
  const filling = new Set<ConversationId>();
  const resetting = new Set<ConversationId>();
  /** clientMsgIds this device sent and had acked: their commit raises no `message` event. */
  const ownSent = new Set<string>();
  /**
   * Where each window ended when the session opened (what `session.open` told the server).
   * Live messages may arrive before `sync.conversations` (the server subscribes the connection
   * before it reads the summaries), so only this, not the window now, says whether we hold
   * more than the server.
   */
  let heldAtOpen = new Map<ConversationId, number>();
  /** Conversations named in this session's `sync.conversations`. */
  let listed = new Set<ConversationId>();
  /** Groups this device had when the session opened (one not listed again was left while away). */
  let groupsAtOpen: Conversation[] = [];

  /**
   * Where the window of a conversation first seen live starts. A 1:1 chat the summary did not
   * list began after it, so all of it is news: from seq 1, and a gap fetch brings whatever an
   * earlier message that was overtaken in flight (e.g. our own ack behind the peer's reply, or
   * messages relayed by different nodes). A group joined meanwhile starts at the message that
   * announced us; what came before the join is history.
   */
  const startOf = (id: ConversationId, seq: number) => (id.startsWith('p2p:') && !listed.has(id) ? 0 : seq - 1);

  function commit(id: ConversationId, change: WindowChange): void {
    if (change.committed.length > 0 || change.buffered) threads.touch(id);
    const me = options.myId();
    for (const m of change.committed) {
      conversations.applyMessage(m, me);
      if (isChangeEvent(m)) {
        foldInto(id, m, me);
        if (m.sender === me) options.settleOwn(m);
        else if (m.elem.change.kind === 'edit') options.onEdit(m);
        continue;
      }
      if (m.sender === me && ownSent.delete(m.clientMsgId)) continue;
      if (m.sender === me && options.settleOwn(m)) continue;
      options.onMessage(m);
    }
  }

  /** A change event: folded into its target; a changed last message changes the preview too. */
  function foldInto(id: ConversationId, event: Message, me: string | undefined): void {
    const w = threads.get(id);
    if (!w || !foldChange(w, event, me)) return;
    threads.changed(id);
    const c = conversations.get(id);
    const target = isChangeEvent(event) ? event.elem.target : '';
    const now = c?.lastMessage?.id === target ? w.messages.find((m) => m.id === target) : undefined;
    if (c && now) conversations.upsert({ ...c, lastMessage: now });
  }

  function place(id: ConversationId, afterSeq: number): ThreadWindow {
    const w = threads.ensure(id, afterSeq);
    const waiting = unplaced.get(id);
    if (waiting) {
      unplaced.delete(id);
      for (const m of waiting) commit(id, addMessage(w, m));
    }
    return w;
  }

  /** Fetches what follows the window; `force` when no buffered message marks the gap. */
  function fillGap(id: ConversationId, force = false): void {
    const w = threads.get(id);
    if (!w || filling.has(id) || resetting.has(id)) return;
    if (!force && (!synced || !hasGap(w))) return;
    filling.add(id);
    const from = w.toSeq;
    requests
      .request<Page>({ type: 'history.fetch', conversationId: id, after: from, limit: LIMITS.historyPage })
      .then((page) => {
        filling.delete(id);
        const current = threads.get(id);
        if (!current) return;
        commit(id, addRange(current, page.fromSeq, page.toSeq, page.messages));
        options.onAsyncChange();
        if (current.toSeq > from) fillGap(id);
      })
      .catch(() => filling.delete(id));
  }

  function resetFromLatest(id: ConversationId): void {
    resetting.add(id);
    requests
      .request<Page>({ type: 'history.fetch', conversationId: id, limit: options.pageSize })
      .then((page) => {
        resetting.delete(id);
        const w = threads.get(id) ?? place(id, page.fromSeq - 1);
        commit(id, resetWindow(w, page.fromSeq, page.toSeq, page.messages, page.hasMore));
        options.onAsyncChange();
        fillGap(id);
      })
      .catch(() => resetting.delete(id));
  }

  function onLive(message: Message): void {
    const id = message.conversationId;
    let w = threads.get(id);
    if (!w) {
      if (!synced) {
        // Its replay may still come: the replay range, not this message, positions the window.
        const list = unplaced.get(id) ?? [];
        list.push(message);
        unplaced.set(id, list);
        return;
      }
      w = place(id, startOf(id, message.seq));
    }
    const change = addMessage(w, message);
    commit(id, change);
    if (change.buffered) fillGap(id);
  }

  return {
    get synced() {
      return synced;
    },

    sessionStarted() {
      synced = false;
      heldAtOpen = new Map(threads.ids().map((id) => [id, threads.get(id)!.toSeq]));
      listed = new Set();
      groupsAtOpen = conversations.all().filter((c) => c.type === 'group' && !c.left);
      filling.clear();
      resetting.clear();
    },

    handle(frame) {
      switch (frame.type) {
        case 'sync.conversations':
          // The summaries may come in several frames (each fits a frame): they add up.
          for (const item of frame.items) listed.add(item.id);
          for (const item of frame.items) {
            const held = heldAtOpen.get(item.id);
            // The server holds less than we did (its data was reset): our window is stale.
            if (held !== undefined && held > item.lastSeq && threads.get(item.id)) threads.delete(item.id);
            threads.touch(item.id);
          }
          conversations.setAll(frame.items);
          return true;
        case 'sync.messages': {
          const w = threads.get(frame.conversationId) ?? place(frame.conversationId, frame.fromSeq - 1);
          commit(frame.conversationId, addRange(w, frame.fromSeq, frame.toSeq, frame.messages));
          return true;
        }
        case 'sync.gap':
          resetFromLatest(frame.conversationId);
          return true;
        case 'sync.done':
          synced = true;
          // Removed from a group (or it was dismissed) while away: it stays readable, marked left (SPEC §13).
          for (const c of groupsAtOpen) if (!listed.has(c.id)) conversations.leave(conversations.get(c.id) ?? c);
          for (const [id, list] of [...unplaced]) place(id, startOf(id, list[0].seq));
          for (const id of threads.ids()) fillGap(id);
          return true;
        case 'message.new':
          if (frame.message.seq === 0) options.onMessage(frame.message); // online-only: no seq, no thread
          else onLive(frame.message);
          return true;
        default:
          return false;
      }
    },

    commitOwn(message) {
      ownSent.add(message.clientMsgId);
      onLive(message);
    },

    expectSeq(id, seq, clientMsgId) {
      const w = threads.get(id) ?? place(id, seq - 1);
      if (seq <= w.toSeq) return;
      ownSent.add(clientMsgId);
      fillGap(id, true);
    },
  };
}
