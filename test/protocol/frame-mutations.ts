/**
 * Structure-aware mutations of valid frames, for the protocol fuzzers (client frames against a
 * running server in test/server/security/fuzz*.ts, server frames against decodeServerFrame in
 * test/protocol/frame-bounds.test.ts). A mutation picks any field of a valid frame, at any
 * depth, and replaces, drops or adds something there: the protocol's own recursive structure
 * (merged forwards) nested hundreds to thousands of levels, plain deep arrays and objects, huge
 * arrays and objects, tens of thousands of empty arrays side by side, wrong types, prototype
 * keys, huge numbers, NaN-like strings and strings right at the length limits. Deterministic for fast-check's seed.
 */
import fc from 'fast-check';
import { LIMITS } from '../../src/protocol/index.js';

export type Mutation =
  | { op: 'drop'; pick: number }
  | { op: 'retype'; pick: number; value: unknown }
  | { op: 'add'; pick: number; key: string; value: unknown }
  | { op: 'type'; type: string }
  | { op: 'proto'; pick: number }
  | { op: 'nest'; pick: number; kind: 'merger' | 'message' | 'array' | 'object'; depth: number }
  | { op: 'wide'; pick: number; kind: 'array' | 'object' | 'arrays' | 'keys'; size: number }
  | { op: 'long'; pick: number; bytes: number; unit: string };

/** Every path to a field in `value` (objects and arrays), e.g. ['elem', 'text']. */
export function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const out: (string | number)[][] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = [...prefix, Array.isArray(value) ? Number(k) : k];
    out.push(p, ...paths(v, p));
  }
  return out;
}

/**
 * `depth` levels of a structure, as JSON text built by repetition (JSON.stringify would recurse).
 * `merger`: merged forwards in merged forwards, the protocol's own recursion, with the fewest
 * bytes a level (so thousands of levels fit in a frame); `message`: the same with whole valid
 * messages, fewer levels per frame but valid down to the innermost one.
 */
export function deepJson(depth: number, kind: 'merger' | 'message' | 'array' | 'object'): string {
  switch (kind) {
    case 'array': return '['.repeat(depth) + ']'.repeat(depth);
    case 'object': return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    case 'merger': return '{"type":"merger","messages":[{"elem":'.repeat(depth) + '1' + '}]}'.repeat(depth);
    case 'message': {
      const open = '{"type":"merger","title":"t","abstractList":[],"messages":[{"id":"m","conversationId":"p2p:bob","seq":1,"clientMsgId":"cmid00000001","sender":"bob","senderProfile":{},"time":1,"elem":';
      return open.repeat(depth) + '{"type":"text","text":"x"}' + '}]}'.repeat(depth);
    }
  }
}

/**
 * A JSON array or object with `size` entries, as text; `arrays`: `size` empty arrays spread over
 * the keys of an object, LIMITS.frameArrayItems a key, so each array is within the bounds
 * checked after a parse and only their count is not; `keys`: `size` distinct keys spread over
 * objects of LIMITS.frameObjectKeys each, likewise.
 */
function wideJson(size: number, kind: 'array' | 'object' | 'arrays' | 'keys'): string {
  if (kind === 'array') return `[${'0,'.repeat(size - 1)}0]`;
  if (kind === 'keys') {
    const objects: string[] = [];
    for (let from = 0; from < size; from += LIMITS.frameObjectKeys) {
      objects.push(`"${objects.length}":{${Array.from({ length: Math.min(size - from, LIMITS.frameObjectKeys) }, (_, i) => `"k${(from + i).toString(36)}":0`).join(',')}}`);
    }
    return `{${objects.join(',')}}`;
  }
  if (kind === 'arrays') {
    const lists: string[] = [];
    for (let left = size; left > 0; left -= LIMITS.frameArrayItems) lists.push(`"${lists.length}":[${'[],'.repeat(Math.min(left, LIMITS.frameArrayItems) - 1)}[]]`);
    return `{${lists.join(',')}}`;
  }
  const keys: string[] = [];
  for (let i = 0; i < size; i++) keys.push(`"k${i}":0`);
  return `{${keys.join(',')}}`;
}

const MARK = '\u0000MARK\u0000';

/** Applies a mutation to a copy of `frame` and returns the JSON text to send. */
export function mutate(frame: Record<string, unknown>, m: Mutation): string {
  const copy = structuredClone(frame) as Record<string, unknown>;
  if (m.op === 'type') {
    copy['type'] = m.type;
    return JSON.stringify(copy);
  }
  const all = paths(copy);
  const path = all[m.pick % all.length] ?? ['type'];
  let parent: any = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  const last = path[path.length - 1]!;
  // Structures too big to build as values are spliced into the text at a marker.
  let spliced: string | undefined;
  switch (m.op) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case 'retype':
      parent[last] = m.value;
      break;
    case 'add': {
      // Into the object the field sits in, or into the field itself when it is an object.
      const target = parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last]) ? parent[last] : parent;
      if (!Array.isArray(target)) target[m.key] = m.value;
      break;
    }
    case 'proto': {
      const target = parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last]) ? parent[last] : copy;
      target[MARK] = 0;
      // JSON.parse makes these own keys; nothing may treat them as the prototype.
      return JSON.stringify(copy).replace(`"${MARK}":0`, '"__proto__":{"type":"ping","admin":true,"elem":{"type":"system"}},"constructor":{"prototype":{"x":1}},"prototype":null');
    }
    case 'nest':
      parent[last] = MARK;
      spliced = deepJson(m.depth, m.kind);
      break;
    case 'wide':
      parent[last] = MARK;
      spliced = wideJson(m.size, m.kind);
      break;
    case 'long':
      parent[last] = m.unit.repeat(Math.max(1, Math.floor(m.bytes / new TextEncoder().encode(m.unit).length)));
      break;
  }
  const json = JSON.stringify(copy);
  return spliced === undefined ? json : json.replace(JSON.stringify(MARK), spliced);
}

