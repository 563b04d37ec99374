import { ChatError } from '../../protocol/index.js';
import { checkEndpointUrl, checkEventTypes } from './endpoints.js';
import type { BeforeSendOptions } from './before-send.js';
import type { WebhookEndpoint } from './types.js';

/** `webhooks` of ChatServerOptions (env: NATTER_WEBHOOK_*). */
export interface WebhookOptions {
  /** Endpoints every event goes to (NATTER_WEBHOOK_URL, comma-separated); more are made over REST. */
  urls?: string[];
  /** Their signing secret (NATTER_WEBHOOK_SECRET, at least 16 characters); needed with `urls`. */
  secret?: string;
  /** Event types the `urls` receive (NATTER_WEBHOOK_EVENTS); default every type. */
  events?: string[];
  /** One attempt's limit in ms (NATTER_WEBHOOK_TIMEOUT_MS). Default 10000. */
  timeoutMs?: number;
  /** How long an event is retried before it is kept as failed (NATTER_WEBHOOK_RETRY_FOR). Default 24 h. */
  retryForMs?: number;
  /** First retry delay in ms, doubling up to `backoffMaxMs` (300000). Default 1000. */
  backoffMs?: number;
  backoffMaxMs?: number;
  /** How often each node looks at the queue for events other nodes committed. Default 500. */
  pollMs?: number;
  /** Conversations delivered to at once per node (each one event after the other). Default 16. */
  concurrency?: number;
  /** Events of one conversation claimed at once. Default 20. */
  chain?: number;
  /** How often endpoints made over REST (on any node) are read again. Default 5000. */
  refreshMs?: number;
}

/** Checks the options (TypeError) and returns the environment's endpoints. */
export function envEndpoints(o: WebhookOptions | undefined): WebhookEndpoint[] {
  const urls = o?.urls ?? [];
  for (const k of ['timeoutMs', 'retryForMs', 'backoffMs', 'backoffMaxMs', 'pollMs', 'concurrency', 'chain', 'refreshMs'] as const) {
    const n = o?.[k];
    if (n !== undefined && !(Number.isInteger(n) && n > 0)) throw new TypeError(`createChatServer: \`webhooks.${k}\` must be a positive integer.`);
  }
  if (urls.length === 0) return [];
  if (!o?.secret || o.secret.length < 16) throw new TypeError('createChatServer: `webhooks.secret` (NATTER_WEBHOOK_SECRET) of at least 16 characters is needed with webhook URLs.');
  const events = o.events ?? [];
  try {
    for (const url of urls) checkEndpointUrl(url);
    checkEventTypes(events);
  } catch (err) {
    throw new TypeError(`createChatServer: webhooks: ${(err as ChatError).message} (${urls.join(', ')})`);
  }
  return urls.map((url, i) => ({ id: `env-${i}`, url, secret: o.secret!, events: [...events], createdAt: 0 }));
}

/** Checks the before-send hook's options (TypeError). */
export function checkBeforeSend(o: BeforeSendOptions): void {
  try {
    checkEndpointUrl(o.url);
  } catch {
    throw new TypeError(`createChatServer: \`beforeSend.url\` must be an http(s) URL without credentials, not "${o.url}".`);
  }
  if (!o.secret || o.secret.length < 16) throw new TypeError('createChatServer: `beforeSend.secret` (NATTER_BEFORE_SEND_SECRET or NATTER_WEBHOOK_SECRET) of at least 16 characters is needed.');
  if (o.timeoutMs !== undefined && !(Number.isInteger(o.timeoutMs) && o.timeoutMs > 0)) throw new TypeError('createChatServer: `beforeSend.timeoutMs` must be a positive integer.');
  if (o.fallback !== undefined && o.fallback !== 'allow' && o.fallback !== 'reject') throw new TypeError('createChatServer: `beforeSend.fallback` must be `allow` or `reject`.');
}
