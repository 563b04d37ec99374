import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeClientFrame,
  decodeServerFrame,
  LIMITS,
  utf8Length,
  ChatError,
  ERRORS,
  errorNameOf,
  type ErrorName,
} from '../../src/protocol/index.js';

const send = (elem: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'message.send', clientMsgId: 'cmid-0001', conversationId: 'p2p:bob', elem, ...extra });

function errorOf(raw: string): ChatError {
  const r = decodeClientFrame(raw);
  assert.equal(r.ok, false, `expected ${raw.slice(0, 80)} to be refused`);
  return (r as { ok: false; error: ChatError }).error;
}

test('a valid text send decodes to the same frame', () => {
  const r = decodeClientFrame(send({ type: 'text', text: 'hello' }));
  assert.ok(r.ok);
  assert.deepEqual(r.frame, {
    type: 'message.send', clientMsgId: 'cmid-0001', conversationId: 'p2p:bob', elem: { type: 'text', text: 'hello' },
  });
});

test('malformed JSON is BAD_FRAME', () => {
  assert.equal(errorOf('{"type":').name, 'BAD_FRAME');
});

test('an unknown frame type is BAD_FRAME', () => {
  assert.equal(errorOf('{"type":"message.explode"}').name, 'BAD_FRAME');
});

test('text of exactly 8 KB is accepted and one byte more is MESSAGE_TOO_LARGE', () => {
  assert.ok(decodeClientFrame(send({ type: 'text', text: 'a'.repeat(LIMITS.textBytes) })).ok);
  assert.equal(errorOf(send({ type: 'text', text: 'a'.repeat(LIMITS.textBytes + 1) })).name, 'MESSAGE_TOO_LARGE');
});

test('the text limit counts UTF-8 bytes, not characters', () => {
  const han = '字'.repeat(Math.floor(LIMITS.textBytes / 3) + 1); // 3 bytes each
  assert.equal(errorOf(send({ type: 'text', text: han })).name, 'MESSAGE_TOO_LARGE');
});

test('an image over 28 MB is FILE_TOO_LARGE', () => {
  const image = { type: 'image', url: '/u/a.png', width: 10, height: 10, mime: 'image/png', size: LIMITS.imageBytes + 1 };
  assert.equal(errorOf(send(image)).name, 'FILE_TOO_LARGE');
  assert.ok(decodeClientFrame(send({ ...image, size: LIMITS.imageBytes })).ok);
});

test('media urls must be http(s) or same-origin paths', () => {
  const file = { type: 'file', url: 'javascript:alert(1)', name: 'x', size: 1, mime: 'text/plain' };
  assert.equal(errorOf(send(file)).name, 'BAD_FRAME');
  assert.ok(decodeClientFrame(send({ ...file, url: 'https://cdn.example/x' })).ok);
});

test('a send needs exactly one of elem and forward', () => {
  assert.equal(errorOf(send(undefined)).name, 'BAD_FRAME');
  const both = send({ type: 'text', text: 'x' }, { forward: { conversationId: 'p2p:carol', messageIds: ['m1'] } });
  assert.equal(errorOf(both).name, 'BAD_FRAME');
});

test('frames over the frame limit are refused before parsing', () => {
  const huge = `{"type":"ping","pad":"${'x'.repeat(LIMITS.frameBytes)}"}`;
  assert.equal(errorOf(huge).name, 'FRAME_TOO_LARGE');
});

test('conversation ids must be p2p:<user> or group:<id>', () => {
  for (const id of ['bob', 'p2p:', 'dm:bob', 'group:a b', 'p2p:@all']) {
    assert.equal(errorOf(JSON.stringify({ type: 'conversation.read', conversationId: id, seq: 1 })).name, 'BAD_FRAME', id);
  }
});

test('a merger nests whole messages and validates them', () => {
  const m = { id: 'm1', conversationId: 'group:g', seq: 1, clientMsgId: 'cmid-0001', sender: 'bob', senderProfile: {}, time: 1, elem: { type: 'text', text: 'a' } };
  const merger = (inner: unknown) => JSON.stringify({ type: 'message.new', message: { ...m, elem: { type: 'merger', title: 't', abstractList: ['bob: a'], messages: [inner] } } });
  assert.ok(decodeServerFrame(merger(m)).ok);
  assert.equal(decodeServerFrame(merger({ ...m, elem: { type: 'text' } })).ok, false);
});

test('utf8Length matches TextEncoder for mixed scripts and surrogate pairs', () => {
  for (const s of ['', 'abc', 'héllo', '字字', '👍🏽', 'a\uD800b', 'mixed 字 👍 é']) {
    assert.equal(utf8Length(s), new TextEncoder().encode(s).length, s);
  }
});

test('every error has a unique code and maps back to its name', () => {
  const codes = new Set<number>();
  for (const name of Object.keys(ERRORS) as ErrorName[]) {
    const code = ERRORS[name].code;
    assert.ok(!codes.has(code), `duplicate code ${code}`);
    codes.add(code);
    assert.equal(errorNameOf(code), name);
    const e = new ChatError(name);
    assert.deepEqual(ChatError.from(e.toJSON()).toJSON(), e.toJSON());
  }
});