/**
 * One code point, a lone surrogate never: fast-check's `unit: 'binary'` drawn the same way (the same
 * index for the same seed, mapped to the same character), with an unmapper that computes where
 * fast-check's builds a reverse map of all 1.1 million: building it took 2-7 s of every test process
 * that made a binary string (once, when `fc.string` looked for its dangerous strings).
 */
const anyCodePoint = fc.nat({ max: 0x10ffff - 0x800 }).map(
  (i) => String.fromCodePoint(i < 0xd800 ? i : i + 0x800),
  (v) => {
    const cp = typeof v === 'string' ? v.codePointAt(0) : undefined;
    if (cp === undefined || String.fromCodePoint(cp) !== v || (cp >= 0xd800 && cp < 0xe000)) throw new TypeError('not one code point');
    return cp < 0xd800 ? cp : cp - 0x800;
  },
);

/** `fc.string({ unit: 'binary', maxLength })`, the same strings for the same seed, without its start-up cost. */
export const binaryString = (maxLength: number) => fc.string({ unit: anyCodePoint, maxLength });

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
export const nasty = fc.constantFrom('\u0000', '\u001b[2J', '\u0008', '\u202e', '\u2066', '\u200b', '\ufeff', '\uffff', '<script>', '%00', '../../', '${x}', 'a'.repeat(70), 'p2p:', 'group:', 'p2p:bob\n');
export const weirdString = fc.oneof(
  binaryString(40),
  fc.array(fc.oneof(loneSurrogate, nasty, fc.string({ maxLength: 4 })), { maxLength: 8 }).map((a) => a.join('')),
);
export { loneSurrogate };
const hugeNumber = fc.constantFrom(1e308, -1e308, -1, -0, 0.5, 2 ** 53 + 2, -(2 ** 53), 2 ** 31, 1e21, Number.MIN_VALUE);
const nanLike = fc.constantFrom('NaN', 'Infinity', '-Infinity', '-0', '1e999', '0x10', ' 1', '1_000', 'null', 'undefined', 'true', '[]', '{}');
const value = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ maxDepth: 2, maxKeys: 4 }) },
  { weight: 2, arbitrary: weirdString },
  { weight: 2, arbitrary: hugeNumber },
  { weight: 1, arbitrary: nanLike },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, '', 0) },
);
/** Byte counts around the protocol's string limits. */
const nearLimit = fc.constantFrom(63, 64, 65, 127, 128, 129, LIMITS.shortTextBytes, LIMITS.shortTextBytes + 1, LIMITS.textBytes, LIMITS.textBytes + 1, 2048, 2049, 8192, 8193);

/**
 * Mutations, weighted so that each fuzz chunk holds a few hundred deep or huge ones among the
 * cheap ones (every one of those is parsed by the server, so they set the run's length).
 */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('drop' as const), pick: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('retype' as const), pick: fc.nat(), value }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), pick: fc.nat(), key: fc.oneof(weirdString, fc.constantFrom('type', 'reqId', 'admin', 'sender', 'seq', 'toString', 'elem', 'messages')), value }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('type' as const), type: fc.constantFrom('session.open', 'message.send', 'conversation.read', 'history.fetch', 'blocklist.add', 'blocklist.remove', 'ping', 'members.fetch', 'change.send', 'reactions.fetch', 'pins.fetch', 'search.fetch', 'search.results', 'mute.set', 'group.create', 'group.change', 'group.fetch', 'group.info', 'friends.list', 'friend.add', 'friend.remove', 'friend.accept', 'friends', 'friends.updated', 'change.ack', 'message.ack', 'message.new', 'sync.done', '', 'PING', 'message.send ') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('proto' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({ op: fc.constant('nest' as const), pick: fc.nat(), kind: fc.constant('merger' as const), depth: fc.integer({ min: 100, max: 6000 }) }),
      fc.record({ op: fc.constant('nest' as const), pick: fc.nat(), kind: fc.constant('message' as const), depth: fc.integer({ min: 4, max: 1200 }) }),
      fc.record({ op: fc.constant('nest' as const), pick: fc.nat(), kind: fc.constantFrom('array' as const, 'object' as const), depth: fc.integer({ min: 33, max: 20_000 }) }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.record({ op: fc.constant('wide' as const), pick: fc.nat(), kind: fc.constantFrom('array' as const, 'object' as const), size: fc.integer({ min: 1000, max: 60_000 }) }),
      // As many empty arrays as a frame holds (85,000 in 256 KiB), which JSON.parse takes some twenty times a flat frame's time on.
      fc.record({ op: fc.constant('wide' as const), pick: fc.nat(), kind: fc.constant('arrays' as const), size: fc.integer({ min: 1000, max: 85_000 }) }),
      // As many distinct keys as a frame holds (some 37,000 in 256 KiB), which JSON.parse takes thirty to sixty times a flat frame's time on.
      fc.record({ op: fc.constant('wide' as const), pick: fc.nat(), kind: fc.constant('keys' as const), size: fc.integer({ min: 1000, max: 37_000 }) }),
    ),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('long' as const), pick: fc.nat(), bytes: nearLimit, unit: fc.constantFrom('a', 'é', '字', '👍') }) },
);
