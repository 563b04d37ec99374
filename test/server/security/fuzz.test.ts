/**
 * Protocol fuzzing against a running server: FUZZ_FRAMES (20,000) random and structure-aware
 * mutated frames of every client frame type (test/protocol/frame-mutations.ts: the merger
 * recursion nested thousands of levels at any field, deep and huge arrays and objects, wrong
 * types deep inside valid frames, prototype keys, huge numbers, NaN-like strings, strings at the
 * limits) and FUZZ_REST (5,000) REST bodies, deterministic for FUZZ_SEED. The server never
 * crashes, answers every frame that fails validation with an error (and nothing else), answers
 * every valid frame that asks for an answer, keeps each connection usable and other users'
 * sends acked, never sends a frame that breaks the protocol, answers every bad REST body with a
 * 4xx `{code, name, message}`, and its heap stays flat. Replay a failure with the seed.
 *
 * The tests fuzz a fixed number of inputs and bound no time of their own: on two cores at load 25
 * the 5,000 REST bodies were all answered as they should be, in over the 120 s the test allowed,
 * and the next test then ran beside its leftover workers past its 60 s. A hang is still caught by
 * the runner's --test-timeout (10 minutes in every npm test script).
 */
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { decodeServerFrame, ERRORS, PROTOCOL_VERSION, type ErrorName } from '../../../src/protocol/index.js';
import { ADMIN_KEY, cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import { closeCodeIn, frameHeader, maskedFrame, rawUpgrade } from '../helpers/raw-ws.js';
import { fuzzInputs, validFrames, type FuzzInput } from './fuzz-inputs.js';
import { decodeFrame } from '../../../src/server/ws/gateway.js';
import { ChangeSchema, ClientFrameSchema } from '../../../src/protocol/client-frames.js';
import { GroupChangeSchema } from '../../../src/protocol/group-frames.js';
import { USER_ELEM_TYPES } from '../../../src/protocol/elems.js';
import { until } from '../../guard.js';
import { binaryString } from '../../protocol/frame-mutations.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261122);
const FRAMES = Number(process.env['FUZZ_FRAMES'] ?? 20_000);
const REST_BODIES = Number(process.env['FUZZ_REST'] ?? 5_000);
const CHUNK = 5_000;
const BATCH = 500;
/** The errors a frame that fails validation gets (codec.ts); core refusals have other names. */
const DECODE_ERRORS = new Set<ErrorName>(['BAD_FRAME', 'FRAME_TOO_LARGE', 'MESSAGE_TOO_LARGE', 'FILE_TOO_LARGE', 'TEXT_NUL']);
/** Frames that answer one request (a send, a reqId, a session.open), as opposed to pushed ones. */
// `presence.updated` answers a `presence.watch` that carries a reqId (and is pushed without one):
// missing here, a short run (FUZZ_FRAMES=4000) counted 2 replies short and timed out.
const REPLIES = new Set(['message.ack', 'message.error', 'ok', 'pong', 'history.page', 'members', 'session.ready', 'error', 'change.ack', 'change.error', 'reactions', 'pins', 'search.results', 'group.info', 'friends', 'presence.updated']);

/** Whether a frame asks for exactly one reply: a send, a frame with a reqId, a session.open. */
function asksForReply(raw: string): boolean {
  const f = JSON.parse(raw) as { type?: unknown; reqId?: unknown };
  return f.type === 'message.send' || f.type === 'change.send' || f.type === 'session.open' || typeof f.reqId === 'string';
}

/**
 * The test's own look at a fuzzed frame, through the gateway's decode (the decoder behind the scan
 * of long frames' text); a decoder that throws counts the frame invalid (the server is what is tested).
 */
function decodesOk(raw: string): boolean {
  try {
    return decodeFrame(raw).ok;
  } catch {
    return false;
  }
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/**
 * A lean client that only counts (a queue of 100,000 frames would itself be the leak), checks
 * every server frame against the protocol, and awaits pongs as barriers.
 */
class CountingSocket {
  decodeErrors = 0;
  otherErrors = 0;
  answers = 0;
  /** Replies to requests (REPLIES), barriers' own left out. */
  replies = 0;
  malformed: string[] = [];
  closed: number | undefined;
  #pongs = new Map<string, () => void>();
  #barrier = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.answers++;
      const decoded = decodeServerFrame(data.toString());
      if (!decoded.ok) return void (this.malformed.length < 5 && this.malformed.push(data.toString().slice(0, 200)));
      const f = decoded.frame;
      const reqId = 'reqId' in f ? f.reqId : undefined;
      // A pushed presence.updated (no reqId) answers nothing.
      if (REPLIES.has(f.type) && !reqId?.startsWith('barrier-') && !(f.type === 'presence.updated' && reqId === undefined)) this.replies++;
      if (f.type === 'error' && f.reqId?.startsWith('barrier-')) {
        // the barrier's own answer on an unauthenticated socket
      } else if (f.type === 'error' || f.type === 'message.error' || f.type === 'change.error') {
        if (DECODE_ERRORS.has(f.name)) this.decodeErrors++;
        else this.otherErrors++;
      }
      // Before authentication a ping is answered UNAUTHENTICATED: still proof it was read.
      if ((f.type === 'pong' || f.type === 'error') && f.reqId !== undefined) this.#pongs.get(f.reqId)?.();
    });
    ws.on('close', (code) => (this.closed = code));
  }

  static async open(url: string, token?: string): Promise<CountingSocket> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const s = new CountingSocket(ws);
    if (token !== undefined) {
      const ready = new Promise<void>((resolve) => ws.on('message', (d) => String(d).includes('"sync.done"') && resolve()));
      ws.send(JSON.stringify({ type: 'session.open', protocol: PROTOCOL_VERSION, token }));
      await ready;
    }
    return s;
  }

  send(input: FuzzInput): void {
    this.ws.send(input.data, { binary: input.binary });
  }

  /** Everything sent before has been read by the server once the pong arrives (frames are ordered). */
  async barrier(ms = 30_000): Promise<void> {
    const reqId = `barrier-${this.#barrier++}`;
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no pong for ${reqId} (socket closed: ${this.closed})`)), ms);
      this.#pongs.set(reqId, () => {
        clearTimeout(timer);
        this.#pongs.delete(reqId);
        resolve();
      });
    });
    this.ws.send(JSON.stringify({ type: 'ping', reqId }));
    await answered;
  }
}

/** The literal values of a variant schema's discriminator (`type`, `kind`), read from the schema itself. */
function variantValues(schema: { options: readonly unknown[] }, key: string): string[] {
  const values: string[] = [];
  for (const option of schema.options) {
    const o = ('entries' in (option as object) ? option : (option as { pipe: [unknown] }).pipe[0]) as { entries: Record<string, { literal?: string; options?: string[] }> };
    const d = o.entries[key]!;
    if (d.literal !== undefined) values.push(d.literal);
    else values.push(...(d.options ?? []));
  }
  return [...new Set(values)].sort();
}

describe('fuzz inputs', () => {
  it('start from valid frames of every client frame type, change kind, group change kind and user elem type (a new one fails here until fuzz-inputs.ts has it)', () => {
    const frames = validFrames('token') as { type: string; change?: { kind: string }; elem?: { type: string } }[];
    const sorted = (xs: (string | undefined)[]) => [...new Set(xs.filter((x) => x !== undefined))].sort();
    assert.deepEqual(sorted(frames.map((f) => f.type)), variantValues(ClientFrameSchema, 'type'));
    assert.deepEqual(sorted(frames.filter((f) => f.type === 'change.send').map((f) => f.change?.kind)), variantValues(ChangeSchema, 'kind'));
    assert.deepEqual(sorted(frames.filter((f) => f.type === 'group.change').map((f) => f.change?.kind)), variantValues(GroupChangeSchema, 'kind'));
    const elems = new Set(frames.map((f) => f.elem?.type));
    assert.deepEqual([...USER_ELEM_TYPES].filter((t) => !elems.has(t)), []);
    // Each is a valid frame before it is mutated (some then refused by the server: a merger, a system elem, a forged preview).
    assert.deepEqual(frames.filter((f) => !decodesOk(JSON.stringify(f))).map((f) => JSON.stringify(f).slice(0, 120)), []);
  });
});

describe('protocol fuzzing', () => {
  let t: TestServer;
  /** A message of group g for the moderator's edit and pin. */
  let groupMsgId = '';
  const tally = { frames: 0, invalid: 0, valid: 0, preAuth: 0, binary: 0, rest: 0, rest4xx: 0, rest2xx: 0 };
  before(async () => {
    // Its invalid socket is sent thousands of invalid frames on purpose, each to be answered.
    // Carol sends once a batch and must be acked each time: a longer run (FUZZ_FRAMES) gets the budget for it.
    t = await startServer({ sendsPerMinute: Math.max(300, 2 * Math.ceil(FRAMES / BATCH)), authTimeoutMs: 600_000, friendRequests: true, linkPreviews: { images: 'proxy' }, maxBadFramesPerMinute: 1_000_000 });
    await createUsers(t, 'alice', 'bob', 'carol');
    await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob'] });
    groupMsgId = (await t.rest('POST', '/v1/messages', { from: 'bob', groupId: 'g', elem: text('hi, edit me') })).body.id;
    // A group whose only member nobody logs in as: the site's mutes there post notices (issue 19).
    await createUsers(t, 'zzmuted');
    await t.rest('POST', '/v1/groups', { id: 'fzm', name: 'Fuzz mutes', members: ['zzmuted'] });
  });
  after(async () => {
    console.log(
      `# fuzz (seed ${SEED}): ${tally.frames} frames tried (${tally.invalid} invalid, ${tally.valid} valid after mutation, ` +
        `${tally.preAuth} before authentication, ${tally.binary} binary); ${tally.rest} REST bodies (${tally.rest4xx} 4xx, ${tally.rest2xx} 2xx)`,
    );
    await t.stop();
  });

  it(`answers each of ${FRAMES} fuzzed frames that fail validation with exactly one error, keeps every connection working, and keeps its heap flat`, async () => {
    const token = await t.token('alice');
    // Invalid frames on one socket and the ones that pass validation on another, so each
    // socket's answers can be counted exactly; every tenth frame goes to an unauthenticated one.
    const invalidSocket = await CountingSocket.open(t.wsUrl, token);
    const validSocket = await CountingSocket.open(t.wsUrl, token);
    const anonymous = await CountingSocket.open(t.wsUrl);
    // Another user, sending between batches: every one of her sends must be acked.
    const carol = await t.login('carol');
    const sent = { invalid: 0, anonymousInvalid: 0, validAsking: 0, bystander: 0 };
    let heapBefore = 0;
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();

    for (let chunk = 0; tally.frames < FRAMES; chunk++) {
      const inputs = fuzzInputs(token, SEED + chunk, Math.min(CHUNK, FRAMES - tally.frames));
      for (let i = 0; i < inputs.length; i += BATCH) {
        for (const input of inputs.slice(i, i + BATCH)) {
          tally.frames++;
          if (input.binary) tally.binary++;
          const valid = !input.binary && decodesOk(input.data);
          if (valid) tally.valid++;
          else tally.invalid++;
          if (tally.frames % 10 === 0) {
            tally.preAuth++;
            anonymous.send(input);
            if (!valid) sent.anonymousInvalid++;
          } else if (valid) {
            validSocket.send(input);
            if (asksForReply(input.data as string)) sent.validAsking++;
          } else {
            invalidSocket.send(input);
            sent.invalid++;
          }
        }
        const clientMsgId = cmid();
        carol.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text(`bystander ${sent.bystander++}`) });
        await Promise.all([invalidSocket.barrier(), validSocket.barrier(), anonymous.barrier(), carol.nextOf(['message.ack', 'message.error'], 30_000).then((f) => {
          assert.deepEqual([f.type, f.clientMsgId], ['message.ack', clientMsgId], `carol's send between batches: ${JSON.stringify(f)}`);
        })]);
        // Refusals are sent as the frame is read, so by the pong every one has arrived.
        assert.equal(invalidSocket.decodeErrors, sent.invalid, 'one validation error per invalid frame');
        assert.equal(invalidSocket.otherErrors, 0, 'invalid frames get validation errors only');
        assert.ok(anonymous.decodeErrors >= sent.anonymousInvalid);
      }
      // The first chunk warms caches, JIT and SQLite; growth is measured from there (without the chunk's own inputs).
      inputs.length = 0;
      if (chunk === 0) heapBefore = heapAfterGc();
    }
    const heapAfter = heapAfterGc();
    const rssAfter = process.memoryUsage().rss;
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `# fuzz: ${tally.frames} frames in ${seconds.toFixed(1)} s; answers: invalid socket ${invalidSocket.answers}, valid socket ${validSocket.answers} ` +
        `(${validSocket.otherErrors} refusals), anonymous ${anonymous.answers}; heap ${(heapBefore / 1048576).toFixed(1)} -> ${(heapAfter / 1048576).toFixed(1)} MiB, ` +
        `RSS ${(rssBefore / 1048576).toFixed(0)} -> ${(rssAfter / 1048576).toFixed(0)} MiB`,
    );

    // Every valid frame that asks for an answer gets one (frames are handled concurrently, so the last may follow the barrier).
    await until(() => validSocket.replies >= sent.validAsking, `${sent.validAsking} replies to valid requests (got ${validSocket.replies})`, 30_000);
    carol.close();
    for (const s of [invalidSocket, validSocket, anonymous]) {
      assert.deepEqual(s.malformed, [], 'the server sent frames that break the protocol');
      assert.equal(s.closed, undefined, 'a fuzzed frame closed the connection');
    }
    assert.ok(heapAfter - heapBefore < 24 * 1024 * 1024, `heap grew ${((heapAfter - heapBefore) / 1048576).toFixed(1)} MiB`);
    // Both authenticated sockets still take a send: acked, or RATE_LIMITED once the fuzzed sends spent the budget.
    for (const s of [invalidSocket, validSocket]) {
      const clientMsgId = cmid();
      const answer = new Promise<string>((resolve) =>
        s.ws.on('message', (d) => {
          const f = JSON.parse(String(d)) as { type: string; clientMsgId?: string; name?: string };
          if (f.clientMsgId === clientMsgId) resolve(f.type === 'message.ack' ? 'ack' : String(f.name));
        }),
      );
      s.ws.send(JSON.stringify({ type: 'message.send', clientMsgId, conversationId: 'p2p:carol', elem: text('after the storm') }));
      assert.ok(['ack', 'RATE_LIMITED'].includes(await answer));
      s.ws.close();
    }
    anonymous.ws.close();
    assert.equal((await t.rest('GET', '/healthz', undefined, null)).status, 200);
  });

  it('closes a socket that sends invalid UTF-8 in a text frame with 1007, and stays up', async () => {
    const { socket, read } = await rawUpgrade(t.wsUrl);
    socket.write(maskedFrame(1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
    await until(() => closeCodeIn(read()) !== undefined, 'a close frame');
    assert.equal(closeCodeIn(read()), 1007);
    socket.destroy();
    tally.frames++;
    tally.invalid++;
    assert.equal((await t.rest('GET', '/healthz', undefined, null)).status, 200);
  });

  it('closes a socket whose frame header announces more than the hard cap with 1009 before any payload arrives', async () => {
    const { socket, read } = await rawUpgrade(t.wsUrl);
    const before = process.memoryUsage().rss;
    // 2 GiB announced, a handful of bytes sent: the refusal cannot have waited for the payload.
    socket.write(Buffer.concat([frameHeader(1, 2 ** 31), Buffer.from('{"type":')]));
    await until(() => closeCodeIn(read()) !== undefined, 'a close frame');
    assert.equal(closeCodeIn(read()), 1009);
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024);
    socket.destroy();
    tally.frames++;
    tally.invalid++;
    const s = await t.login('bob');
    await s.roundTrip();
    s.close();
  });

  it(`answers each of ${REST_BODIES} fuzzed REST bodies with 2xx or a 4xx {code, name, message}, never 5xx`, async () => {
    const routes: [string, (p: string) => string, unknown][] = [
      ['POST', () => '/v1/messages', { from: 'alice', to: 'bob', elem: { type: 'text', text: 'hi' }, clientMsgId: 'restfuzz0001' }],
      ['POST', () => '/v1/groups', { id: 'fz', name: 'Fuzz', members: ['alice'], historyVisibility: 'all' }],
      ['POST', () => '/v1/tokens', { userId: 'alice', ttlSeconds: 60 }],
      ['PUT', (p) => `/v1/users/${p}`, { name: 'Alice', avatar: 'https://x.example/a.png' }],
      ['PUT', (p) => `/v1/groups/g/members/${p}`, undefined],
      ['GET', (p) => `/v1/users/alice/conversations/${p}/messages?before=${p}&limit=${p}`, undefined],
      ['PUT', (p) => `/v1/users/alice/blocklist/${p}`, undefined],
      ['PATCH', (p) => `/v1/groups/${p}`, { historyVisibility: 'since-join' }],
      // Webhooks (SPEC §11). The endpoints made take broadcasts only, which this test never sends.
      ['POST', () => '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', secret: 'fuzz-secret-0123456789', events: ['broadcast.sent'] }],
      ['GET', (p) => `/v1/webhooks/failed?after=${p}&limit=${p}`, undefined],
      ['POST', () => '/v1/webhooks/failed/retry', { seqs: [1, 2] }],
      ['DELETE', (p) => `/v1/webhooks/${p}`, undefined],
      ['GET', (p) => `/v1/users/alice/search?q=${p}&conversationId=${p}&cursor=${p}&limit=${p}`, undefined],
      // The search's filters, each reached (a bad kind is refused before the bounds are read).
      ['GET', (p) => `/v1/users/alice/search?q=hi&before=${p}&after=${p}`, undefined],
      ['GET', (p) => `/v1/users/alice/search?q=hi&from=${p}&kind=${p}&before=${p}`, undefined],
      // Without words (a filter alone), and the paging of a scan.
      ['GET', (p) => `/v1/users/alice/search?from=${p}&kind=${p}&after=${p}`, undefined],
      ['GET', (p) => `/v1/users/alice/search?q=h&conversationId=group:g&cursor=${p}&limit=${p}`, undefined],
      // A moderator's edit and pin of a real message: the mutated body and key reach the change itself.
      ['PATCH', () => `/v1/messages/${groupMsgId}?groupId=g`, { text: 'moderated', groupAtUserList: ['bob', '@all'], changeId: 'fuzzedit0002' }],
      ['PUT', (p) => `/v1/messages/${groupMsgId}/pin?groupId=g&changeId=${p}`, undefined],
      ['GET', (p) => `/v1/users/alice/search?q=${p}&q=${p}`, undefined],
      ['PATCH', () => '/v1/groups/g', { name: 'Renamed', avatar: null, notice: 'Notice' }],
      ['PUT', (p) => `/v1/groups/g/roles/${p}`, { role: 'admin' }],
      ['DELETE', (p) => `/v1/groups/fz-${p}`, undefined],
      // Moderation, on users no other case logs in as (a ban or mute must not change the rest).
      // Message reports: listing with fuzzed filters; closing unknown (or fuzzed) ids.
      ['GET', (p) => `/v1/reports?status=${p}&limit=${p}&cursor=${p}`, undefined],
      ['POST', (p) => `/v1/reports/${p}/resolve`, { deleteMessage: true, by: 'fuzz-mod' }],
      ['POST', (p) => `/v1/reports/${p}/dismiss`, { by: 'fuzz-mod' }],
      ['PUT', () => '/v1/users/zzfuzz/mute', { groupId: 'g', until: 4_102_444_800_000, reason: 'fuzz' }],
      ['PUT', (p) => `/v1/users/zz${p}/ban`, { reason: 'fuzz' }],
      ['DELETE', (p) => `/v1/users/zzfuzz/mute?groupId=${p}`, undefined],
      // A member's mute and unmute in a group: the site's notice path (member-muted / member-unmuted).
      ['PUT', () => '/v1/users/zzmuted/mute', { groupId: 'fzm', until: 4_102_444_800_000, reason: 'fuzz' }],
      ['DELETE', (p) => `/v1/users/zzmuted/mute?groupId=fzm&x=${p}`, undefined],
      ['GET', (p) => `/v1/users/${p}/sanctions`, undefined],
      // The word list, with words no other case sends (a mutated mode or word may mask or refuse a fuzzed send: a 4xx too).
      ['PUT', () => '/v1/wordlist', { items: [{ word: 'zzfuzzword', mode: 'mask' }, { word: '禁词' }] }],
      ['POST', () => '/v1/wordlist', { items: [{ word: 'zzfuzz2' }] }],
      ['DELETE', (p) => `/v1/wordlist?word=${p}`, undefined],
      ['GET', () => '/v1/wordlist', undefined],
      // The routes the list above lacked (h5's audit), on users and groups no other case uses.
      ['DELETE', (p) => `/v1/users/zzgone${p}`, undefined],
      ['PUT', (p) => `/v1/users/zzfriend/friends/${p}`, undefined],
      ['DELETE', (p) => `/v1/users/zzfriend/friends/${p}`, undefined],
      ['DELETE', (p) => `/v1/users/alice/blocklist/${p}`, undefined],
      ['DELETE', (p) => `/v1/users/zz${p}/ban`, undefined],
      ['GET', (p) => `/v1/users/${p}/conversations?limit=${p}`, undefined],
      ['DELETE', (p) => `/v1/groups/fz/members/${p}`, undefined],
      ['DELETE', (p) => `/v1/messages/${p}?groupId=${p}`, undefined],
      // The site's reads and a moderator's edit and pins (on the fuzz group's messages or fuzzed ids).
      ['GET', (p) => `/v1/users/${p}`, undefined],
      ['GET', (p) => `/v1/groups/${p}`, undefined],
      ['GET', (p) => `/v1/groups/g/members?after=${p}&limit=${p}`, undefined],
      ['PATCH', (p) => `/v1/messages/${p}?groupId=g`, { text: 'edited by fuzz', groupAtUserList: ['alice'], changeId: 'fuzzedit0001' }],
      ['PUT', (p) => `/v1/messages/${p}/pin?groupId=${p}&changeId=${p}`, undefined],
      ['DELETE', (p) => `/v1/messages/${p}/pin?from=alice&to=${p}`, undefined],
      ['DELETE', (p) => `/v1/messages/${p}?from=${p}&to=bob`, undefined],
      // Past the app's limit of 10 a minute these are 416 {code, name, message}: a 4xx too.
      ['POST', () => '/v1/broadcasts', { content: 'Fuzz <b>broadcast</b>', offline: true, ttlSeconds: 60 }],
      ['GET', () => '/v1/broadcasts', undefined],
      ['DELETE', (p) => `/v1/broadcasts/${p}`, undefined],
      ['GET', () => '/v1/webhooks', undefined],
      ['GET', (p) => `/v1/files/${p}/${p}`, undefined],
      ['GET', () => '/v1/push/vapid-public-key', undefined],
      ['GET', (p) => `/metrics?x=${p}`, undefined],
    ];
    /** Routes with a body: the mutations below start from one of those. */
    const shaped = routes.filter((r) => r[2] !== undefined);
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.tuple(fc.nat({ max: shaped.length - 1 }), binaryString(30), fc.anything({ maxDepth: 2 })).map(([i, key, value]) => {
        const base = { ...(shaped[i]![2] as object) } as Record<string, unknown>;
        const keys = Object.keys(base);
        base[keys[key.length % keys.length] ?? key] = value;
        return JSON.stringify(base) ?? '{}';
      }),
      fc.tuple(fc.nat({ max: shaped.length - 1 }), fc.nat()).map(([i, cut]) => {
        const json = JSON.stringify(shaped[i]![2]);
        return json.slice(0, cut % json.length);
      }),
      fc.constantFrom('[' .repeat(5000), '{"a":'.repeat(3000), '', 'null', '"\ud800"', '{"__proto__":{"admin":true}}'),
    );
    const param = fc.oneof(binaryString(20), fc.constantFrom('alice', '..', '%2e%2e', 'p2p:bob', 'group:g', '-1', '1e999', 'a'.repeat(300)));
    const cases = fc.sample(fc.tuple(fc.nat({ max: routes.length - 1 }), body, param, fc.boolean()), { seed: SEED, numRuns: REST_BODIES });
    const problems: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const [r, payload, p, asJson] = cases[next++]!;
        const [method, path] = [routes[r]![0], routes[r]![1](encodeURIComponent(p))];
        const res = await fetch(t.url + path, {
          method,
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': asJson ? 'application/json' : 'text/plain' },
          ...(method !== 'GET' && { body: payload }),
        });
        const raw = await res.text();
        tally.rest++;
        if (res.status >= 500) problems.push(`${method} ${path} -> ${res.status} ${raw.slice(0, 200)}`);
        else if (res.status >= 400) {
          tally.rest4xx++;
          const json = JSON.parse(raw) as { code: number; name: ErrorName; message: string };
          const entry = ERRORS[json.name];
          if (!entry || entry.code !== json.code || typeof json.message !== 'string' || entry.status !== res.status) {
            problems.push(`${method} ${path} -> ${res.status} ${raw.slice(0, 200)}`);
          }
        } else tally.rest2xx++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.deepEqual(problems.slice(0, 10), []);
    assert.equal((await t.rest('GET', '/healthz', undefined, null)).status, 200);
  });

  it('answers a fuzzed search bound that reads as a number but is not a time with 400 BAD_REQUEST at it; digits only stay a time', async () => {
    const numeric = fc.oneof(fc.double().map(String), fc.integer().map(String), fc.bigInt().map(String),
      fc.constantFrom('-5', '1e5', '1.5', '+5', '.5', '0x10', '0b1', ' 5', '-0', 'NaN', 'Infinity', '-Infinity', '9'.repeat(16)));
    for (const [bound, side] of fc.sample(fc.tuple(numeric, fc.constantFrom('before', 'after')), { seed: SEED, numRuns: 300 })) {
      const res = await t.rest('GET', `/v1/users/alice/search?q=hi&${side}=${encodeURIComponent(bound)}`);
      if (/^\d{1,15}$/.test(bound)) {
        assert.equal(res.status, 200, `${side}=${bound}`);
        continue;
      }
      assert.deepEqual([res.status, res.body.name], [400, 'BAD_REQUEST'], `${side}=${bound}`);
      assert.match(res.body.message, new RegExp(`at ${side}:`));
    }
  });

  it('answers fuzzed per-file ticket requests (?file=) and fuzzed tickets with a 4xx {code, name, message} or 2xx, never 5xx', async () => {
    const auth = { authorization: `Bearer ${await t.token('alice')}` };
    const param = fc.oneof(binaryString(80), fc.constantFrom('', '..%2F..', '00000000-0000-4000-8000-000000000000', 'a'.repeat(65), 'a'.repeat(3000), 'x.y.z'));
    const problems: string[] = [];
    for (const [p, asTicket] of fc.sample(fc.tuple(param, fc.boolean()), { seed: SEED, numRuns: 300 })) {
      const path = asTicket ? `/v1/files/00000000-0000-4000-8000-000000000000/x.png?ticket=${encodeURIComponent(p)}` : `/v1/files/ticket?file=${encodeURIComponent(p)}`;
      const res = await fetch(t.url + path, { headers: auth });
      const raw = await res.text();
      tally.rest++;
      if (res.status >= 500) problems.push(`${path} -> ${res.status}`);
      else if (res.status >= 400) {
        const json = JSON.parse(raw) as { code: number; name: ErrorName; message: string };
        if (ERRORS[json.name]?.status !== res.status || typeof json.message !== 'string') problems.push(`${path} -> ${res.status} ${raw.slice(0, 200)}`);
      }
    }
    assert.deepEqual(problems.slice(0, 10), []);
  });

  it('answers fuzzed POST /v1/previews bodies with a 4xx {code, name, message}, never 5xx, and never fetches a private target', async () => {
    const headers = { authorization: `Bearer ${await t.token('alice')}`, 'content-type': 'application/json' };
    // Only IP literals, schemes that are not http(s) and strings that are not URLs: nothing is resolved or reached off the machine.
    const s = binaryString(60);
    const url = fc.oneof(
      s.map((x) => `http://10.0.0.${x.length}/${x}`),
      s.map((x) => `https://127.0.0.1:${x.length}/${encodeURIComponent(x)}`),
      s.map((x) => `javascript:${x}`),
      s.map((x) => `data:text/html,${x}`),
      fc.constantFrom('', 'http://[::1]/', 'http://169.254.169.254/latest/meta-data/', 'http://0/', 'http://0x7f.1/', 'http://2130706433/', 'http://[::ffff:127.0.0.1]/', 'file:///etc/passwd', 'http://user:pw@127.0.0.1/', 'gopher://127.0.0.1:70/', 'h'.repeat(3000), 'http://[fe80::1%25eth0]/'),
      fc.anything({ maxDepth: 1 }),
    );
    const body = fc.oneof(
      url.map((u) => JSON.stringify({ url: u }) ?? '{}'),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.constantFrom('', '{"url":', '{"__proto__":{"url":"http://127.0.0.1/"}}', '[' .repeat(3000)),
    );
    const problems: string[] = [];
    for (const payload of fc.sample(body, { seed: SEED, numRuns: 300 })) {
      const res = await fetch(`${t.url}/v1/previews`, { method: 'POST', headers, body: payload });
      const raw = await res.text();
      tally.rest++;
      if (res.status < 400 || res.status >= 500) problems.push(`${payload.slice(0, 100)} -> ${res.status} ${raw.slice(0, 100)}`);
      else {
        const json = JSON.parse(raw) as { code: number; name: ErrorName; message: string };
        if (ERRORS[json.name]?.status !== res.status || typeof json.message !== 'string') problems.push(`${payload.slice(0, 100)} -> ${res.status} ${raw.slice(0, 200)}`);
      }
    }
    assert.deepEqual(problems.slice(0, 10), []);
  });

  it('answers fuzzed GET /v1/previews/images/<key> with 403 PREVIEW_IMAGE_INVALID (or another 4xx {code, name, message}), never 5xx, never a picture', async () => {
    const s = binaryString(80);
    const b64 = (u: string) => Buffer.from(u).toString('base64url');
    const key = fc.oneof(
      // Keys for private targets with made-up signatures: the HMAC is what stops them.
      fc.tuple(fc.constantFrom('http://10.0.0.1/a.png', 'http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:6379/', 'file:///etc/passwd'), fc.string({ unit: fc.constantFrom(...'abcXYZ019_-'), minLength: 22, maxLength: 22 }))
        .map(([u, mac]) => `${b64(u)}.${mac}`),
      s.map((x) => encodeURIComponent(x)),
      s.map((x) => `${b64(x)}.${b64(x).slice(0, 22)}`),
      fc.constantFrom('', '.', '..', '../../v1/dev/token', '%2e%2e%2fhealthz', 'a'.repeat(5000), `${'A'.repeat(2100)}.${'B'.repeat(22)}`, '%00', 'x.y.z', '__proto__'),
    );
    const problems: string[] = [];
    for (const k of fc.sample(key, { seed: SEED, numRuns: 300 })) {
      const res = await fetch(`${t.url}/v1/previews/images/${k}`);
      const raw = await res.text();
      tally.rest++;
      if (res.status < 400 || res.status >= 500) problems.push(`${k.slice(0, 100)} -> ${res.status} ${raw.slice(0, 100)}`);
      else {
        const json = JSON.parse(raw) as { code: number; name: ErrorName; message: string };
        if (ERRORS[json.name]?.status !== res.status || typeof json.message !== 'string' || res.headers.get('content-type')?.startsWith('image/')) problems.push(`${k.slice(0, 100)} -> ${res.status} ${raw.slice(0, 200)}`);
      }
    }
    assert.deepEqual(problems.slice(0, 10), []);
  });

  it('answers fuzzed POST /v1/uploads query strings, content types and bodies with 201 or a 4xx {code, name, message}, never 5xx', async () => {
    const token = await t.token('bob');
    const s = binaryString(40);
    const param = fc.oneof(s, fc.constantFrom('p2p:alice', 'group:g', 'group:nope', 'p2p:bob', '', '..%2F..', '%00', 'a'.repeat(400), '\u202e.exe', 'image', 'video', 'kind'));
    const header = fc.oneof(fc.string({ unit: fc.constantFrom(...'abcimage/pngvideo;=+ ,*"\''), maxLength: 60 }), fc.constantFrom('image/svg+xml', 'text/html', 'image/png; charset=x', `${'a'.repeat(200)}/x`));
    const cases = fc.sample(fc.tuple(param, param, param, header, fc.uint8Array({ maxLength: 64 })), { seed: SEED, numRuns: 250 });
    const problems: string[] = [];
    for (const [conversationId, name, kind, type, body] of cases) {
      const query = `conversationId=${encodeURIComponent(conversationId)}&name=${encodeURIComponent(name)}&kind=${encodeURIComponent(kind)}`;
      const res = await fetch(`${t.url}/v1/uploads?${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
      const raw = await res.text();
      tally.rest++;
      if (res.status >= 500 || (res.status < 400 && res.status !== 201)) problems.push(`${query} ${type} -> ${res.status} ${raw.slice(0, 100)}`);
      else if (res.status >= 400) {
        const json = JSON.parse(raw) as { code: number; name: ErrorName; message: string };
        if (ERRORS[json.name]?.status !== res.status || typeof json.message !== 'string') problems.push(`${query} -> ${res.status} ${raw.slice(0, 200)}`);
      }
    }
    assert.deepEqual(problems.slice(0, 10), []);
  });

  it('answers fuzzed POST /v1/files/tickets bodies with a 4xx {code, name, message} or 2xx, never 5xx', async () => {
    const headers = { authorization: `Bearer ${await t.token('alice')}`, 'content-type': 'application/json' };
    const id = fc.oneof(binaryString(80), fc.constantFrom('00000000-0000-4000-8000-000000000000', '__proto__', 'constructor', 'a'.repeat(65), '../x'), fc.anything({ maxDepth: 1 }));
    const body = fc.oneof(
      fc.array(id, { maxLength: 120 }).map((files) => JSON.stringify({ files })),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.constantFrom('', '{"files":', '{"files":[' + '"aaaaaaaa",'.repeat(5000) + '"a"]}', '{"__proto__":{"files":["aaaaaaaa"]}}'),
    );
    const problems: string[] = [];
    for (const payload of fc.sample(body, { seed: SEED, numRuns: 200 })) {
      const res = await fetch(`${t.url}/v1/files/tickets`, { method: 'POST', headers, body: payload });
      const raw = await res.text();
      tally.rest++;
      if (res.status >= 500) problems.push(`${payload.slice(0, 100)} -> ${res.status}`);
      else if (res.status >= 400) {
        const json = JSON.parse(raw) as { code: number; name: ErrorName; message: string };
        if (ERRORS[json.name]?.status !== res.status || typeof json.message !== 'string') problems.push(`${payload.slice(0, 100)} -> ${res.status} ${raw.slice(0, 200)}`);
      } else if (typeof (JSON.parse(raw) as { tickets?: unknown }).tickets !== 'object') problems.push(`${payload.slice(0, 100)} -> 2xx ${raw.slice(0, 200)}`);
    }
    assert.deepEqual(problems.slice(0, 10), []);
  });
});

