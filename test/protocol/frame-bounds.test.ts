/**
 * Frames are bounded before they are validated (depth, array and object sizes), the schemas are
 * bounded themselves (merger nesting, every array), and both decoders never throw, whatever the
 * text: a hostile frame is a BAD_FRAME, not a stack overflow in the validator.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeClientFrame, decodeServerFrame, LIMITS, mergerDepthOf, type Elem, type Message } from '../../src/protocol/index.js';
import { jsonBoundsError } from '../../src/protocol/json-bounds.js';
import { binaryString, deepJson, mutate, mutation } from './frame-mutations.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261205);

/** The frame of issue 15: a send whose elem is `depth` mergers deep (about 40 bytes a level). */
const deepMergerSend = (depth: number) =>
  `{"type":"message.send","clientMsgId":"abcdefgh12","conversationId":"p2p:x","elem":${deepJson(depth, 'merger')}}`;

function refusal(decoded: ReturnType<typeof decodeClientFrame> | ReturnType<typeof decodeServerFrame>): { name: string; message: string } {
  assert.equal(decoded.ok, false);
  return (decoded as { ok: false; error: { name: string; message: string } }).error;
}

const message = (elem: Elem, id = 'm1'): Message => ({
  id, conversationId: 'p2p:bob', seq: 1, clientMsgId: 'cmid00000001', sender: 'bob', senderProfile: { name: 'Bob' }, time: 1, elem,
});
/** A merger `levels` deep (1: a merger of a text message). */
function nestedMerger(levels: number): Elem {
  let elem: Elem = { type: 'text', text: 'innermost' };
  for (let i = 0; i < levels; i++) elem = { type: 'merger', title: `level ${i + 1}`, abstractList: [], messages: [message(elem)] };
  return elem;
}

test('a send nesting mergers hundreds to thousands of levels deep is a BAD_FRAME that says so, not a stack overflow', () => {
  for (const depth of [40, 750, 5000]) {
    const raw = deepMergerSend(depth);
    assert.ok(raw.length < LIMITS.frameBytes, 'under the frame size limit, so only the depth bound can refuse it');
    const error = refusal(decodeClientFrame(raw));
    assert.equal(error.name, 'BAD_FRAME');
    assert.match(error.message, new RegExp(`deeper than ${LIMITS.frameDepth} levels`));
  }
});

test('deep arrays and objects anywhere in a frame, of either direction, are refused by the depth bound', () => {
  for (const kind of ['array', 'object'] as const) {
    const deep = deepJson(5000, kind);
    assert.match(refusal(decodeClientFrame(`{"type":"ping","reqId":"r","x":${deep}}`)).message, /deeper than/);
    assert.match(refusal(decodeServerFrame(`{"type":"pong","serverTime":1,"x":${deep}}`)).message, /deeper than/);
  }
  // Right at the bound is fine as far as depth goes (the frame's own shape decides the rest).
  const atBound = `{"type":"ping","reqId":"r","x":${deepJson(LIMITS.frameDepth - 1, 'array')}}`;
  assert.equal(decodeClientFrame(atBound).ok, true);
  assert.equal(jsonBoundsError(JSON.parse(`{"x":${deepJson(LIMITS.frameDepth, 'array')}}`)), `The frame nests deeper than ${LIMITS.frameDepth} levels.`);
});

test('arrays and objects wider than the bounds are refused before validation; every array of the schemas has its own bound', () => {
  const wide = `[${'0,'.repeat(LIMITS.frameArrayItems)}0]`;
  assert.match(refusal(decodeClientFrame(`{"type":"ping","reqId":"r","x":${wide}}`)).message, /more than 10000 entries/);
  const keys = Array.from({ length: LIMITS.frameObjectKeys + 1 }, (_, i) => `"k${i}":0`).join(',');
  assert.match(refusal(decodeClientFrame(`{"type":"ping","reqId":"r","x":{${keys}}}`)).message, /more than 10000 keys/);
  // A frame's arrays are bounded by its schema well below the generic bound.
  const ids = Array.from({ length: LIMITS.mergerMessages + 1 }, (_, i) => `m${i}`);
  assert.equal(refusal(decodeClientFrame(JSON.stringify({ type: 'message.send', clientMsgId: 'abcdefgh12', conversationId: 'p2p:bob', forward: { conversationId: 'p2p:bob', messageIds: ids, merge: { title: 't' } } }))).name, 'BAD_FRAME');
  const page = { type: 'sync.messages', conversationId: 'p2p:bob', fromSeq: 1, toSeq: 1, messages: Array.from({ length: LIMITS.replayBatch + 1 }, () => message({ type: 'text', text: 'x' })) };
  assert.equal(refusal(decodeServerFrame(JSON.stringify(page))).name, 'BAD_FRAME');
  const system = { type: 'message.new', message: message({ type: 'system', event: 'custom', text: 't', targets: Array.from({ length: LIMITS.frameArrayItems + 1 }, () => 'u') }) };
  assert.equal(refusal(decodeServerFrame(JSON.stringify(system))).name, 'BAD_FRAME');
});

