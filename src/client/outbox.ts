import type { Elem } from '../protocol/elems.js';
import { ChatError, isTransient, type ErrorBody } from '../protocol/error-codes.js';
import type { ChangeSendFrame } from '../protocol/changes.js';
import type { MessageSendFrame } from '../protocol/frames.js';
import type { ConversationId } from '../protocol/ids.js';
import { withOutboxLock } from './outbox-lock.js';
import type { ClientStorage, OutboxEntry } from './types.js';

/** How an outbox entry shows in its thread. */
export interface LocalEntry {
  entry: OutboxEntry;
  status: 'sending' | 'failed';
  error?: ErrorBody;
}

export interface OutboxOptions {
  storage: ClientStorage;
  ackTimeoutMs: number;
  /** Name of the Web Lock that lets one client (tab) at a time flush this outbox. */
  lockName: string;
  /** Writes a `message.send` (or, for a change, `change.send`) frame to the open session. */
  transmit(frame: MessageSendFrame | ChangeSendFrame): void;
  /** The local entries of a conversation changed. */
  onChange(conversationId: ConversationId): void;
  /** An entry failed (timeout or error); it stays in the thread. */
  onFailed(local: LocalEntry): void;
  /**
   * Uploads a file entry's file (`entry.upload`) and resolves with the elem to send; rejects with
   * a ChatError. Called instead of sending while the entry has no elem; the entry is then sent.
   */
  upload?(entry: OutboxEntry): Promise<Elem>;
}

export interface Outbox {
  /** Loads entries persisted by an earlier page (or another tab). */
  restore(): Promise<void>;
  /** Persists and queues a new entry; resolves with `settle`'s value, rejects with a ChatError. */
  add<T>(entry: OutboxEntry): Promise<T>;
  /** The session is ready (sends allowed) or gone. Ready triggers `flush`. */
  setReady(ready: boolean, userId?: string): void;
  /** Resends every pending entry not in flight, in creation order. Resolves when all settled. */
  flush(): Promise<void>;
  /** The server committed this clientMsgId (ack, or our own message seen in a replay). */
  settle(clientMsgId: string, value: unknown): OutboxEntry | undefined;
  /** The server refused a send. */
  fail(clientMsgId: string, error: ErrorBody): void;
  resend<T>(clientMsgId: string): Promise<T>;
  discard(clientMsgId: string): Promise<void>;
  get(clientMsgId: string): LocalEntry | undefined;
  /** Entries of one conversation, oldest first. */
  entries(conversationId: ConversationId): LocalEntry[];
  /** Stops timers and rejects waiting sends with CANCELLED; entries stay persisted for the next start. */
  close(): void;
}

interface Tracked extends LocalEntry {
  inFlight: boolean;
  /** Its file is being uploaded (no ack timer runs meanwhile: a large file takes longer). */
  uploading?: boolean;
  timer?: ReturnType<typeof setTimeout>;
  waiters: { resolve(value: unknown): void; reject(error: ChatError): void }[];
}

/**
 * The outbox state machine (SPEC §3). Persisted state: `pending` (retried automatically on every
 * session start) or `rejected` (waits for `resend`). Shown status: `sending`, or `failed` after
 * an error or when no ack came within `ackTimeoutMs` (a timed-out entry stays `pending`, so it
 * is still sent once when the connection returns; the clientMsgId makes any resend idempotent).
 */
