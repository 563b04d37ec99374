/**
 * The before-send hook (SPEC §11) end to end: a real server and a real hook on 127.0.0.1 that
 * checks every signature and answers by the message's text.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { verifySignature } from '../../../src/server/webhooks/signature.js';
import { ADMIN_KEY, cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import { startServerOn } from '../helpers/store-server.js';
import { TestSocket } from '../helpers/ws-client.js';
import { runMain } from '../helpers/natter-process.js';
import { freePort } from '../../../bench/lib/spawn.js';
import { PROTOCOL_VERSION, type Message } from '../../../src/protocol/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClient, startServer as startClientServer, synced, until } from '../../client/real-server.js';

const SECRET = 'before-send-secret-0123456789';

/** A hook that answers by the text sent; records every call and whether its signature verified. */
async function startHook() {
  const calls: { text: string; verified: boolean; conversation: string; edit?: string; message: { id: string; sender: string } }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const body = JSON.parse(raw);
      const rejectAll = hook.rejectAll;
      const words: string = body.data.message.elem.text ?? '';
      calls.push({ text: words, conversation: body.data.conversation, edit: body.data.edit?.messageId, message: body.data.message, verified: verifySignature(SECRET, raw, req.headers['x-natter-signature'] as string, Math.floor(Date.now() / 1000)) });
      const answer = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(typeof json === 'string' ? json : JSON.stringify(json));
      if (words.startsWith('slow')) await new Promise((r) => setTimeout(r, 400));
      // 'wait <ms> …': answered (allow) after that many milliseconds, within the server's timeout.
      if (words.startsWith('wait ')) await new Promise((r) => setTimeout(r, Number(words.split(' ')[1])));
      if (rejectAll || words.startsWith('reject')) return answer(200, { action: 'reject', reason: 'No links to other shops, please.' });
      if (words.startsWith('rewrite')) return answer(200, { action: 'rewrite', text: 'r*******' });
      if (words.startsWith('location rewrite')) return answer(200, { action: 'rewrite', elem: { type: 'location', description: 'here', latitude: 1, longitude: 2 } });
      if (words.startsWith('bad rewrite')) return answer(200, { action: 'rewrite', elem: { type: 'merger', title: 'x' } });
      if (words.startsWith('broken')) return answer(500, 'oops');
      if (words.startsWith('nonsense')) return answer(200, '{"action":"maybe"}');
      // Hostile answers: bytes trickled past the timeout, an endless body, nesting, wrong types, past the 256 KiB read.
      if (words.startsWith('trickle')) {
        res.writeHead(200, { 'content-type': 'application/json' }).write('{"action":');
        const timer = setInterval(() => res.write(' '), 20);
        return void res.on('close', () => clearInterval(timer));
      }
      if (words.startsWith('flood')) {
        const chunk = ' '.repeat(65_536);
        const pump = () => { while (!res.destroyed && res.write(chunk)); };
        res.writeHead(200, { 'content-type': 'application/json' }).on('drain', pump);
        return pump();
      }
      if (words.startsWith('deep')) return answer(200, '['.repeat(200_000) + ']'.repeat(200_000));
      if (words.startsWith('wrong types')) return answer(200, '{"action":"rewrite","text":42,"elem":{"type":"text","text":["x"]}}');
      if (words.startsWith('huge')) return answer(200, { action: 'rewrite', text: 'x'.repeat(300_000) });
      return answer(200, { action: 'allow' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const hook = {
    /** Set: every call is answered reject (the site's policy changed). */
    rejectAll: false,
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/before-send`,
    calls,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return hook;
}

async function sendText(s: TestSocket, conversationId: `p2p:${string}` | `group:${string}`, words: string) {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, conversationId, elem: text(words) });
  return s.nextOf(['message.ack', 'message.error']);
}

describe('before-send hook', () => {
  let hook: Awaited<ReturnType<typeof startHook>>;
  let t: TestServer;
  let strict: TestServer;
  before(async () => {
    hook = await startHook();
    t = await startServer({ sendsPerMinute: 10_000, beforeSend: { url: hook.url, secret: SECRET, timeoutMs: 200 } });
    strict = await startServer({ beforeSend: { url: hook.url, secret: SECRET, timeoutMs: 200, fallback: 'reject' } });
    await createUsers(t, 'alice', 'bob', ...Array.from({ length: 10 }, (_, i) => `p${i}`));
    await createUsers(strict, 'alice', 'bob');
  });
  after(async () => {
    await t.stop();
    await strict.stop();
    await hook.close();
  });

  it('allows, rejects with the site\'s reason (nothing stored), and rewrites what the recipient gets', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    assert.equal((await sendText(alice, 'p2p:bob', 'hello')).type, 'message.ack');
    const refused = await sendText(alice, 'p2p:bob', 'reject: buy at shop.example');
    assert.equal(refused.type, 'message.error');
    const error = refused.type === 'message.error' ? refused : assert.fail();
    assert.deepEqual([error.name, error.code, error.reason], ['MESSAGE_REJECTED', 4016, 'No links to other shops, please.']);
    const ack = await sendText(alice, 'p2p:bob', 'rewrite: rubbish');
    assert.equal(ack.type, 'message.ack');
    const got = await bob.next('message.new', (f) => f.message.clientMsgId === (ack.type === 'message.ack' ? ack.clientMsgId : ''));
    assert.deepEqual(got.message.elem, text('r*******'));
    const history = await t.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages');
    assert.deepEqual(history.body.messages.map((m: { elem: { text: string } }) => m.elem.text), ['hello', 'r*******']);
    assert.ok(hook.calls.every((c) => c.verified), 'every call is signed');
    assert.equal(hook.calls[0]!.conversation, 'p2p:alice|bob');
  });

  it('applies the fallback on a timeout, an error status, an unreadable answer or a rewrite it cannot use', async () => {
    const alice = await t.login('alice');
    for (const words of ['slow but fine', 'broken hook', 'nonsense answer', 'bad rewrite']) {
      assert.equal((await sendText(alice, 'p2p:bob', words)).type, 'message.ack', words);
    }
    const sa = await strict.login('alice');
    const late = await sendText(sa, 'p2p:bob', 'slow again');
    const error = late.type === 'message.error' ? late : assert.fail('refused on timeout');
    assert.equal(error.name, 'MESSAGE_REJECTED');
    assert.equal(error.reason, undefined, 'our own reason: the client shows its translated sentence');
    assert.equal((await sendText(sa, 'p2p:bob', 'fine')).type, 'message.ack');
  });

  it('calls the hook for many senders at once: ten 400 ms answers take about one', async () => {
    const sockets = await Promise.all(Array.from({ length: 10 }, (_, i) => t.login(`p${i}`)));
    const started = performance.now();
    // The hook holds 'slow' answers 400 ms, past this server's 200 ms timeout: each falls back to allow.
    const answers = await Promise.all(sockets.map((s, i) => sendText(s, `p2p:p${(i + 1) % 10}`, 'slow in parallel')));
    const ms = performance.now() - started;
    assert.ok(answers.every((a) => a.type === 'message.ack'));
    assert.ok(ms < 1000, `10 sends waiting on the hook at once took ${Math.round(ms)} ms`);
  });

  it('checks one connection\'s sends at once and still commits them in the order they were sent', async () => {
    const alice = await t.login('alice');
    const sendAll = async (texts: string[]) => {
      const ids = texts.map(() => cmid());
      texts.forEach((words, i) => alice.send({ type: 'message.send', clientMsgId: ids[i]!, conversationId: 'p2p:bob', elem: text(words) }));
      const answers = new Map<string, { type: string; seq?: number }>();
      while (answers.size < texts.length) {
        const a = await alice.nextOf(['message.ack', 'message.error']);
        answers.set(a.clientMsgId!, a.type === 'message.ack' ? { type: a.type, seq: a.seq } : { type: a.type });
      }
      return ids.map((id) => answers.get(id)!);
    };
    // Five sends whose hook answers take 150 ms each: one after another they would take 750.
    const started = performance.now();
    const five = await sendAll(Array.from({ length: 5 }, (_, i) => `wait 150 #${i}`));
    const ms = performance.now() - started;
    assert.ok(five.every((a) => a.type === 'message.ack'));
    assert.ok(ms < 600, `five sends of one connection, each checked for 150 ms, took ${Math.round(ms)} ms`);
    // The first checked last, one refused between: the acked ones' seqs follow the order sent.
    const mixed = await sendAll(['wait 150 first', 'wait 10 second', 'reject: third', 'wait 10 fourth', 'fifth']);
    assert.deepEqual(mixed.map((a) => a.type), ['message.ack', 'message.ack', 'message.error', 'message.ack', 'message.ack']);
    const seqs = [...five, ...mixed].filter((a) => a.seq !== undefined).map((a) => a.seq!);
    assert.deepEqual(seqs, seqs.map((_, i) => seqs[0]! + i));
  });

  it('is not called for admin sends, and shows its latency by outcome in /metrics', async () => {
    const calls = hook.calls.length;
    const res = await t.rest('POST', '/v1/messages', { from: 'alice', to: 'bob', elem: text('reject? not for admins'), clientMsgId: cmid() });
    assert.equal(res.status, 200);
    assert.equal(hook.calls.length, calls);
    const metrics = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }).then((r) => r.text());
    for (const outcome of ['allow', 'reject', 'rewrite', 'timeout', 'error']) {
      assert.match(metrics, new RegExp(`natter_before_send_seconds_count\\{outcome="${outcome}"\\} [1-9]`), outcome);
    }
  });
});

