import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../../../src/protocol/index.js';
import { NO_PREVIEW, pushPayload, pushTopic } from '../../../src/server/push/push-payload.js';

const message = (over: Partial<Message> = {}): Message => ({
  id: 'm1', conversationId: 'group:g', seq: 3, clientMsgId: 'c1', sender: 'alice', senderProfile: { name: 'Alice' }, time: 9,
  elem: { type: 'text', text: 'secret plans' }, ...over,
});

test('without previews a push says "New message"; offlinePushInfo still wins', () => {
  assert.equal(pushPayload(message(), false).body, NO_PREVIEW);
  assert.equal(pushPayload(message(), true).body, 'secret plans');
  assert.deepEqual(pushPayload(message({ offlinePushInfo: { title: 'T', body: 'B' } }), false), { v: 1, title: 'T', body: 'B', conversationId: 'group:g', messageId: 'm1', seq: 3, time: 9 });
});

test('names the kind of a non-text message, falls back to the sender id, and clips long text', () => {
  assert.equal(pushPayload(message({ elem: { type: 'location', description: 'x', latitude: 1, longitude: 2 } as Message['elem'] }), true).body, 'Location');
  assert.equal(pushPayload(message({ senderProfile: {} }), true).title, 'alice');
  const long = pushPayload(message({ elem: { type: 'text', text: '字'.repeat(500) } }), true).body;
  assert.equal([...long].length, 140);
  assert.ok(long.endsWith('…'));
});

test('a topic is 32 base64url characters, one per conversation', () => {
  assert.match(pushTopic('group:g'), /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(pushTopic('group:g'), pushTopic('group:h'));
});
