import { ChatError, type ClientFrameOf, type PresenceItem, type ServerFrame } from '../../protocol/index.js';
import type { BusEvent } from '../core/bus.js';
import type { Connection, ConnectionRegistry } from '../core/connection.js';
import { p2pKey } from '../core/conversation-key.js';
import type { Logger } from '../core/logger.js';
import type { Presence, PresenceState } from '../core/presence.js';
import type { Store } from '../core/store.js';

/** What a node tells the others about presence: `userId`'s state, visibility or blocks changed. */
export type PresenceEvent = Extract<BusEvent, { kind: 'presence' }>;

export interface PresenceServiceOptions {
  store: Store;
  presence: Presence;
  registry: ConnectionRegistry;
  publish(event: BusEvent): Promise<void>;
  logger: Logger;
  /**
   * Changes are batched: at most one unrequested `presence.updated` per connection per this many
   * ms, but a user who comes online is told at once, and one who goes offline is told only once
   * they have stayed offline this long (a reload's brief offline is never sent).
   */
  intervalMs: number;
  /**
   * Every this many ms each watched user is looked at again, changed or not: the users of a node
   * that died without a word go offline (their Redis entries expire) and no event says so.
   */
  sweepMs: number;
}

/** One connection's watch: whom, what it was last told, and what to look at next flush. */
interface Watch {
  conn: Connection;
  userId: string;
  targets: Set<string>;
  /** Targets who blocked the watcher, or whom the watcher blocked: always offline, no last seen. */
  masked: Set<string>;
  /** The watcher hides their own presence: they see no one's last seen. */
  selfHidden: boolean;
  /** The item last sent per target, as `online:lastSeen`, to send only what changed. */
  sent: Map<string, string>;
  /** Targets to look at again on the next flush. */
  pending: Set<string>;
  /** Targets whose block state to read again on the next flush. */
  recheck: Set<string>;
}

/**
 * Online / last seen of 1:1 peers and friends (SPEC §13), on top of the cluster's `Presence`.
 * A connection watches a bounded list of people it may see; each node keeps its connections'
 * watches in memory. A change anywhere in the cluster (a user's first session on a node, their
 * last one closing there, a visibility or block change) travels as a `presence` bus event that
 * only marks the watches of that user pending. A timer then reads the states of every pending
 * user at once and sends each connection one frame with what changed for it, so however often
 * a user flaps, a watcher gets at most one frame per interval.
 *
 * Two exceptions make it feel live without flashing: a user's state change is also read at once,
 * and if they are online, watchers who were told they were offline are told straight away (a
 * comeback shows at once); an offline is held by a flush whose timer was armed before it, so it
 * is sent only after an interval (one to two), and a reload's offline, undone by the online that
 * follows, is never sent. Since an online is only news after an offline was sent, a watcher
 * still gets at most one "came online" per user per interval.
 */
export class PresenceService {
  readonly #o: PresenceServiceOptions;
  readonly #watches = new Map<Connection, Watch>();
  /** Watches by target user. */
  readonly #watchers = new Map<string, Set<Watch>>();
  readonly #pending = new Set<Watch>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing = false;
  /** Reads and sends one after another: a slower, older read never overwrites a newer one. */
  #queue: Promise<void> = Promise.resolve();
  /** Users whose state changed, to read at once (their onlines are sent without waiting). */
  readonly #fresh = new Set<string>();
  /**
   * Changes and timers in order: the step at which each watched user's state last changed, and
   * the one at which the flush timer was last armed. A flush holds the offline of a user who
   * changed after its timer was armed, so an offline is sent only once an interval has passed.
   */
  #step = 0;
  #armedAt = 0;
  readonly #changedAt = new Map<string, number>();
  readonly #sweep: ReturnType<typeof setInterval>;

  constructor(options: PresenceServiceOptions) {
    this.#o = options;
    this.#sweep = setInterval(() => this.#sweepAll(), options.sweepMs);
    this.#sweep.unref();
  }