test(`mergers validate down to LIMITS.mergerDepth (${LIMITS.mergerDepth}) levels and no further, in both directions`, () => {
  const allowed = nestedMerger(LIMITS.mergerDepth);
  const tooDeep = nestedMerger(LIMITS.mergerDepth + 1);
  assert.equal(mergerDepthOf(allowed), LIMITS.mergerDepth);
  assert.equal(mergerDepthOf(tooDeep), LIMITS.mergerDepth + 1);
  assert.equal(mergerDepthOf({ type: 'text', text: 'x' }), 0);
  const send = (elem: Elem) => JSON.stringify({ type: 'message.send', clientMsgId: 'abcdefgh12', conversationId: 'p2p:bob', elem });
  const live = (elem: Elem) => JSON.stringify({ type: 'message.new', message: message(elem) });
  const history = (elem: Elem) => JSON.stringify({ type: 'history.page', reqId: 'h', conversationId: 'p2p:bob', fromSeq: 1, toSeq: 1, hasMore: false, messages: [message(elem)] });
  const summary = (elem: Elem) => JSON.stringify({ type: 'sync.conversations', items: [{ id: 'p2p:bob', type: 'p2p', lastSeq: 1, readSeq: 0, unread: 1, lastMessage: message(elem) }] });
  assert.equal(decodeClientFrame(send(allowed)).ok, true, 'a client may still write one (the server refuses it, MERGER_FORGED)');
  assert.equal(decodeClientFrame(send(tooDeep)).ok, false);
  for (const frame of [live, history, summary]) {
    assert.equal(decodeServerFrame(frame(allowed)).ok, true, frame(allowed).slice(0, 40));
    assert.equal(refusal(decodeServerFrame(frame(tooDeep))).name, 'BAD_FRAME');
  }
  // The innermost level is still validated as a message.
  const broken = nestedMerger(LIMITS.mergerDepth) as Extract<Elem, { type: 'merger' }>;
  (broken.messages[0]!.elem as Extract<Elem, { type: 'merger' }>).messages[0]!.sender = 'not a user id!';
  assert.equal(decodeServerFrame(live(broken)).ok, false);
});

