/** Webhook and before-send options are checked before anything starts (TypeError naming the option). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { resolveOptions } from '../../../src/server/options.js';

const base = { dataDir: '/tmp/unused', secret: 'options-secret-0123456789' };

it('refuses webhook URLs that are not http(s), URLs without a secret, unknown event types and bad numbers', () => {
  assert.throws(() => resolveOptions({ ...base, webhooks: { urls: ['ftp://127.0.0.1/x'], secret: 'hook-secret-0123456789' } }), /webhooks/);
  assert.throws(() => resolveOptions({ ...base, webhooks: { urls: ['http://127.0.0.1/x'] } }), /webhooks\.secret/);
  assert.throws(() => resolveOptions({ ...base, webhooks: { urls: ['http://127.0.0.1/x'], secret: 'short' } }), /webhooks\.secret/);
  assert.throws(() => resolveOptions({ ...base, webhooks: { urls: ['http://127.0.0.1/x'], secret: 'hook-secret-0123456789', events: ['nope'] } }), /Unknown event type/);
  assert.throws(() => resolveOptions({ ...base, webhooks: { timeoutMs: 0 } }), /webhooks\.timeoutMs/);
  assert.doesNotThrow(() => resolveOptions({ ...base, webhooks: { urls: ['https://hooks.example/x'], secret: 'hook-secret-0123456789', events: ['message.created'] } }));
});

it('refuses a before-send hook with a bad URL, no secret, a bad timeout or fallback', () => {
  const ok = { url: 'http://127.0.0.1:9/x', secret: 'hook-secret-0123456789' };
  assert.throws(() => resolveOptions({ ...base, beforeSend: { ...ok, url: 'file:///etc/passwd' } }), /beforeSend\.url/);
  assert.throws(() => resolveOptions({ ...base, beforeSend: { ...ok, secret: '' } }), /beforeSend\.secret/);
  assert.throws(() => resolveOptions({ ...base, beforeSend: { ...ok, timeoutMs: -1 } }), /beforeSend\.timeoutMs/);
  assert.throws(() => resolveOptions({ ...base, beforeSend: { ...ok, fallback: 'maybe' as 'allow' } }), /beforeSend\.fallback/);
  assert.doesNotThrow(() => resolveOptions({ ...base, beforeSend: { ...ok, fallback: 'reject', timeoutMs: 500 } }));
});
