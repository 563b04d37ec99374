/**
 * The gateway's hand check of a plain text send (src/server/ws/send-fast-path.ts) must answer
 * exactly as the schemas do: every frame it takes is one the schema accepts with the same output,
 * and every other frame goes to the schema (whose errors the client sees).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeClientFrame, LIMITS } from '../../../src/protocol/index.js';
import { plainTextSend } from '../../../src/server/ws/send-fast-path.js';
import { mutate, mutation, weirdString } from '../../protocol/frame-mutations.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261206);
const plain = { type: 'message.send', clientMsgId: 'cmid-0001_abc', conversationId: 'group:g1', elem: { type: 'text', text: 'hello' } };

/** Both decoders on one text: the fast path's verdict must be the schema's. */
function agree(raw: string): 'fast' | 'schema' {
  const schema = decodeClientFrame(raw);
  const fast = decodeClientFrame(raw, plainTextSend);
  assert.deepEqual(fast, schema, raw.slice(0, 200));
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return 'schema';
  }
  const taken = parsed !== null && typeof parsed === 'object' && plainTextSend(parsed) !== undefined;
  if (taken) assert.equal(schema.ok, true, `the fast path took a frame the schema refuses: ${raw.slice(0, 200)}`);
  return taken ? 'fast' : 'schema';
}

test('a plain text send is taken by the fast path and decodes as the schema decodes it', () => {
  for (const frame of [
    plain,
    { ...plain, conversationId: 'p2p:bob.smith@x-1' },
    { elem: { text: '字👍é', type: 'text' }, conversationId: 'p2p:b', type: 'message.send', clientMsgId: 'a'.repeat(64) },
    { ...plain, elem: { type: 'text', text: '字'.repeat(Math.floor(LIMITS.textBytes / 3)) } },
    // Past a third of the limit in UTF-16 units the bytes are counted: all of the limit, or 4-byte pairs.
    { ...plain, elem: { type: 'text', text: 'a'.repeat(LIMITS.textBytes) } },
    { ...plain, elem: { type: 'text', text: '👍'.repeat(LIMITS.textBytes / 4) } },
  ]) assert.equal(agree(JSON.stringify(frame)), 'fast', JSON.stringify(frame).slice(0, 100));
});

test('a send with anything more, less or other than a plain text goes to the schema, with its errors', () => {
  const schemaOnes = [
    { ...plain, priority: 'high' },
    { ...plain, reqId: 'r1' },
    { ...plain, replyTo: 'm1' },
    { ...plain, elem: { type: 'text', text: 'x', preview: { url: 'https://a.example' } } },
    { ...plain, elem: { type: 'text', text: '' } },
    { ...plain, elem: { type: 'text', text: 'a'.repeat(LIMITS.textBytes + 1) } },
    { ...plain, elem: { type: 'text', text: '字'.repeat(Math.floor(LIMITS.textBytes / 3) + 1) } },
    { ...plain, elem: { type: 'face', index: 1, data: 'x' } },
    { ...plain, elem: ['text', 'x'] },
    { ...plain, elem: null },
    { ...plain, clientMsgId: 'short' },
    { ...plain, clientMsgId: 12345678 },
    { ...plain, conversationId: 'room:g1' },
    { ...plain, conversationId: 'group:' },
    { type: 'message.send', clientMsgId: plain.clientMsgId, conversationId: plain.conversationId },
    { type: 'message.send', clientMsgId: plain.clientMsgId, conversationId: plain.conversationId, forward: { conversationId: 'p2p:b', messageIds: ['m'] } },
  ];
  for (const frame of schemaOnes) assert.equal(agree(JSON.stringify(frame)), 'schema', JSON.stringify(frame).slice(0, 100));
  // Own keys JSON.parse makes from prototype names are never mistaken for the frame's.
  assert.equal(agree(JSON.stringify(plain).replace('"type":"message.send"', '"__proto__":{"x":1},"type":"message.send"')), 'schema');
  assert.equal(agree(JSON.stringify(plain).replace('"type":"text"', '"type":"text","__proto__":null')), 'schema');
  // The fast path runs before the depth and width bounds: a frame past them is still refused by them.
  const deep = (n: number): unknown => (n === 0 ? 1 : { d: deep(n - 1) });
  for (const frame of [{ ...plain, x: deep(LIMITS.frameDepth + 2) }, { ...plain, elem: { type: 'text', text: 'x', d: deep(LIMITS.frameDepth + 2) } }, { ...plain, x: Array(LIMITS.frameArrayItems + 1).fill(0) }]) {
    const raw = JSON.stringify(frame);
    assert.equal(agree(raw), 'schema');
    const decoded = decodeClientFrame(raw, plainTextSend);
    assert.ok(!decoded.ok && decoded.error.name === 'BAD_FRAME' && /deeper|more than/.test(decoded.error.message), raw.slice(0, 100));
  }
  // Too large is refused before anything is parsed, as without the fast path.
  const huge = JSON.stringify({ ...plain, elem: { type: 'text', text: 'a'.repeat(LIMITS.frameBytes) } });
  assert.equal(agree(huge), 'schema');
  assert.equal(decodeClientFrame(huge, plainTextSend).ok, false);
});

test('mutated plain text sends: whatever the fast path takes, the schema takes the same (fuzz)', () => {
  let fast = 0;
  fc.assert(
    fc.property(mutation, (m) => {
      if (agree(mutate(plain, m)) === 'fast') fast++;
    }),
    { seed: SEED, numRuns: 1500 },
  );
  fc.assert(
    fc.property(weirdString, weirdString, weirdString, (clientMsgId, conversationId, text) => {
      if (agree(JSON.stringify({ ...plain, clientMsgId, conversationId, elem: { type: 'text', text } })) === 'fast') fast++;
    }),
    { seed: SEED, numRuns: 1500 },
  );
  // Some mutations keep the frame a plain text send (a text swapped for another string).
  assert.ok(fast > 0);
});