async function editText(s: TestSocket, conversationId: `p2p:${string}` | `group:${string}`, messageId: string, words: string) {
  s.send({ type: 'change.send', changeId: cmid(), conversationId, messageId, change: { kind: 'edit', text: words } });
  return s.nextOf(['change.ack', 'change.error']);
}

describe('before-send hook on edits', () => {
  let hook: Awaited<ReturnType<typeof startHook>>;
  /** Fallback allow; fallback reject; and a hook that is down (nothing listens), with either fallback. */
  let t: TestServer;
  let strict: TestServer;
  let downAllow: TestServer;
  let downReject: TestServer;
  before(async () => {
    hook = await startHook();
    const down = `http://127.0.0.1:${await freePort()}/before-send`;
    [t, strict, downAllow, downReject] = await Promise.all([
      startServer({ sendsPerMinute: 10_000, beforeSend: { url: hook.url, secret: SECRET, timeoutMs: 200 } }),
      startServer({ beforeSend: { url: hook.url, secret: SECRET, timeoutMs: 200, fallback: 'reject' } }),
      startServer({ beforeSend: { url: down, secret: SECRET } }),
      startServer({ beforeSend: { url: down, secret: SECRET, fallback: 'reject' } }),
    ]);
    for (const s of [t, strict, downAllow, downReject]) await createUsers(s, 'alice', 'bob');
  });
  after(async () => {
    await Promise.all([t, strict, downAllow, downReject].map((s) => s.stop()));
    await hook.close();
  });

  /** Alice's "Plain text" to Bob (through the hook) and the id it was stored under. */
  async function plain(s: TestSocket): Promise<string> {
    const ack = await sendText(s, 'p2p:bob', 'Plain text');
    return ack.type === 'message.ack' ? ack.id : assert.fail(`sent: ${JSON.stringify(ack)}`);
  }
  const textsOf = async (srv: TestServer) =>
    (await srv.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages')).body.messages.map((m: { id: string; elem: { text: string } }) => [m.id, m.elem.text]);

  it('asks the hook about the new text as an edit of its message, and a rejection keeps the old text with the site\'s reason', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const id = await plain(alice);
    const refused = await editText(alice, 'p2p:bob', id, 'reject: see my shop');
    const error = refused.type === 'change.error' ? refused : assert.fail('the edit is refused');
    assert.deepEqual([error.name, error.code, error.reason], ['MESSAGE_REJECTED', 4016, 'No links to other shops, please.']);
    const call = hook.calls.at(-1)!;
    assert.deepEqual(
      [call.text, call.edit, call.message.id, call.message.sender, call.conversation, call.verified],
      ['reject: see my shop', id, id, 'alice', 'p2p:alice|bob', true],
    );
    assert.deepEqual((await textsOf(t)).find(([m]: string[]) => m === id), [id, 'Plain text'], 'stored as it was');
    // Bob hears of no change: the next thing he gets is Alice's next message.
    await sendText(alice, 'p2p:bob', 'after');
    const next = await bob.next('message.new', (f) => f.message.elem.type === 'change' || (f.message.elem as { text?: string }).text === 'after');
    assert.equal(next.message.elem.type, 'text');
  });

  it('stores the rewritten text, for everyone; a rewrite into something else than a text applies the fallback', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const id = await plain(alice);
    assert.equal((await editText(alice, 'p2p:bob', id, 'rewrite: rubbish')).type, 'change.ack');
    const change = await bob.next('message.new', (f) => f.message.elem.type === 'change');
    assert.equal((change.message.elem as { change: { text: string } }).change.text, 'r*******');
    assert.deepEqual((await textsOf(t)).find(([m]: string[]) => m === id), [id, 'r*******']);
    // An edit stays a text: a location in its place is an answer the server cannot use (fallback allow here).
    assert.equal((await editText(alice, 'p2p:bob', id, 'location rewrite')).type, 'change.ack');
    assert.deepEqual((await textsOf(t)).find(([m]: string[]) => m === id), [id, 'location rewrite']);
  });

  it('keeps one connection\'s edits in the order sent, the first one checked longest', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const id = await plain(alice);
    for (const words of ['wait 150 first', 'second']) alice.send({ type: 'change.send', changeId: cmid(), conversationId: 'p2p:bob', messageId: id, change: { kind: 'edit', text: words } });
    const acks = [await alice.nextOf(['change.ack', 'change.error']), await alice.nextOf(['change.ack', 'change.error'])];
    assert.deepEqual(acks.map((a) => a.type), ['change.ack', 'change.ack']);
    const seen = [];
    for (let i = 0; i < 2; i++) seen.push((await bob.next('message.new', (f) => f.message.elem.type === 'change')).message.elem as { change: { text: string } });
    assert.deepEqual(seen.map((e) => e.change.text), ['wait 150 first', 'second']);
    assert.deepEqual((await textsOf(t)).find(([m]: string[]) => m === id), [id, 'second']);
  });

  it('checks an edit while the sends and edits its connection made before it are checked, and commits it after them', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const id = await plain(alice);
    // A send and two edits whose hook answers take 150 ms each: one after another they would take 450.
    const started = performance.now();
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text('wait 150 a send') });
    for (const words of ['wait 150 first edit', 'wait 150 second edit']) alice.send({ type: 'change.send', changeId: cmid(), conversationId: 'p2p:bob', messageId: id, change: { kind: 'edit', text: words } });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await alice.nextOf(['message.ack', 'change.ack', 'message.error', 'change.error']));
    const ms = performance.now() - started;
    assert.deepEqual(answers.map((a) => a.type), ['message.ack', 'change.ack', 'change.ack']);
    // One after another the three checks take at least 450 ms, whatever the machine's load: under that, they overlapped.
    assert.ok(ms < 450, `a send and two edits of one connection, each checked for 150 ms, took ${Math.round(ms)} ms`);
    const seen: Message[] = [];
    for (let i = 0; i < 3; i++) seen.push((await bob.next('message.new', (f) => (f.message.elem as { text?: string }).text === 'wait 150 a send' || f.message.elem.type === 'change')).message);
    assert.deepEqual(seen.map((m) => (m.elem.type === 'change' ? (m.elem as { change: { text: string } }).change.text : (m.elem as { text: string }).text)), ['wait 150 a send', 'wait 150 first edit', 'wait 150 second edit']);
    assert.deepEqual(seen.map((m) => m.seq), seen.map((_, i) => seen[0]!.seq + i));
    assert.deepEqual((await textsOf(t)).find(([m]: string[]) => m === id), [id, 'wait 150 second edit']);
  });

  it('is not called for a moderator\'s edit (admin REST)', async () => {
    const alice = await t.login('alice');
    const id = await plain(alice);
    const calls = hook.calls.length;
    const res = await t.rest('PATCH', `/v1/messages/${id}?from=alice&to=bob`, { text: 'reject? not for admins' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(hook.calls.length, calls);
    assert.deepEqual((await textsOf(t)).find(([m]: string[]) => m === id), [id, 'reject? not for admins']);
  });

  it('applies the fallback when the hook times out, fails, is down or answers with hostile content (trickled, endless, nested, wrong types, too big)', async () => {
    for (const [srv, words, fallback] of [
      [t, 'slow edit', 'allow'], [t, 'broken edit', 'allow'], [strict, 'slow edit', 'reject'], [strict, 'broken edit', 'reject'],
      [downAllow, 'edit, hook down', 'allow'], [downReject, 'edit, hook down', 'reject'],
      [t, 'trickle edit', 'allow'], [t, 'flood edit', 'allow'], [t, 'deep edit', 'allow'], [t, 'wrong types edit', 'allow'], [t, 'huge edit', 'allow'],
      [strict, 'trickle edit', 'reject'], [strict, 'flood edit', 'reject'], [strict, 'wrong types edit', 'reject'],
    ] as const) {
      const alice = await srv.login('alice');
      // On a server that rejects by fallback, the message itself is sent while the hook lets it (not down: a send it rejects too).
      const sent = srv === downReject ? await srv.rest('POST', '/v1/messages', { from: 'alice', to: 'bob', elem: text('Plain text'), clientMsgId: cmid() }) : undefined;
      const id = sent ? (sent.body as { id: string }).id : await plain(alice);
      const answer = await editText(alice, 'p2p:bob', id, words);
      const label = `${words} on a hook with fallback ${fallback}`;
      if (fallback === 'allow') {
        assert.equal(answer.type, 'change.ack', label);
        assert.deepEqual((await textsOf(srv)).find(([m]: string[]) => m === id), [id, words], label);
      } else {
        const error = answer.type === 'change.error' ? answer : assert.fail(label);
        assert.deepEqual([error.name, error.reason], ['MESSAGE_REJECTED', undefined], label);
        assert.deepEqual((await textsOf(srv)).find(([m]: string[]) => m === id), [id, 'Plain text'], label);
      }
      alice.close();
    }
  });
});

