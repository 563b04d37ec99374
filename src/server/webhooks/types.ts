/**
 * Webhooks (SPEC §11): what the store keeps for them. Every event a commit produces for an
 * endpoint is an outbox row written in the commit's own transaction; a deliverer on any node
 * claims rows (a lease, so exactly one node sends a row at a time), POSTs them and settles them.
 */

/** The events an endpoint can ask for. */
export const WEBHOOK_EVENT_TYPES = [
  'message.created', 'message.edited', 'message.recalled', 'message.reacted', 'message.pinned',
  'group.created', 'group.members', 'group.changed', 'broadcast.sent', 'message.reported', 'message.unread',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookEndpoint {
  /** `env-<n>` for the endpoints of NATTER_WEBHOOK_URL; otherwise made by the admin REST. */
  id: string;
  url: string;
  /** The HMAC key of its signatures. */
  secret: string;
  /** Event types it receives; empty: every type. */
  events: string[];
  createdAt: number;
}

/** One event for one endpoint, as a commit enqueues it. */
export interface OutboxEvent {
  /** The event id the receiver deduplicates by (the same for every endpoint and every attempt). */
  eventId: string;
  endpointId: string;
  type: WebhookEventType;
  /** Events of one key (a conversation's storage key) are delivered in the order enqueued. */
  key: string;
  time: number;
  /** The event's `data`, serialised JSON. */
  payload: string;
}

/** A queued event as the store keeps it. */
export interface OutboxRow extends OutboxEvent {
  /** Rises in commit order; the row's handle. */
  seq: number;
  state: 'pending' | 'failed';
  /** Delivery attempts made so far. */
  attempts: number;
  /** When retries started counting (the event's time, or when an admin retried it). */
  retryFrom: number;
  lastError?: string;
}

/** How one claimed delivery ended. */
export type WebhookSettlement =
  | { status: 'delivered' }
  | { status: 'retry'; nextAt: number; error: string }
  | { status: 'failed'; error: string }
  /** Not attempted (a chain stopped before it): the lease is dropped, nothing else changes. */
  | { status: 'released' };

/** The webhook part of every Store (contract: test/server/store/store-webhooks-contract.ts). */
export interface WebhookStore {
  createWebhookEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  listWebhookEndpoints(): Promise<WebhookEndpoint[]>;
  /** Deletes the endpoint and every event still queued for it. False when there was none. */
  deleteWebhookEndpoint(id: string): Promise<boolean>;
  /** Queues events outside a message commit (they commit in their own transaction). */
  enqueueWebhooks(events: OutboxEvent[]): Promise<void>;
  /**
   * Leases to `owner`, until `now + leaseMs`, the pending rows of up to `limit` (endpoint, key)
   * pairs whose oldest pending row (the head) is due and not leased: the head and up to
   * `perKey - 1` rows after it, ascending by seq. So one key's events go out in order, by one
   * deliverer at a time. Concurrent claims on several nodes never return the same row while its
   * lease runs. `now` is the caller's clock; a store that several nodes share reckons due times
   * and leases by its own clock instead (PostgreSQL), so nodes whose clocks disagree agree on them.
   */
  claimWebhooks(owner: string, now: number, leaseMs: number, limit: number, perKey?: number): Promise<OutboxRow[]>;
  /**
   * Settles claimed rows, in one transaction: deleted when delivered; a row whose lease was lost
   * (another owner has it now) is left as it is. `now` is the caller's clock a retry's `nextAt`
   * was reckoned by (a store with its own clock keeps the time from now to it); default the host's.
   */
  settleWebhooks(owner: string, settlements: { seq: number; outcome: WebhookSettlement }[], now?: number): Promise<void>;
  /** Rows that gave up, oldest first, after `afterSeq`. */
  listFailedWebhooks(limit: number, afterSeq?: number): Promise<OutboxRow[]>;
  /** Puts failed rows (all of them when `seqs` is absent) back in the queue, due now. Returns how many. */
  retryWebhooks(now: number, seqs?: number[]): Promise<number>;
}

/** The `data` of a message event: the conversation's storage key and the message as stored. */
export function messagePayload(key: string, messageJson: string): string {
  return `{"conversation":${JSON.stringify(key)},"message":${messageJson}}`;
}

/** The `data` of a change event: the conversation, the change event and the changed message after it. */
export function changePayload(key: string, eventJson: string, targetJson: string): string {
  return `{"conversation":${JSON.stringify(key)},"event":${eventJson},"message":${targetJson}}`;
}

/** Which endpoints a commit enqueues an event for, and its type. */
export interface WebhookTargets {
  type: WebhookEventType;
  endpoints: string[];
}

/** One outbox event per endpoint. */
export function outboxEvents(targets: WebhookTargets, e: { eventId: string; key: string; time: number; payload: string }): OutboxEvent[] {
  return targets.endpoints.map((endpointId) => ({ ...e, endpointId, type: targets.type }));
}

/** What the core needs of webhooks: which endpoints take a type (from memory), and a nudge once queued. */
export interface WebhookHooks {
  endpointsFor(type: WebhookEventType): string[];
  /** Events were queued by a commit of this node. */
  queued(): void;
}

/** The event type of a change kind; `hide` (delete for me) concerns one user only and has none. */
export function changeEventType(kind: string): WebhookEventType | undefined {
  return ({ reaction: 'message.reacted', edit: 'message.edited', recall: 'message.recalled', pin: 'message.pinned' } as const)[kind as 'edit'];
}
