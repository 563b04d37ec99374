import { ChatError, LIMITS, type Broadcast, type ErrorBody, type ServerFrame } from '../../protocol/index.js';
import type { BroadcastRecord, BroadcastWindow, DeviceRef } from './broadcast-store.js';
import type { BusEvent } from './bus.js';
import type { Connection, ConnectionRegistry } from './connection.js';
import type { Logger } from './logger.js';
import type { Store } from './store.js';
import { unavailable } from './store-busy.js';
import type { Clock } from './types.js';
import { outboxEvents, type WebhookHooks } from '../webhooks/types.js';

/** The app's broadcast budget (SPEC §5: 10 per minute and 1000 per day by default). */
export interface BroadcastLimits {
  perMinute: number;
  perDay: number;
}

export interface BroadcastInput {
  content: string;
  /** Who it is from, as the banner shows it (a team or service name). */
  from?: string;
  /** Keep it for devices that are away, for `ttlSeconds` (default 7 days). */
  offline?: boolean;
  ttlSeconds?: number;
}

/** A stored broadcast as the admin API lists it. */
export type ListedBroadcast = Broadcast & { offline: boolean };

export type BroadcastBusEvent = Extract<BusEvent, { kind: 'broadcast' }>;

/**
 * BROADCAST_RATE_LIMITED with what a caller needs to plan a retry: which window is full, its
 * size and when a slot frees up (`resetAt`, epoch ms; `retryAfterMs` also sets Retry-After).
 */
export class BroadcastLimitError extends ChatError {
  readonly window: BroadcastWindow;
  readonly max: number;
  readonly resetAt: number;

  constructor(window: BroadcastWindow, max: number, resetAt: number, now: number) {
    super('BROADCAST_RATE_LIMITED', `At most ${max} broadcasts per ${window}; the next is possible at ${new Date(resetAt).toISOString()}.`, {
      retryAfterMs: Math.max(1, resetAt - now),
    });
    this.window = window;
    this.max = max;
    this.resetAt = resetAt;
  }

  override toJSON(): ErrorBody & { limit: BroadcastWindow; max: number; resetAt: number } {
    return { ...super.toJSON(), limit: this.window, max: this.max, resetAt: this.resetAt };
  }
}

export interface BroadcastsDeps {
  store: Store;
  clock: Clock;
  registry: ConnectionRegistry;
  publish(event: BusEvent): Promise<void>;
  limits: BroadcastLimits;
  logger: Logger;
  /** Webhook endpoints; a `broadcast.sent` event is queued with the broadcast. */
  webhooks?: WebhookHooks;
}

/**
 * Announcements from the site's backend to every user (SPEC §5). They never touch a
 * conversation: REST -> quota and storage (Store) -> bus -> every online device of every node.
 * A device that opens a session gets the stored ones it has not received, once: the store
 * keeps a cursor per device, raised at session open and whenever a node delivers one live.
 */
export class Broadcasts {
  readonly #d: BroadcastsDeps;

  constructor(deps: BroadcastsDeps) {
    this.#d = deps;
  }

  /** Checks the quota, stores, and delivers to every online device. Throws BroadcastLimitError. */
  async send(input: BroadcastInput): Promise<Broadcast> {
    const now = this.#d.clock();
    const offline = input.offline ?? false;
    const broadcast: Broadcast = { id: globalThis.crypto.randomUUID(), content: input.content, time: now };
    if (input.from !== undefined) broadcast.from = input.from;
    if (offline) broadcast.expiresAt = now + (input.ttlSeconds ?? LIMITS.broadcastTtlSeconds) * 1000;
    const { perMinute, perDay } = this.#d.limits;
    const hooks = this.#d.webhooks?.endpointsFor('broadcast.sent');
    // Broadcasts belong to no conversation: they are ordered among themselves (key `broadcast`).
    const outbox = hooks?.length
      ? outboxEvents({ type: 'broadcast.sent', endpoints: hooks }, { eventId: broadcast.id, key: 'broadcast', time: now, payload: JSON.stringify({ broadcast: { ...broadcast, offline } }) })
      : undefined;
    let admission;
    try {
      admission = await this.#d.store.addBroadcast({ ...broadcast, offline }, { now, perMinute, perDay, keep: LIMITS.offlineBroadcastsKept, ...(outbox && { outbox }) });
    } catch (err) {
      this.#d.logger.error({ err }, 'storing a broadcast failed');
      throw unavailable(err, 'The broadcast could not be stored. Try again.');
    }
    if (!admission.ok) throw new BroadcastLimitError(admission.window, admission.max, admission.resetAt, now);
    if (outbox) this.#d.webhooks!.queued();
    const event: BroadcastBusEvent = { kind: 'broadcast', frame: { type: 'broadcast.new', broadcast } };
    // Only offline ones are delivered at login, so only they need the devices' cursors raised.
    if (offline) event.seq = admission.seq;
    await this.#d.publish(event);
    return broadcast;
  }

  /** Stored broadcasts, newest first (expired offline ones excluded). */
  async list(): Promise<ListedBroadcast[]> {
    return (await this.#d.store.listBroadcasts(this.#d.clock())).map((b) => ({ ...toWire(b), offline: b.offline }));
  }

  /** Withdraws one: online devices drop it now, others at their next session open. */
  async withdraw(id: string): Promise<void> {
    if (!(await this.#d.store.withdrawBroadcast(id))) throw new ChatError('NOT_FOUND', `There is no broadcast "${id}".`);
    await this.#d.publish({ kind: 'broadcast', frame: { type: 'broadcast.removed', id } });
  }

  /**
   * At session open, after the connection joined live delivery (so nothing added meanwhile is
   * missed; a broadcast arriving both ways is dropped by the client by id). A store failure
   * only delays them to the next session: the cursor moves only when the read succeeds.
   */
  async deliverStored(conn: Connection): Promise<void> {
    const session = conn.session;
    if (!session) return;
    try {
      const { added, withdrawn } = await this.#d.store.takeBroadcasts({ userId: session.userId, deviceId: session.deviceId ?? '' }, this.#d.clock());
      for (const b of added) send(conn, { type: 'broadcast.new', broadcast: toWire(b) });
      for (const id of withdrawn) send(conn, { type: 'broadcast.removed', id });
    } catch (err) {
      this.#d.logger.error({ err }, 'reading stored broadcasts failed');
    }
  }

  /** A broadcast event from the bus: to every session on this node, serialised once. */
  deliverLocally(event: BroadcastBusEvent): void {
    const data = JSON.stringify(event.frame);
    const devices: DeviceRef[] = [];
    for (const conn of this.#d.registry.all()) {
      if (!conn.session) continue;
      conn.send(data);
      devices.push({ userId: conn.session.userId, deviceId: conn.session.deviceId ?? '' });
    }
    if (event.seq === undefined || devices.length === 0) return;
    // After sending: a crash in between costs a repeat at the next login, never a loss.
    this.#d.store.markBroadcastsReceived(devices, event.seq, this.#d.clock()).catch((err: unknown) => {
      this.#d.logger.error({ err }, 'recording live broadcast delivery failed');
    });
  }
}

function toWire(b: BroadcastRecord): Broadcast {
  const w: Broadcast = { id: b.id, content: b.content, time: b.time };
  if (b.from !== undefined) w.from = b.from;
  if (b.expiresAt !== undefined) w.expiresAt = b.expiresAt;
  return w;
}

function send(conn: Connection, frame: ServerFrame): void {
  conn.send(JSON.stringify(frame));
}
