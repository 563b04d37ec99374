import { randomBytes, randomUUID } from 'node:crypto';
import { ChatError } from '../../protocol/index.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../core/store.js';
import type { Clock } from '../core/types.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEndpoint, type WebhookEventType } from './types.js';

/** An endpoint URL an admin may configure: http(s) with a host, no credentials in it. */
export function checkEndpointUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ChatError('WEBHOOK_URL_INVALID');
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname || u.username || u.password) throw new ChatError('WEBHOOK_URL_INVALID');
}

export function checkEventTypes(events: string[]): void {
  for (const e of events) {
    if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e)) throw new ChatError('BAD_REQUEST', `Unknown event type "${e}" (${WEBHOOK_EVENT_TYPES.join(', ')}).`);
  }
}

/**
 * The endpoints of this node: those of the environment (`env-<n>`, NATTER_WEBHOOK_URL) and
 * those made over REST (in the store, shared by every node). The store's are read again every
 * `refreshMs` (an endpoint made on another node is used here from then on) and at once after a
 * change on this node. `endpointsFor` answers from memory: sends never wait for it.
 */
export class WebhookEndpoints {
  readonly #store: Store;
  readonly #env: WebhookEndpoint[];
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #refreshMs: number;
  #stored: WebhookEndpoint[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(o: { store: Store; env: WebhookEndpoint[]; clock: Clock; logger: Logger; refreshMs?: number }) {
    this.#store = o.store;
    this.#env = o.env;
    this.#clock = o.clock;
    this.#log = o.logger;
    this.#refreshMs = o.refreshMs ?? 5000;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh().catch((err: unknown) => this.#log.warn({ err }, 'webhooks: endpoint refresh failed')), this.#refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async refresh(): Promise<void> {
    this.#stored = await this.#store.listWebhookEndpoints();
  }

  all(): WebhookEndpoint[] {
    return [...this.#env, ...this.#stored];
  }

  get(id: string): WebhookEndpoint | undefined {
    return this.all().find((e) => e.id === id);
  }

  /** Ids of the endpoints that take events of `type`. */
  endpointsFor(type: WebhookEventType): string[] {
    const ids: string[] = [];
    for (const e of this.#env) if (e.events.length === 0 || e.events.includes(type)) ids.push(e.id);
    for (const e of this.#stored) if (e.events.length === 0 || e.events.includes(type)) ids.push(e.id);
    return ids;
  }

  async create(input: { url: string; secret?: string; events?: string[] }): Promise<WebhookEndpoint> {
    checkEndpointUrl(input.url);
    checkEventTypes(input.events ?? []);
    const endpoint: WebhookEndpoint = {
      id: `wh_${randomUUID().replace(/-/g, '')}`, url: input.url, secret: input.secret ?? randomBytes(24).toString('base64url'),
      events: [...new Set(input.events ?? [])], createdAt: this.#clock(),
    };
    await this.#store.createWebhookEndpoint(endpoint);
    await this.refresh();
    return endpoint;
  }

  async delete(id: string): Promise<void> {
    if (this.#env.some((e) => e.id === id)) throw new ChatError('BAD_REQUEST', 'Endpoints of NATTER_WEBHOOK_URL are removed from the environment, not over REST.');
    if (!(await this.#store.deleteWebhookEndpoint(id))) throw new ChatError('NOT_FOUND');
    await this.refresh();
  }
}