/** Valid server frames of every kind that carries structure (messages, mergers, lists). */
function validServerFrames(): Record<string, unknown>[] {
  const text = message({ type: 'text', text: 'hello' });
  const merged = message(nestedMerger(2), 'm2');
  const summary = { id: 'p2p:bob', type: 'p2p', name: 'Bob', lastSeq: 2, readSeq: 1, unread: 1, lastMessage: merged, mentioned: true, memberCount: 2 };
  return [
    { type: 'session.ready', protocol: 1, user: { id: 'alice', name: 'Alice' }, serverTime: 1, blocked: ['carol'], fileTicket: { ticket: 't', expiresAt: 2 } },
    { type: 'sync.conversations', items: [summary, { ...summary, id: 'group:g', type: 'group' }] },
    { type: 'sync.messages', conversationId: 'p2p:bob', fromSeq: 1, toSeq: 2, messages: [text, merged] },
    { type: 'message.new', message: merged },
    { type: 'message.new', message: { ...text, elem: { type: 'system', event: 'member-joined', text: 'x joined', targets: ['x'], targetNames: ['X'] } } },
    { type: 'history.page', reqId: 'h', conversationId: 'p2p:bob', fromSeq: 1, toSeq: 2, hasMore: false, messages: [merged, text] },
    { type: 'members', reqId: 'm', conversationId: 'group:g', members: [{ id: 'bob', name: 'Bob', readSeq: 1 }] },
    // Issue 19: who is muted in the group, as its owner and admins are told (until a time, or until unmuted).
    { type: 'members', reqId: 'm2', conversationId: 'group:g', members: [{ id: 'bob', readSeq: 1, role: 'member', muted: { until: 1_900_000_000_000 } }, { id: 'carol', readSeq: 0, role: 'admin', muted: {} }] },
    { type: 'conversation.updated', conversation: summary },
    { type: 'message.error', clientMsgId: 'cmid00000001', conversationId: 'p2p:bob', code: 4006, name: 'MERGER_FORGED', message: 'no' },
    { type: 'blocklist.updated', blocked: ['carol'] },
    { type: 'mutes.updated', mutes: [{ conversationId: 'group:g', until: 0 }, { conversationId: 'p2p:bob', until: 1_900_000_000_000 }], dnd: 0 },
    { type: 'broadcast.new', broadcast: { id: 'b', content: 'hi', time: 1 } },
    { type: 'error', reqId: 'r', code: 1000, name: 'BAD_FRAME', message: 'bad' },
    // Moderation (SPEC §11): running mutes, a word-list refusal, a group mute notice.
    { type: 'sanctions.updated', mutes: [{ conversationId: 'group:g', until: 1_900_000_000_000, reason: '<b>calm</b>' }, {}] },
    { type: 'message.error', clientMsgId: 'cmid00000003', conversationId: 'group:g', code: 4016, name: 'MESSAGE_REJECTED', message: 'no', reasonCode: 'word-list' },
    { type: 'message.new', message: { ...text, elem: { type: 'system', event: 'member-muted', text: 'x muted', targets: ['x'], targetNames: ['X'], data: '1900000000000' } } },
    // Changes (SPEC §9): an event, and a page of messages with changes folded in.
    { type: 'message.new', message: { ...text, id: 'c1', elem: { type: 'change', target: 'm1', change: { kind: 'reaction', emoji: '👨‍👩‍👧‍👦', on: true, count: 3 } }, isExcludedFromUnreadCount: true } },
    { type: 'history.page', reqId: 'h2', conversationId: 'group:g', fromSeq: 1, toSeq: 3, hasMore: false, messages: [
      { ...text, reactions: [{ emoji: '👍', count: 2, me: true, users: ['alice', 'bob'] }], edited: 5, pinned: { by: 'bob', time: 6 }, changeSeq: 3,
        replyTo: { messageId: 'm0', sender: 'bob', senderName: 'Bob', excerpt: '<script>x</script>', recalled: true } },
      { ...text, id: 'm9', elem: { type: 'recalled' }, recalled: { by: 'alice', time: 7 }, changeSeq: 3 },
    ] },
    { type: 'change.ack', changeId: 'cmid00000002', conversationId: 'group:g', id: 'c1', seq: 3, time: 1, duplicate: true },
    { type: 'change.error', changeId: 'cmid00000002', conversationId: 'group:g', code: 4008, name: 'MESSAGE_RECALLED', message: 'gone' },
    { type: 'reactions', reqId: 'rx', conversationId: 'group:g', messageId: 'm1', emoji: '👍', users: ['bob'], count: 2, hasMore: true },
    { type: 'pins', reqId: 'pn', conversationId: 'group:g', pins: [{ messageId: 'm1', seq: 1, by: 'bob', time: 1 }] },
    { type: 'search.results', reqId: 'sr', cursor: 'm1', results: [{ message: text, snippet: { text: '…a <b>zebra</b>…', marks: [[4, 9]] } }] },
  ];
}

test('decodeServerFrame never throws on 3,000 structure-aware mutations of valid server frames, and still decodes the originals', () => {
  const frames = validServerFrames();
  for (const f of frames) assert.equal(decodeServerFrame(JSON.stringify(f)).ok, true, JSON.stringify(f).slice(0, 80));
  const tally = { ok: 0, refused: 0 };
  fc.assert(
    fc.property(fc.nat({ max: frames.length - 1 }), mutation, (i, m) => {
      const raw = mutate(frames[i]!, m);
      const decoded = decodeServerFrame(raw);
      assert.equal(typeof decoded.ok, 'boolean');
      if (decoded.ok) tally.ok++;
      else {
        tally.refused++;
        assert.ok(['BAD_FRAME', 'FRAME_TOO_LARGE', 'MESSAGE_TOO_LARGE', 'FILE_TOO_LARGE'].includes(decoded.error.name), decoded.error.name);
      }
    }),
    { seed: SEED, numRuns: 3000 },
  );
  assert.ok(tally.refused > 1000 && tally.ok > 100, JSON.stringify(tally));
});

test('decodeClientFrame and decodeServerFrame never throw on arbitrary text either', () => {
  fc.assert(
    fc.property(fc.oneof(binaryString(300), fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v) ?? 'null')), (raw) => {
      assert.equal(typeof decodeClientFrame(raw).ok, 'boolean');
      assert.equal(typeof decodeServerFrame(raw).ok, 'boolean');
    }),
    { seed: SEED, numRuns: 2000 },
  );
});