  /** Answers `presence.watch`: checks who may be watched, replaces the watch, sends the current states. */
  async watch(conn: Connection, frame: ClientFrameOf<'presence.watch'>): Promise<void> {
    const userId = conn.session!.userId;
    const { store } = this.#o;
    const targets = [...new Set(frame.userIds)].filter((u) => u !== userId);
    // A peer (a 1:1 conversation exists) or a friend: anyone else is a stranger, and the whole
    // frame is refused, so presence is no oracle of arbitrary user ids.
    const allowed = await Promise.all(targets.map(async (u) => (await store.getConversation(userId, p2pKey(userId, u))) !== undefined || store.areFriends(userId, u)));
    if (allowed.includes(false)) throw new ChatError('PRESENCE_FORBIDDEN');
    const [masked, selfHidden] = await Promise.all([this.#blockedAmong(userId, targets), store.presenceHiddenAmong([userId])]);
    if (conn.session === undefined || !this.#o.registry.of(userId)?.has(conn)) return; // closed meanwhile
    this.#drop(conn);
    const watch: Watch = { conn, userId, targets: new Set(targets), masked: new Set(masked), selfHidden: selfHidden.length > 0, sent: new Map(), pending: new Set(), recheck: new Set() };
    this.#watches.set(conn, watch);
    for (const t of targets) {
      let set = this.#watchers.get(t);
      if (!set) this.#watchers.set(t, (set = new Set()));
      set.add(watch);
    }
    const items = await this.#items(new Map([[watch, targets]]), 'answer');
    send(conn, { type: 'presence.updated', reqId: frame.reqId, items: items.get(watch) ?? [], visible: !watch.selfHidden });
  }

  /** Answers `presence.set`: stores the user's visibility, tells their devices, and the cluster. */
  async setVisible(conn: Connection, frame: ClientFrameOf<'presence.set'>, notify: (users: string[], frame: ServerFrame) => Promise<void>): Promise<void> {
    const userId = conn.session!.userId;
    await this.#o.store.setPresenceHidden(userId, !frame.visible);
    if (frame.reqId !== undefined) send(conn, { type: 'ok', reqId: frame.reqId });
    await notify([userId], { type: 'presence.updated', items: [], visible: frame.visible });
    await this.#o.publish({ kind: 'presence', userId, hidden: !frame.visible });
  }

  /** `owner` blocked or unblocked `other`: both sides' watches of each other are read again. */
  blockChanged(owner: string, other: string): Promise<void> {
    return this.#o.publish({ kind: 'presence', userId: owner, peer: other });
  }

  /** A user's presence may have changed on this node (first session here, last one gone). */
  changed(userId: string): Promise<void> {
    return this.#o.publish({ kind: 'presence', userId });
  }

  /** A presence event from the bus (any node's, this one's too): marks the watches it touches. */
  onEvent(event: PresenceEvent): void {
    const { userId } = event;
    if (event.hidden === undefined && event.peer === undefined && this.#watchers.has(userId)) {
      this.#changedAt.set(userId, ++this.#step);
      if (this.#fresh.size === 0) void this.#serial(() => this.#quick());
      this.#fresh.add(userId);
    }
    for (const w of this.#watchers.get(userId) ?? []) {
      w.pending.add(userId);
      if (event.peer === w.userId) w.recheck.add(userId);
      this.#pending.add(w);
    }
    if (event.hidden !== undefined || event.peer !== undefined) {
      for (const conn of this.#o.registry.of(userId) ?? []) {
        const w = this.#watches.get(conn);
        if (!w) continue;
        if (event.hidden !== undefined) {
          // Hiding oneself hides everyone's last seen from oneself: every item may change.
          w.selfHidden = event.hidden;
          for (const t of w.targets) w.pending.add(t);
        }
        if (event.peer !== undefined && w.targets.has(event.peer)) w.pending.add(event.peer), w.recheck.add(event.peer);
        this.#pending.add(w);
      }
    }
    this.#schedule();
  }

  /** The connection closed: its watch goes. */
  disconnect(conn: Connection): void {
    this.#drop(conn);
  }

  /** Stops the timers (the node is shutting down). */
  stop(): void {
    clearInterval(this.#sweep);
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #drop(conn: Connection): void {
    const old = this.#watches.get(conn);
    if (!old) return;
    this.#watches.delete(conn);
    this.#pending.delete(old);
    for (const t of old.targets) {
      const set = this.#watchers.get(t);
      set?.delete(old);
      if (set?.size === 0) this.#watchers.delete(t), this.#changedAt.delete(t);
    }
  }

  #sweepAll(): void {
    for (const w of this.#watches.values()) {
      for (const t of w.targets) w.pending.add(t);
      this.#pending.add(w);
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#flushing || this.#pending.size === 0) return;
    this.#armedAt = ++this.#step;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // One flush at a time, and the interval starts again after it.
      this.#flushing = true;
      void this.#serial(() => this.#flush()).finally(() => {
        this.#flushing = false;
        this.#schedule();
      });
    }, this.#o.intervalMs);
    this.#timer.unref?.();
  }

  #serial(job: () => Promise<void>): Promise<void> {
    return (this.#queue = this.#queue.then(job).catch((err: unknown) => this.#o.logger.error({ err }, 'presence: update failed')));
  }

  /** Reads the users whose state just changed and sends, now, those online to whoever last heard otherwise. */
  async #quick(): Promise<void> {
    const wanted = new Map<Watch, string[]>();
    for (const u of this.#fresh) {
      // A block not yet read again waits for the flush: no online slips past it.
      for (const w of this.#watchers.get(u) ?? []) {
        if (w.recheck.has(u)) continue;
        const list = wanted.get(w);
        list ? list.push(u) : wanted.set(w, [u]);
      }
    }
    this.#fresh.clear();
    if (wanted.size > 0) this.#send(await this.#items(wanted, 'quick'));
  }

  async #flush(): Promise<void> {
    const watches = [...this.#pending];
    this.#pending.clear();
    // Taken before any await: what is marked meanwhile waits for the next flush.
    const wanted = new Map(watches.map((w) => [w, [...w.pending]]));
    for (const w of watches) w.pending.clear();
    for (const w of watches) {
      if (w.recheck.size > 0) {
        const checked = [...w.recheck].filter((t) => w.targets.has(t));
        w.recheck.clear();
        const masked = new Set(await this.#blockedAmong(w.userId, checked));
        for (const t of checked) masked.has(t) ? w.masked.add(t) : w.masked.delete(t);
      }
    }
    this.#send(await this.#items(wanted, 'flush'));
  }

  #send(items: Map<Watch, PresenceItem[]>): void {
    for (const [w, list] of items) if (list.length > 0 && this.#watches.get(w.conn) === w) send(w.conn, { type: 'presence.updated', items: list });
  }

  /**
   * The items of the users each watch wants, with one presence read and one visibility read for
   * all of them; only those that differ from what the watch was last sent, which are then
   * recorded as sent. `quick` (a state change read at once): only onlines, the rest is left for
   * the flush. `flush`: an offline less than an interval old is held, marked for the next flush.
   * `answer` (to a watch): everything as it is.
   */
  async #items(wanted: Map<Watch, string[]>, mode: 'answer' | 'quick' | 'flush'): Promise<Map<Watch, PresenceItem[]>> {
    const users = [...new Set([...wanted.values()].flat())];
    const [states, hidden] = await Promise.all([this.#o.presence.states(users), this.#o.store.presenceHiddenAmong(users)]);
    const byUser = new Map<string, PresenceState>(users.map((u, i) => [u, states[i]!]));
    const hiddenSet = new Set(hidden);
    const held = (t: string) => (this.#changedAt.get(t) ?? 0) > this.#armedAt;
    if (mode !== 'quick') for (const u of users) if (!held(u)) this.#changedAt.delete(u);
    const out = new Map<Watch, PresenceItem[]>();
    for (const [w, targets] of wanted) {
      const list: PresenceItem[] = [];
      for (const t of targets) {
        const state = byUser.get(t);
        if (!state || !w.targets.has(t)) continue;
        const item: PresenceItem = w.masked.has(t) || hiddenSet.has(t) ? { userId: t, online: false } : { userId: t, online: state.online };
        if (!item.online && state.lastSeen !== undefined && !w.masked.has(t) && !hiddenSet.has(t) && !w.selfHidden) item.lastSeen = state.lastSeen;
        // A short key, not the item serialised: a sweep compares every watched user of every watch.
        const key = `${item.online ? 1 : 0}:${item.lastSeen ?? ''}`;
        if (w.sent.get(t) === key) continue;
        if (!item.online && (mode === 'quick' || (mode === 'flush' && held(t)))) {
          if (mode === 'flush') w.pending.add(t), this.#pending.add(w);
          continue;
        }
        w.sent.set(t, key);
        list.push(item);
      }
      out.set(w, list);
    }
    return out;
  }

  /** Of `targets`, those with a block either way between them and `userId`. */
  async #blockedAmong(userId: string, targets: string[]): Promise<string[]> {
    const { store } = this.#o;
    const blocked = new Set(await store.listBlocked(userId));
    const either = await Promise.all(targets.map(async (t) => blocked.has(t) || store.isBlocked(t, userId)));
    return targets.filter((_, i) => either[i]);
  }
}

function send(conn: Connection, frame: ServerFrame): void {
  conn.send(JSON.stringify(frame));
}
