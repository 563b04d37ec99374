/**
 * The conversation list asks each conversation for its newest unsent message on every publish:
 * with a per-conversation index in the outbox that reads one conversation's entries, not the whole
 * outbox (1,000 conversations × 100 entries was 100,000 entries read a publish). No server: the
 * client is offline (its URL refuses connections), as when it starts on a train.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket as WS } from 'ws';
import { createChatClient } from '../../src/client/index.js';
import { createMemoryStorage } from '../../src/client/storage-memory.js';
import type { Conversation, OutboxEntry } from '../../src/client/types.js';
import type { ConversationId } from '../../src/protocol/index.js';
import { until } from './real-server.js';

const token = `x.${Buffer.from(JSON.stringify({ sub: 'me' })).toString('base64url')}.x`;

test('each publish reads one conversation\'s outbox entries, not every entry, and shows the newest unsent message of each', async () => {
  const storage = createMemoryStorage();
  const conversations = Array.from({ length: 1000 }, (_, i): Conversation => ({ id: `p2p:u${i}` as ConversationId, type: 'p2p', lastSeq: 0, readSeq: 0, unread: 0 }));
  await storage.saveState({ userId: 'me', conversations, threads: {} });
  // 100 entries in 50 conversations, two each; the newer one is a change (not previewed) in u30..u49.
  let scanned = 0;
  const entries = Array.from({ length: 100 }, (_, i): OutboxEntry => {
    const e: OutboxEntry = {
      clientMsgId: `cmid-${String(i).padStart(6, '0')}`, conversationId: `p2p:u${i % 50}`, options: {}, createdAt: 10_000 + i, state: 'pending', userId: 'me',
      ...(i >= 80 ? { change: { messageId: 'target', change: { kind: 'pin', on: true } } } : { elem: { type: 'text', text: `m${i}` } }),
    };
    // Counts each time anything reads which conversation an entry is in.
    return new Proxy(e, { get: (t, p, r) => (p === 'conversationId' && scanned++, Reflect.get(t, p, r)) });
  });
  storage.loadOutbox = async () => entries;

  const client = createChatClient({ url: 'ws://127.0.0.1:1/ws', token, WebSocket: WS, storage, ackTimeoutMs: 60_000, backoff: { minDelayMs: 1000, maxDelayMs: 1000 } });
  try {
    const outgoing = () => client.$conversations.get().filter((c) => c.outgoing);
    await until(() => outgoing().length === 50, '50 previews');
    const text = (c: Conversation) => (c.outgoing!.elem.type === 'text' ? c.outgoing!.elem.text : '');
    const shown = new Map(outgoing().map((c) => [c.id, text(c)]));
    for (let k = 0; k < 50; k++) assert.equal(shown.get(`p2p:u${k}`), `m${k < 30 ? k + 50 : k}`, `u${k}`);
    assert.deepEqual(outgoing().slice(0, 3).map((c) => c.id), ['p2p:u29', 'p2p:u28', 'p2p:u27'], 'newest unsent first');

    // One more message: the list is published again, with all 1,000 conversations.
    scanned = 0;
    const sent = client.send('p2p:u500', 'one more').catch(() => undefined);
    await until(() => client.$conversations.get()[0]?.id === 'p2p:u500', 'published');
    assert.equal(outgoing().length, 51);
    assert.ok(scanned < 1000, `entries read for a publish: ${scanned}`);
    await client.close();
    await sent;
  } finally {
    await client.close();
  }
});