/**
 * SPEC §2, exactly once: a retry (same clientMsgId, same changeId) of a send or an edit already
 * committed is answered with its ack, `duplicate`, without asking the hook again (whatever it
 * would say now: the site refusing it, or the hook down under fallback reject). Otherwise the sender's device shows a failure for
 * what everyone else sees. Each store answers whether it is committed in its own way.
 */
for (const store of ['memory', 'sqlite', 'postgres'] as const) {
  describe(`before-send hook, a retry of a committed send or edit (${store})`, () => {
    let hook: Awaited<ReturnType<typeof startHook>>;
    let srv: TestServer;
    before(async () => {
      hook = await startHook();
      srv = await startServerOn(store, { beforeSend: { url: hook.url, secret: SECRET, timeoutMs: 200, fallback: 'reject' } });
      await createUsers(srv, 'alice', 'bob');
    });
    after(async () => {
      await srv.stop();
      await hook.close();
    });

    it('is acked as its duplicate when the site now rejects it or the hook is down (fallback reject), and stored once', async () => {
      const alice = await srv.login('alice');
      const stored = async () => (await srv.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages')).body.messages
        .map((m: { seq: number; clientMsgId: string; elem: { type: string; text?: string } }) => [m.seq, m.clientMsgId, m.elem.text ?? m.elem.type]);
      const send = (clientMsgId: string) => {
        alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('Plain text') });
        return alice.nextOf(['message.ack', 'message.error']);
      };
      const edit = (changeId: string, messageId: string, words: string) => {
        alice.send({ type: 'change.send', changeId, conversationId: 'p2p:bob', messageId, change: { kind: 'edit', text: words } });
        return alice.nextOf(['change.ack', 'change.error']);
      };
      const sendId = cmid();
      const first = await send(sendId);
      const sent = first.type === 'message.ack' ? first : assert.fail(`sent: ${JSON.stringify(first)}`);
      assert.equal(sent.duplicate, undefined);
      const changeId = cmid();
      const firstEdit = await edit(changeId, sent.id, 'Plain text, edited');
      const edited = firstEdit.type === 'change.ack' ? firstEdit : assert.fail(`edited: ${JSON.stringify(firstEdit)}`);
      const before = await stored();
      assert.deepEqual(before.map((r: unknown[]) => r[1]), [sendId, changeId]);
      const calls = hook.calls.length;
      const retried = async (label: string) => {
        const again = await send(sendId);
        assert.deepEqual(again.type === 'message.ack' && [again.id, again.seq, again.duplicate], [sent.id, sent.seq, true], `${label}: ${JSON.stringify(again)}`);
        const editAgain = await edit(changeId, sent.id, 'Plain text, edited');
        assert.deepEqual(editAgain.type === 'change.ack' && [editAgain.id, editAgain.seq, editAgain.duplicate], [edited.id, edited.seq, true], `${label}: ${JSON.stringify(editAgain)}`);
        assert.deepEqual(await stored(), before, `${label}: nothing stored twice`);
      };
      // The site's policy changed: it refuses every send and edit from now on, with its reason.
      hook.rejectAll = true;
      await retried('the site refuses');
      // It was asked about each once: a retry of what the store holds does not go to it again.
      assert.equal(hook.calls.length, calls, 'the hook is not asked about a retry of what is stored');
      await hook.close();
      await retried('the hook is down');
      // A new send or edit is refused by the fallback still, and not stored.
      const fresh = await send(cmid());
      assert.deepEqual(fresh.type === 'message.error' && fresh.name, 'MESSAGE_REJECTED', JSON.stringify(fresh));
      const freshEdit = await edit(cmid(), sent.id, 'Plain text, edited');
      assert.deepEqual(freshEdit.type === 'change.error' && freshEdit.name, 'MESSAGE_REJECTED', JSON.stringify(freshEdit));
      assert.deepEqual(await stored(), before);
    });
  });
}

