/**
 * Issue 15 over real sockets: a frame nested deep enough to exhaust the validator's stack is
 * refused (before login, without a token or Origin) and the process stays up; a core that
 * throws or rejects costs one error answer, not the process; a merger elem a client wrote
 * (forged chat history) is refused, MERGER_FORGED; and forwarding past LIMITS.mergerDepth
 * levels of merged forwards is refused, MERGER_TOO_DEEP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatError, LIMITS, PROTOCOL_VERSION, type ClientFrame, type Elem } from '../../../src/protocol/index.js';
import { refusal } from '../../../src/server/core/refusal.js';
import { MAX_KEYS, SESSION_OPEN_KEYS } from '../../../src/server/core/raw-nesting.js';
import { decodeFrame } from '../../../src/server/ws/gateway.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';

/** The send of the issue: `e = 1; repeat depth: e = {type: merger, messages: [{elem: e}]}`, as text (about 40 bytes a level). */
function deepMergerSend(depth: number): string {
  const e = '{"type":"merger","messages":[{"elem":'.repeat(depth) + '1' + '}]}'.repeat(depth);
  return `{"type":"message.send","clientMsgId":"abcdefgh12","conversationId":"p2p:x","elem":${e}}`;
}

/**
 * A send with one more field filling the frame to LIMITS.frameBytes: 128k nested `[` (deep), some
 * 87,000 empty arrays in arrays of LIMITS.frameArrayItems each (wide: within every bound checked
 * after the parse), or a string (flat).
 */
function bracketFrames(): { deep: string; wide: string; flat: string } {
  const head = '{"type":"message.send","clientMsgId":"abcdefgh12","conversationId":"p2p:x","elem":{"type":"text","text":"hi"},"x":';
  const room = LIMITS.frameBytes - head.length - 1;
  const half = Math.floor(room / 2);
  const lists: string[] = [];
  for (let left = room - 2; left > 16; left -= lists.at(-1)!.length + 1) {
    const each = Math.min(LIMITS.frameArrayItems, Math.floor((left - 8) / 3));
    lists.push(`"${lists.length}":[${'[],'.repeat(each - 1)}[]]`);
  }
  return { deep: `${head}${'['.repeat(half)}${']'.repeat(half)}}`, wide: `${head}{${lists.join(',')}}}`, flat: `${head}"${'a'.repeat(room - 2)}"}` };
}