export function createOutbox(options: OutboxOptions): Outbox {
  const { storage, ackTimeoutMs } = options;
  const tracked = new Map<string, Tracked>();
  /**
   * Each conversation's tracked entries: `entries` reads one conversation's, not the whole
   * outbox (the conversation list asks each conversation for its newest unsent message on every
   * publish: 1,000 × 100 entries read a publish before). A conversation's set stays once emptied.
   */
  const byConversation = new Map<ConversationId, Set<Tracked>>();
  /** Settled or discarded here: a flush that read storage before the delete landed must not revive them. */
  const finished = new Set<string>();
  let ready = false;
  let userId: string | undefined;
  let flushing = false;
  let closed = false;

  const byCreation = (a: Tracked, b: Tracked) => a.entry.createdAt - b.entry.createdAt;
  const ordered = () => [...tracked.values()].sort(byCreation);
  /** A file entry whose file is not uploaded yet: it is uploaded, not sent. */
  const awaitingUpload = (entry: OutboxEntry) => entry.upload !== undefined && entry.elem === undefined;

  function track(entry: OutboxEntry): Tracked {
    const t: Tracked = {
      entry,
      status: entry.state === 'rejected' ? 'failed' : 'sending',
      inFlight: false,
      waiters: [],
    };
    if (entry.error) t.error = entry.error;
    tracked.set(entry.clientMsgId, t);
    (byConversation.get(entry.conversationId) ?? byConversation.set(entry.conversationId, new Set()).get(entry.conversationId)!).add(t);
    if (entry.state === 'pending' && !awaitingUpload(entry)) startTimer(t);
    return t;
  }

  function untrack(t: Tracked): void {
    tracked.delete(t.entry.clientMsgId);
    byConversation.get(t.entry.conversationId)!.delete(t);
  }

  function startTimer(t: Tracked): void {
    clearTimeout(t.timer);
    if (closed) return;
    t.timer = setTimeout(() => {
      t.timer = undefined;
      if (tracked.get(t.entry.clientMsgId) !== t) return;
      markFailed(t, new ChatError('TIMEOUT'));
    }, ackTimeoutMs);
  }

  /** `body`: the server's error as it came (a before-send `reason` included). */
  function markFailed(t: Tracked, error: ChatError, body = error.toJSON()): void {
    clearTimeout(t.timer);
    t.timer = undefined;
    t.status = 'failed';
    t.error = body;
    const waiters = t.waiters.splice(0);
    for (const w of waiters) w.reject(error);
    options.onChange(t.entry.conversationId);
    options.onFailed(t);
  }

  function waitFor<T>(t: Tracked): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      t.waiters.push({ resolve: resolve as (v: unknown) => void, reject });
    });
  }

  function canTransmit(t: Tracked): boolean {
    if (!ready || t.inFlight || t.uploading || t.entry.state !== 'pending') return false;
    return t.entry.userId === undefined || userId === undefined || t.entry.userId === userId;
  }

  function transmit(t: Tracked): void {
    if (!canTransmit(t)) return;
    const { entry } = t;
    if (entry.userId === undefined && userId !== undefined) {
      entry.userId = userId;
      void storage.putOutbox(entry).catch(warn);
    }
    if (awaitingUpload(entry)) return upload(t);
    t.inFlight = true;
    if (t.status === 'failed') {
      t.status = 'sending';
      delete t.error;
      startTimer(t);
      options.onChange(entry.conversationId);
    }
    if (entry.change) {
      return options.transmit({ type: 'change.send', changeId: entry.clientMsgId, conversationId: entry.conversationId, messageId: entry.change.messageId, change: entry.change.change });
    }
    const frame = { ...entry.options, type: 'message.send', clientMsgId: entry.clientMsgId, conversationId: entry.conversationId } as MessageSendFrame;
    if (entry.replyTo) frame.replyTo = entry.replyTo.messageId;
    if (entry.elem) frame.elem = entry.elem;
    if (entry.forward) frame.forward = entry.forward;
    options.transmit(frame);
  }

  /** Uploads the entry's file, then sends it; a failed upload fails the entry (resend uploads again). */
  function upload(t: Tracked): void {
    const { entry } = t;
    const id = entry.clientMsgId;
    t.uploading = true;
    t.inFlight = true;
    clearTimeout(t.timer);
    if (t.status === 'failed') {
      t.status = 'sending';
      delete t.error;
      options.onChange(entry.conversationId);
    }
    const run = options.upload ? options.upload(entry) : Promise.reject(new ChatError('UPLOAD_FAILED', 'This client cannot upload.'));
    run.then(
      async (elem) => {
        t.uploading = false;
        t.inFlight = false;
        // Closed (a reload): the entry stays persisted without its elem and is uploaded again.
        if (closed || tracked.get(id) !== t) return;
        entry.elem = elem;
        // Persisted before it is sent, so a reload from here on sends without uploading again.
        await storage.putOutbox(entry).catch(warn);
        startTimer(t);
        options.onChange(entry.conversationId);
        transmit(t);
      },
      (error: unknown) => {
        t.uploading = false;
        t.inFlight = false;
        if (closed || tracked.get(id) !== t) return;
        api.fail(id, (error instanceof ChatError ? error : new ChatError('UPLOAD_FAILED', undefined, { cause: error })).toJSON());
      },
    );
  }

  /** Resolves once the entry is acked, refused or timed out (never rejects). */
  function settled(t: Tracked): Promise<void> {
    if (!tracked.has(t.entry.clientMsgId) || !t.inFlight) return Promise.resolve();
    return waitFor(t).then(
      () => undefined,
      () => undefined,
    );
  }

  async function flushLocked(): Promise<void> {
    // Other tabs may have sent (and deleted) entries or added new ones since we last looked.
    const stored = await storage.loadOutbox();
    const storedIds = new Set(stored.map((e) => e.clientMsgId));
    for (const t of [...tracked.values()]) {
      if (!storedIds.has(t.entry.clientMsgId) && !t.inFlight && t.entry.state === 'pending') {
        clearTimeout(t.timer);
        untrack(t);
        options.onChange(t.entry.conversationId);
      }
    }
    for (const entry of stored) {
      if (!tracked.has(entry.clientMsgId) && !finished.has(entry.clientMsgId)) {
        track(entry);
        options.onChange(entry.conversationId);
      }
    }
    const sent: Tracked[] = [];
    for (const t of ordered()) {
      if (!canTransmit(t)) continue;
      transmit(t);
      sent.push(t);
    }
    await Promise.all(sent.map(settled));
  }

  const api: Outbox = {
    async restore() {
      for (const entry of await storage.loadOutbox()) {
        if (!tracked.has(entry.clientMsgId) && !finished.has(entry.clientMsgId)) track(entry);
        options.onChange(entry.conversationId);
      }
    },

    async add<T>(entry: OutboxEntry): Promise<T> {
      await storage.putOutbox(entry);
      // A flush running meanwhile may have found it in storage already.
      const t = tracked.get(entry.clientMsgId) ?? track(entry);
      options.onChange(entry.conversationId);
      // Refused before it was sent (e.g. too large): it stays in the thread, failed, with its reason.
      if (entry.state === 'rejected') throw ChatError.from(entry.error ?? new ChatError('BAD_REQUEST').toJSON());
      const result = waitFor<T>(t);
      // While a flush runs, it sends new entries after the older ones (creation order).
      if (!flushing) transmit(t);
      return result;
    },

    setReady(next, user) {
      ready = next;
      if (user !== undefined) userId = user;
      if (!next) for (const t of tracked.values()) t.inFlight = false;
      else void this.flush().catch(warn);
    },

    async flush() {
      if (!ready || closed) return;
      await withOutboxLock(options.lockName, async () => {
        if (!ready || closed) return;
        flushing = true;
        try {
          await flushLocked();
        } finally {
          flushing = false;
        }
        // Entries added while the flush ran and not sent by it.
        for (const t of ordered()) transmit(t);
      });
    },

    settle(clientMsgId, value) {
      const t = tracked.get(clientMsgId);
      if (!t) return undefined;
      clearTimeout(t.timer);
      untrack(t);
      finished.add(clientMsgId);
      void storage.deleteOutbox(clientMsgId).catch(warn);
      for (const w of t.waiters.splice(0)) w.resolve(value);
      options.onChange(t.entry.conversationId);
      return t.entry;
    },

    fail(clientMsgId, error) {
      const t = tracked.get(clientMsgId);
      if (!t) return;
      t.inFlight = false;
      if (!isTransient(error.name)) {
        t.entry.state = 'rejected';
        t.entry.error = error;
        // An absolute time, so "try again at …" stays true however late the thread shows it.
        if (error.retryAfterMs !== undefined) t.entry.retryAt = Date.now() + error.retryAfterMs;
        void storage.putOutbox(t.entry).catch(warn);
      }
      markFailed(t, ChatError.from(error), error);
      // A server that said when to come back (its store saturated: UNAVAILABLE with a hint) gets
      // the entry again then, on this session; otherwise a transient failure waits for the next one.
      // (Only a pending entry is sent: a rejected one waits for `resend`, its retryAfterMs only
      // shown. Settling, discarding or closing clears the timer; transmit needs a ready session.)
      if (error.retryAfterMs) t.timer = setTimeout(() => transmit(t), error.retryAfterMs);
    },

    async resend<T>(clientMsgId: string): Promise<T> {
      const t = tracked.get(clientMsgId);
      if (!t) throw new ChatError('MESSAGE_UNKNOWN', 'There is no such message in the outbox.');
      const result = waitFor<T>(t);
      if (t.inFlight && t.status === 'sending') return result;
      t.entry.state = 'pending';
      delete t.entry.error;
      delete t.entry.retryAt;
      await storage.putOutbox(t.entry);
      t.status = 'sending';
      delete t.error;
      if (!awaitingUpload(t.entry)) startTimer(t);
      options.onChange(t.entry.conversationId);
      t.inFlight = false;
      transmit(t);
      return result;
    },

    async discard(clientMsgId) {
      const t = tracked.get(clientMsgId);
      if (!t) return;
      if (t.status !== 'failed') throw new ChatError('BAD_REQUEST', 'Only a failed message can be discarded.');
      clearTimeout(t.timer);
      untrack(t);
      finished.add(clientMsgId);
      await storage.deleteOutbox(clientMsgId);
      for (const w of t.waiters.splice(0)) w.reject(new ChatError('CANCELLED'));
      options.onChange(t.entry.conversationId);
    },

    get(clientMsgId) {
      return tracked.get(clientMsgId);
    },

    entries(conversationId) {
      return [...(byConversation.get(conversationId) ?? [])].sort(byCreation);
    },

    close() {
      closed = true;
      ready = false;
      for (const t of tracked.values()) {
        clearTimeout(t.timer);
        // Frees a flush waiting on these (and its lock); the entries stay persisted.
        for (const w of t.waiters.splice(0)) w.reject(new ChatError('CANCELLED'));
      }
    },
  };
  return api;
}

function warn(error: unknown): void {
  console.warn('[natter] outbox storage failed:', error);
}