describe('before-send hook, seen by the client SDK', () => {
  it('keeps the site\'s reason on the failed message (what the thread shows), and shows the sender the text a rewrite stored', async () => {
    const hook = await startHook();
    const srv = await startClientServer({ beforeSend: { url: hook.url, secret: SECRET } });
    let alice: ReturnType<typeof connectClient> | undefined;
    try {
      for (const u of ['alice', 'bob']) assert.equal((await srv.admin('PUT', `/v1/users/${u}`, { name: u })).status, 200);
      const a = (alice = connectClient(srv, await srv.token('alice')));
      await synced(alice);
      const failure = await alice.send('p2p:bob', 'reject this one').then(() => undefined, (err: unknown) => err);
      assert.equal((failure as { name?: string })?.name, 'MESSAGE_REJECTED');
      const failed = alice.messages('p2p:bob').get().find((m) => m.status === 'failed');
      assert.equal(failed?.error?.name, 'MESSAGE_REJECTED');
      assert.equal(failed?.error?.reason, 'No links to other shops, please.');
      // A rewritten message: the sender's device shows what was stored, as everyone else's does.
      await alice.send('p2p:bob', 'rewrite: rubbish');
      await until(() => a.messages('p2p:bob').get().some((m) => m.status === 'sent' && m.elem.type === 'text' && m.elem.text === 'r*******'), 'the sender sees the rewritten text');
      assert.ok(!alice.messages('p2p:bob').get().some((m) => m.elem.type === 'text' && m.elem.text === 'rewrite: rubbish'), 'not what was typed');
    } finally {
      alice?.close();
      await srv.stop();
      await hook.close();
    }
  });
});

describe('before-send hook, set from the environment', () => {
  it('natter-server with NATTER_BEFORE_SEND_URL alone waits for the hook\'s answer (the default timeout, not none)', async () => {
    const hook = await startHook();
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-env-'));
    const server = runMain({
      PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_SECRET: '', NATTER_DEV: '1',
      NATTER_BEFORE_SEND_URL: hook.url, NATTER_BEFORE_SEND_SECRET: SECRET,
    });
    try {
      const url = await server.listening;
      const { token } = (await (await fetch(`${url}/v1/dev/token?user=alice`)).json()) as { token: string };
      const alice = await TestSocket.connect(`${url.replace('http', 'ws')}/ws`);
      alice.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token });
      await alice.next('sync.done');
      const refused = await sendText(alice, 'p2p:bob', 'reject: buy at shop.example');
      assert.equal(refused.type === 'message.error' && refused.reason, 'No links to other shops, please.');
      assert.equal(hook.calls.length, 1);
      alice.close();
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
      await hook.close();
    }
  });
});
