import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientFrame } from '../../../src/protocol/index.js';
import { DEFAULT_FRAME_BUDGETS, FrameBudget, OPEN_ATTEMPTS_PER_CONNECTION, parseFrameBudgets, rateLimitedFrame } from '../../../src/server/core/frame-rates.js';
import { createMemoryRateLimiter, type RateLimiter } from '../../../src/server/core/rate-limiter.js';
import { resolveOptions } from '../../../src/server/options.js';

/** A real memory limiter that also records the keys it was asked about. */
function recording(): RateLimiter & { keys: string[] } {
  const inner = createMemoryRateLimiter(1000, 60_000);
  const keys: string[] = [];
  return { keys, consume: (key, now, limit) => (keys.push(key), inner.consume(key, now, limit)) };
}

const ping: ClientFrame = { type: 'ping', reqId: 'p' };
const block: ClientFrame = { type: 'blocklist.add', reqId: 'b', userId: 'bob' };

describe('frame budgets', () => {
  it('admits `budget` frames of a class per user and window, then answers the time left, per class and per user', () => {
    const b = new FrameBudget({ budgets: { ...DEFAULT_FRAME_BUDGETS, ping: 3 }, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) assert.equal(b.admit('alice', ping, 1000 + i), undefined);
    assert.equal(b.admit('alice', ping, 31_000), 30_000);
    assert.equal(b.admit('bob', ping, 31_000), undefined);
    assert.equal(b.admit('alice', { type: 'members.fetch', reqId: 'm', conversationId: 'p2p:bob' }, 31_000), undefined);
    assert.equal(b.admit('alice', ping, 61_000), undefined);
  });

  it('counts only the write classes in the shared (cluster) limiter, and only once this node admitted them', async () => {
    const shared = recording();
    const b = new FrameBudget({ budgets: { ...DEFAULT_FRAME_BUDGETS, blocklist: 2 }, windowMs: 60_000, shared });
    assert.equal(b.admit('alice', ping, 0), undefined);
    assert.equal(await b.admit('alice', block, 0), undefined);
    assert.equal(await b.admit('alice', { type: 'conversation.read', conversationId: 'p2p:bob', seq: 1 }, 0), undefined);
    assert.equal(await b.admit('alice', block, 1), undefined);
    // Refused on this node: no round trip to the shared limiter.
    assert.equal(await b.admit('alice', block, 2), 59_998);
    assert.deepEqual(shared.keys, ['blocklist:alice', 'read:alice', 'blocklist:alice']);
  });

  it('refuses what the shared limiter refuses even when this node has budget left (another node spent it)', async () => {
    const shared = createMemoryRateLimiter(100, 60_000);
    for (let i = 0; i < 2; i++) await shared.consume('blocklist:alice', 0, 2);
    const b = new FrameBudget({ budgets: { ...DEFAULT_FRAME_BUDGETS, blocklist: 2 }, windowMs: 60_000, shared });
    assert.equal(await b.admit('alice', block, 10), 59_990);
  });

  it('checks sends and typing against the send budget in separate buckets', () => {
    const b = new FrameBudget({ budgets: DEFAULT_FRAME_BUDGETS, windowMs: 60_000, sendsPerWindow: 1 });
    const send = (onlineUserOnly: boolean): ClientFrame => ({ type: 'message.send', clientMsgId: 'abcdefgh', conversationId: 'p2p:bob', elem: { type: 'text', text: 'x' }, ...(onlineUserOnly && { onlineUserOnly }) });
    assert.equal(b.admit('alice', send(false), 0), undefined);
    assert.equal(b.admit('alice', send(true), 0), undefined);
    assert.equal(b.admit('alice', send(false), 0), 60_000);
    assert.equal(b.admit('alice', send(true), 0), 60_000);
  });

  it('limits session.open attempts per connection', () => {
    const b = new FrameBudget({ budgets: DEFAULT_FRAME_BUDGETS, windowMs: 60_000 });
    for (let i = 0; i < OPEN_ATTEMPTS_PER_CONNECTION; i++) assert.equal(b.admitAttempt('c1', 0), undefined);
    assert.equal(b.admitAttempt('c1', 0), 60_000);
    assert.equal(b.admitAttempt('c2', 0), undefined);
  });

  it('serialises the refusal with the reqId, or as message.error by clientMsgId', () => {
    assert.deepEqual(JSON.parse(rateLimitedFrame(ping, 5)), { type: 'error', reqId: 'p', code: 5000, name: 'RATE_LIMITED', message: 'You are sending too fast. Try again shortly.', retryAfterMs: 5 });
    assert.deepEqual(JSON.parse(rateLimitedFrame({ type: 'ping' }, 5)).reqId, undefined);
    const send = JSON.parse(rateLimitedFrame({ type: 'message.send', clientMsgId: 'abcdefgh', conversationId: 'p2p:bob', elem: { type: 'text', text: 'x' } }, 7));
    assert.deepEqual([send.type, send.clientMsgId, send.conversationId, send.name, send.retryAfterMs], ['message.error', 'abcdefgh', 'p2p:bob', 'RATE_LIMITED', 7]);
  });

  it('reads NATTER_FRAME_RATES_PER_MINUTE and refuses a bad entry; resolveOptions refuses bad frameBudgets', () => {
    assert.deepEqual(parseFrameBudgets(' ping=10, blocklist=5 '), { ping: 10, blocklist: 5 });
    assert.throws(() => parseFrameBudgets('pong=10'), /NATTER_FRAME_RATES_PER_MINUTE: "pong=10"/);
    assert.throws(() => parseFrameBudgets('ping=0'), TypeError);
    const base = { dataDir: '/tmp', secret: 'x'.repeat(16) };
    assert.throws(() => resolveOptions({ ...base, frameBudgets: { ping: 1.5 } }), /frameBudgets.ping/);
    assert.throws(() => resolveOptions({ ...base, frameBudgets: { pong: 1 } as never }), /frameBudgets.pong/);
    assert.deepEqual(resolveOptions({ ...base, frameBudgets: { ping: 5 } }).frameBudgets, { ping: 5 });
  });
});
