/**
 * Fuzz inputs for the protocol fuzzer: valid frames of every client type, mutated (fields
 * dropped, retyped, huge or negative numbers, deep nesting, lone surrogates, bidi and NUL
 * characters, prototype keys, another frame's type), truncated JSON, random JSON and random
 * bytes. Deterministic for a seed (fast-check's generator), so a failure replays.
 */
import fc from 'fast-check';
import { LIMITS, PROTOCOL_VERSION } from '../../../src/protocol/index.js';

export type FuzzInput = { data: string; binary: false } | { data: Buffer; binary: true };

/** One or more valid frames of every client frame type (alice's view; bob and group g exist). */
export function validFrames(token: string): Record<string, unknown>[] {
  const id = 'fuzzcmid0001';
  return [
    { type: 'session.open', protocol: PROTOCOL_VERSION, token, deviceId: 'device-1', cursors: { 'p2p:bob': 1, 'group:g': 0 } },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'text', text: 'hello' } },
    { type: 'message.send', clientMsgId: id, conversationId: 'group:g', elem: { type: 'text', text: 'hi all' }, groupAtUserList: ['@all', 'bob'], priority: 'high', cloudCustomData: '{"k":1}', receiver: 'bob' },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'custom', customType: 'card', data: '{"a":1}', description: 'A card' } },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'location', description: 'here', latitude: 1.5, longitude: -2 } },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'image', url: 'https://x.example/a.png', width: 10, height: 10, size: 100, mime: 'image/png' } },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', forward: { conversationId: 'group:g', messageIds: ['m1', 'm2'], merge: { title: 'T' } } },
    { type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'text', text: 'typing' }, onlineUserOnly: true, offlinePushInfo: { title: 't', body: 'b' } },
    { type: 'conversation.read', reqId: 'r', conversationId: 'p2p:bob', seq: 1 },
    { type: 'history.fetch', reqId: 'h', conversationId: 'group:g', before: 10, limit: 20 },
    { type: 'history.fetch', reqId: 'h', conversationId: 'p2p:bob', after: 0 },
    { type: 'history.fetch', reqId: 'h', conversationId: 'p2p:bob', around: 'm1', limit: 20 },
    { type: 'blocklist.add', reqId: 'b', userId: 'carol' },
    { type: 'blocklist.remove', reqId: 'b', userId: 'carol' },
    { type: 'ping', reqId: 'p' },
    { type: 'members.fetch', reqId: 'm', conversationId: 'group:g' },
  ];
}

const TYPES = ['session.open', 'message.send', 'conversation.read', 'history.fetch', 'blocklist.add', 'blocklist.remove', 'ping', 'members.fetch', 'message.ack', 'sync.done', '', 'PING', 'message.send '];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const nasty = fc.constantFrom('\u0000', '\u202e', '\u2066', '\u200b', '\ufeff', '\uffff', '<script>', '%00', '../../', '${x}', 'a'.repeat(70), 'p2p:', 'group:', 'p2p:bob\n');
const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.oneof(loneSurrogate, nasty, fc.string({ maxLength: 4 })), { maxLength: 8 }).map((a) => a.join('')),
);
const hugeNumber = fc.constantFrom(1e308, -1e308, -1, -0, 0.5, 2 ** 53 + 2, -(2 ** 53), 2 ** 31, 1e21, Number.MIN_VALUE);

/** A value nested `depth` levels deep, as JSON text (JSON.stringify would recurse). */
function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}
const DEEP = '\u0000DEEP\u0000';

const replacement = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ maxDepth: 2, maxKeys: 4 }) },
  { weight: 2, arbitrary: weirdString },
  { weight: 2, arbitrary: hugeNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, '', 0) },
  { weight: 1, arbitrary: fc.constant(DEEP) },
);

/** Every path to a field in `value` (objects and arrays), e.g. ['elem', 'text']. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const out: (string | number)[][] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = [...prefix, Array.isArray(value) ? Number(k) : k];
    out.push(p, ...paths(v, p));
  }
  return out;
}

type Mutation = { op: 'drop' | 'retype' | 'add' | 'type' | 'proto'; pick: number; value: unknown; key: string; type: string };

function mutate(frame: Record<string, unknown>, m: Mutation): string {
  const copy = structuredClone(frame) as Record<string, unknown>;
  const all = paths(copy);
  const path = all[m.pick % all.length]!;
  let parent: any = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  const last = path[path.length - 1]!;
  let deep: string | undefined;
  switch (m.op) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case 'retype':
      parent[last] = m.value;
      if (m.value === DEEP) deep = deepJson(1000 + (m.pick % 20_000), m.pick % 2 ? 'array' : 'object');
      break;
    case 'add':
      if (typeof parent === 'object' && parent !== null && !Array.isArray(parent)) parent[m.key] = m.value;
      break;
    case 'type':
      copy['type'] = m.type;
      break;
    case 'proto':
      // JSON.parse makes these own keys; nothing may treat them as the prototype.
      return JSON.stringify(copy).replace(/^\{/, `{"__proto__":{"type":"ping","admin":true},"constructor":{"prototype":{"x":1}},`);
  }
  const json = JSON.stringify(copy);
  return deep === undefined ? json : json.replace(JSON.stringify(DEEP), deep);
}

/** The fuzz inputs of one chunk, deterministic for (seed, count). */
export function fuzzInputs(token: string, seed: number, count: number): FuzzInput[] {
  const frames = validFrames(token);
  const mutation = fc.record({
    op: fc.constantFrom('drop', 'retype', 'retype', 'add', 'type', 'proto') as fc.Arbitrary<Mutation['op']>,
    pick: fc.nat(),
    value: replacement,
    key: fc.oneof(weirdString, fc.constantFrom('type', 'reqId', 'admin', 'sender', 'seq', 'toString')),
    type: fc.constantFrom(...TYPES),
  });
  const input: fc.Arbitrary<FuzzInput> = fc.oneof(
    { weight: 10, arbitrary: fc.tuple(fc.nat({ max: frames.length - 1 }), mutation).map(([i, m]) => text(mutate(frames[i]!, m))) },
    { weight: 3, arbitrary: fc.tuple(fc.nat({ max: frames.length - 1 }), fc.nat()).map(([i, cut]) => {
      const json = JSON.stringify(frames[i]);
      return text(json.slice(0, cut % json.length));
    }) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => text(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map(text) },
    { weight: 1, arbitrary: fc.array(fc.oneof(loneSurrogate, nasty), { maxLength: 20 }).map((a) => text(`{"type":"ping","reqId":"${a.join('')}"}`)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ data: Buffer.from(b), binary: true as const })) },
    // Over LIMITS.frameBytes but under the hard cap: refused without being parsed.
    { weight: 1, arbitrary: fc.nat({ max: 1000 }).map((n) => (n === 0 ? text(`{"type":"ping","pad":"${'x'.repeat(LIMITS.frameBytes)}"}`) : text(`{"type":"ping","reqId":${n}}`))) },
  );
  return fc.sample(input, { seed, numRuns: count });
}

function text(data: string): FuzzInput {
  return { data, binary: false };
}