describe('hostile frames (issue 15)', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol');
  });
  after(() => t.stop());

  /** Bob's send to carol is acked: the server, and a connection of another user, still work. */
  async function othersStillServed(): Promise<void> {
    const bob = await t.login('bob');
    const clientMsgId = cmid();
    bob.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:carol', elem: text('still here') });
    await bob.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    bob.close();
  }

  it('refuses a send nesting mergers 750 and 5,000 levels deep, before login, with BAD_FRAME for that clientMsgId, and keeps serving', async () => {
    const anonymous = await t.connect();
    for (const depth of [750, 5000]) {
      const raw = deepMergerSend(depth);
      assert.ok(raw.length < LIMITS.frameBytes);
      anonymous.sendRaw(raw);
      const err = await anonymous.next('message.error');
      assert.deepEqual([err.name, err.clientMsgId, err.conversationId], ['BAD_FRAME', 'abcdefgh12', 'p2p:x']);
      assert.match(err.message, /deeper than/);
    }
    // The same socket can still log in and send.
    anonymous.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('alice') });
    await anonymous.next('sync.done');
    anonymous.sendRaw(deepMergerSend(2000));
    assert.equal((await anonymous.next('message.error')).name, 'BAD_FRAME');
    const clientMsgId = cmid();
    anonymous.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('after the deep one') });
    await anonymous.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    anonymous.close();
    await othersStillServed();
  });

  it('refuses a frame nesting as deep, or holding as many arrays, as its 256 KiB allow before parsing it, for the clientMsgId it names', async () => {
    const anonymous = await t.connect();
    const { deep, wide } = bracketFrames();
    assert.ok(wide.length <= LIMITS.frameBytes && wide.length > LIMITS.frameBytes - 64);
    for (const [raw, words] of [[deep, /deeper than 32 levels/], [wide, /more than 20000 arrays and objects/]] as const) {
      anonymous.sendRaw(raw);
      const err = await anonymous.next('message.error');
      assert.deepEqual([err.name, err.clientMsgId, err.conversationId], ['BAD_FRAME', 'abcdefgh12', 'p2p:x']);
      assert.match(err.message, words);
    }
    anonymous.close();
    await othersStillServed();
  });

  it('decodes and refuses such frames for no more CPU than a flat frame as long (JSON.parse takes tens of ms on a deep one, twenty times a flat one on a wide one)', () => {
    const { deep, wide, flat } = bracketFrames();
    /** CPU time the gateway's decode and refusal take on `raw`, `n` times. */
    const cpuFor = (raw: string, n: number): number => {
      const start = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const decoded = decodeFrame(raw);
        refusal(raw, decoded.ok ? new ChatError('UNAUTHENTICATED') : decoded.error);
      }
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    cpuFor(deep.slice(0, 4000), 5);
    const flatMs = cpuFor(flat, 10);
    const deepMs = cpuFor(deep, 10);
    assert.ok(deepMs < flatMs * 3 + 20, `10 deep frames took ${deepMs.toFixed(0)} ms of CPU, 10 flat ones ${flatMs.toFixed(0)} ms`);
    // Parsed, the wide one costs about three flat ones (then passes every bound checked after the parse); refused unparsed, a third of one.
    const wideMs = cpuFor(wide, 10);
    assert.ok(wideMs < flatMs + 20, `10 wide frames took ${wideMs.toFixed(0)} ms of CPU, 10 flat ones ${flatMs.toFixed(0)} ms`);
  });

  it('refuses a frame of a megabyte of top-level keys for no more CPU than a flat one (its refusal parsed them all: 100 ms)', () => {
    const head = '{"type":"message.send","clientMsgId":"abcdefgh12","conversationId":"p2p:x",';
    const keys: string[] = [];
    for (let i = 0, length = head.length; length < 1024 * 1024 - 16; i++) length += keys[keys.push(`"${i.toString(36)}":0`) - 1]!.length + 1;
    const wide = `${head}${keys.join(',')}}`;
    const flat = `${head}"x":"${'a'.repeat(wide.length - head.length - 7)}"}`;
    const cpuFor = (raw: string, n: number): number => {
      const start = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const decoded = decodeFrame(raw);
        assert.equal(decoded.ok ? '' : decoded.error.name, 'FRAME_TOO_LARGE');
        refusal(raw, decoded.ok ? new ChatError('UNAUTHENTICATED') : decoded.error);
      }
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    cpuFor(flat, 2);
    const flatMs = cpuFor(flat, 10);
    const wideMs = cpuFor(wide, 10);
    assert.ok(wideMs < flatMs + 20, `10 frames of keys took ${wideMs.toFixed(0)} ms of CPU, 10 flat ones ${flatMs.toFixed(0)} ms`);
    // A legitimate oversize send still gets its message.error.
    assert.equal(JSON.parse(refusal(flat, new ChatError('FRAME_TOO_LARGE'))).clientMsgId, 'abcdefgh12');
  });

  /** `head` (a frame's opening fields, ending in a comma) with a `cursors` object of `n` distinct conversation keys. */
  const withCursors = (head: string, n: number, extra: Record<string, number> = {}): string => {
    const cursors: Record<string, number> = { ...extra };
    for (let i = Object.keys(extra).length; i < n; i++) cursors[`group:g${i.toString(36).padStart(6, '0')}`] = 1;
    return `${head}"cursors":${JSON.stringify(cursors)}}`;
  };
  /** CPU time of the gateway's decode and refusal of `raw`, `n` times. */
  const decodeCpu = (raw: string, n: number): number => {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const decoded = decodeFrame(raw);
      if (!decoded.ok) refusal(raw, decoded.error);
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };

  it('refuses a frame of more than MAX_KEYS keys other than a session.open unparsed, for the clientMsgId it names, for the CPU of a flat frame (JSON.parse took 10-20 ms on 256 KiB of distinct keys)', async () => {
    const head = '{"type":"message.send","clientMsgId":"abcdefgh12","conversationId":"p2p:x","elem":{"type":"text","text":"hi"},';
    const keys: string[] = [];
    for (let i = 0, length = head.length; length < LIMITS.frameBytes - 64; i++) length += keys[keys.push(`"k${i.toString(36)}":0`) - 1]!.length + 1;
    const wide = `${head}"x":{${keys.join(',')}}}`;
    assert.ok(wide.length <= LIMITS.frameBytes && keys.length > 25_000, `${keys.length} keys in ${wide.length} characters`);
    const flat = `${head}"x":"${'a'.repeat(wide.length - head.length - 7)}"}`;
    const decoded = decodeFrame(wide);
    assert.equal(decoded.ok ? '' : decoded.error.message, `The frame holds more than ${MAX_KEYS} keys (a session.open ${SESSION_OPEN_KEYS}).`);
    // As many keys as a frame may hold are parsed (and the unknown field dropped, as before).
    const within = decodeFrame(`${head}"x":{${keys.slice(0, MAX_KEYS - 7).join(',')}}}`);
    assert.equal(within.ok && within.frame.type, 'message.send');
    decodeCpu(flat, 3);
    const flatMs = decodeCpu(flat, 10);
    const wideMs = decodeCpu(wide, 10);
    assert.ok(wideMs < flatMs + 20, `10 frames of keys took ${wideMs.toFixed(0)} ms of CPU, 10 flat ones ${flatMs.toFixed(0)} ms`);
    const anonymous = await t.connect();
    anonymous.sendRaw(wide);
    const err = await anonymous.next('message.error');
    assert.deepEqual([err.name, err.clientMsgId], ['BAD_FRAME', 'abcdefgh12']);
    anonymous.close();
  });

  it("reads a session.open's thousands of cursors only once its token is verified: a stranger's costs the CPU of a flat frame, a user's replays from its cursors", async () => {
    const forged = withCursors(`{"type":"session.open","protocol":${PROTOCOL_VERSION},"token":"not.a.token",`, LIMITS.frameObjectKeys);
    assert.ok(forged.length > 160_000 && forged.length <= LIMITS.frameBytes, `${forged.length} characters`);
    const flat = `{"type":"session.open","protocol":${PROTOCOL_VERSION},"token":"not.a.token","x":"${'a'.repeat(forged.length - 80)}"}`;
    decodeCpu(flat, 3);
    const flatMs = decodeCpu(flat, 10);
    const forgedMs = decodeCpu(forged, 10);
    assert.ok(forgedMs < flatMs + 20, `10 opens of ${LIMITS.frameObjectKeys} cursors took ${forgedMs.toFixed(0)} ms of CPU, 10 flat frames ${flatMs.toFixed(0)} ms`);
    const stranger = await t.connect();
    stranger.sendRaw(forged);
    assert.equal((await stranger.next('error')).name, 'TOKEN_INVALID');
    // Past SESSION_OPEN_KEYS (more cursors than a user may hold conversations' keys) it is refused unread.
    stranger.sendRaw(withCursors(`{"type":"session.open","protocol":${PROTOCOL_VERSION},"token":"not.a.token",`, SESSION_OPEN_KEYS));
    assert.match((await stranger.next('error')).message, /more than 1024 keys/);
    stranger.close();

    const alice = await t.login('alice');
    const seqs: number[] = [];
    for (const words of ['one', 'two', 'three']) {
      const clientMsgId = cmid();
      alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:carol', elem: text(words) });
      seqs.push((await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId)).seq);
    }
    alice.close();
    const carol = await t.connect();
    carol.sendRaw(withCursors(`{"type":"session.open","protocol":${PROTOCOL_VERSION},"token":"${await t.token('carol')}",`, LIMITS.frameObjectKeys, { 'p2p:alice': seqs[0]! }));
    const frames = await carol.until('sync.done');
    const replayed = frames.flatMap((f) => (f.type === 'sync.messages' && f.conversationId === 'p2p:alice' ? f.messages.map((m) => m.seq) : []));
    assert.deepEqual(replayed, seqs.slice(1));
    // A user's open whose cursors do not hold up is refused BAD_FRAME once read, and opens nothing.
    const bad = await t.connect();
    bad.sendRaw(withCursors(`{"type":"session.open","protocol":${PROTOCOL_VERSION},"token":"${await t.token('carol')}",`, 2000, { 'p2p:alice': -1 }));
    assert.equal((await bad.next('error')).name, 'BAD_FRAME');
    bad.send({ type: 'ping', reqId: 'r1' });
    assert.equal((await bad.next('error')).name, 'UNAUTHENTICATED');
    carol.close();
    bad.close();
  });

  it('answers a frame whose handler throws or rejects with an error for that request, and keeps the socket and the others', async () => {
    const core = t.server.core;
    const original = core.takeFrame.bind(core);
    // Fault injection: the real core (as the gateway calls it), made to fail for frames the test marks.
    core.takeFrame = ((conn, frame, settle) => {
      if (frame.type === 'ping' && frame.reqId === 'throw') throw new Error('injected synchronous bug');
      if (frame.type === 'ping' && frame.reqId === 'reject') return void Promise.reject(new Error('injected asynchronous bug')).catch((err: unknown) => settle.failed(frame, err));
      if (frame.type === 'message.send' && frame.conversationId === 'p2p:carol') return queueMicrotask(() => settle.failed(frame, new TypeError('injected send bug')));
      return original(conn, frame, settle);
    }) as typeof core.takeFrame;
    try {
      const alice = await t.login('alice');
      for (const reqId of ['throw', 'reject']) {
        alice.send({ type: 'ping', reqId });
        const err = await alice.next('error', (f) => f.reqId === reqId);
        assert.equal(err.name, 'INTERNAL');
        assert.doesNotMatch(err.message, /injected/, 'no detail of the failure leaks');
      }
      const failing = cmid();
      alice.send({ type: 'message.send', clientMsgId: failing, conversationId: 'p2p:carol', elem: text('x') });
      const sendErr = await alice.next('message.error', (f) => f.clientMsgId === failing);
      assert.deepEqual([sendErr.name, sendErr.conversationId], ['INTERNAL', 'p2p:carol']);
      // The socket goes on: a ping and a send after the failures are answered.
      alice.send({ type: 'ping', reqId: 'after' });
      await alice.next('pong', (f) => f.reqId === 'after');
      const ok = cmid();
      alice.send({ type: 'message.send', clientMsgId: ok, conversationId: 'p2p:bob', elem: text('fine') });
      await alice.next('message.ack', (f) => f.clientMsgId === ok);
      alice.close();
    } finally {
      core.takeFrame = original;
    }
    await othersStillServed();
  });

  it('refuses a merger elem a client wrote (forged chat history) with MERGER_FORGED and delivers nothing', async () => {
    const alice = await t.login('alice');
    const carol = await t.login('carol');
    const fake = (sender: string, elem: Elem) => ({ id: 'fake1', conversationId: 'p2p:carol' as const, seq: 1, clientMsgId: 'cmfake0001', sender, senderProfile: { name: sender }, time: 1, elem });
    const forged: Elem[] = [
      { type: 'merger', title: 'Chat with Bob', abstractList: ['Bob: please send the admin password'], messages: [fake('bob', text('please send the admin password'))] },
      { type: 'merger', title: 'Notice', abstractList: ['Security team'], messages: [fake('system', { type: 'system', event: 'custom', text: 'Your account is locked: reply with your password.' })] },
    ];
    for (const elem of forged) {
      const clientMsgId = cmid();
      alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:carol', elem });
      const err = await alice.next('message.error', (f) => f.clientMsgId === clientMsgId);
      assert.equal(err.name, 'MERGER_FORGED');
      assert.equal(err.code, 4006);
    }
    // Nothing reached carol or her history.
    const marker = cmid();
    alice.send({ type: 'message.send', clientMsgId: marker, conversationId: 'p2p:carol', elem: text('a real one') });
    const delivered = await carol.next('message.new', (f) => f.message.sender === 'alice');
    assert.equal(delivered.message.clientMsgId, marker, 'the forged ones were not delivered before it');
    const stored = (await t.rest('GET', '/v1/users/carol/conversations/p2p:alice/messages?limit=50')).body.messages as { elem: Elem }[];
    assert.deepEqual(stored.filter((m) => m.elem.type === 'merger'), []);
    // Admins send text and system notifications over REST; a merger body is refused there too.
    const rest = await t.rest('POST', '/v1/messages', { from: 'alice', to: 'carol', elem: forged[0] });
    assert.equal(rest.status, 400);
    alice.close();
    carol.close();
  });

  it(`forwards merged chat history up to ${LIMITS.mergerDepth} levels deep and refuses one more level with MERGER_TOO_DEEP`, async () => {
    const alice = await t.login('alice');
    const settle = async (frame: Record<string, unknown>) => {
      const clientMsgId = cmid();
      alice.send({ ...frame, type: 'message.send', clientMsgId } as ClientFrame);
      const f = await alice.nextOf(['message.ack', 'message.error']);
      assert.equal(f.clientMsgId, clientMsgId);
      return f;
    };
    const first = await settle({ conversationId: 'p2p:bob', elem: text('the start') });
    assert.equal(first.type, 'message.ack');
    let id = (first as { id: string }).id;
    for (let level = 1; level <= LIMITS.mergerDepth; level++) {
      const f = await settle({ conversationId: 'p2p:bob', forward: { conversationId: 'p2p:bob', messageIds: [id], merge: { title: `level ${level}` } } });
      assert.equal(f.type, 'message.ack', `level ${level}: ${JSON.stringify(f)}`);
      id = (f as { id: string }).id;
    }
    const deeper = await settle({ conversationId: 'p2p:bob', forward: { conversationId: 'p2p:bob', messageIds: [id], merge: { title: 'one too many' } } });
    assert.deepEqual([deeper.type, (deeper as { name?: string }).name], ['message.error', 'MERGER_TOO_DEEP']);
    // Forwarding the deepest one as it is (not merged again) keeps its depth and is fine.
    const asIs = await settle({ conversationId: 'p2p:carol', forward: { conversationId: 'p2p:bob', messageIds: [id] } });
    assert.equal(asIs.type, 'message.ack');
    alice.close();
  });
});
