/**
 * The before-send hook (SPEC §11) end to end: a real server and a real hook on 127.0.0.1 that
 * checks every signature and answers by the message's text.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { verifySignature } from '../../../src/server/webhooks/signature.js';
import { ADMIN_KEY, cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import { TestSocket } from '../helpers/ws-client.js';
import { runMain } from '../helpers/natter-process.js';
import { freePort } from '../../../bench/lib/spawn.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClient, startServer as startClientServer, synced, until } from '../../client/real-server.js';

const SECRET = 'before-send-secret-0123456789';

/** A hook that answers by the text sent; records every call and whether its signature verified. */
async function startHook() {
  const calls: { text: string; verified: boolean; conversation: string }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const body = JSON.parse(raw);
      const words: string = body.data.message.elem.text ?? '';
      calls.push({ text: words, conversation: body.data.conversation, verified: verifySignature(SECRET, raw, req.headers['x-natter-signature'] as string, Math.floor(Date.now() / 1000)) });
      const answer = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(typeof json === 'string' ? json : JSON.stringify(json));
      if (words.startsWith('slow')) await new Promise((r) => setTimeout(r, 400));
      // 'wait <ms> …': answered (allow) after that many milliseconds, within the server's timeout.
      if (words.startsWith('wait ')) await new Promise((r) => setTimeout(r, Number(words.split(' ')[1])));
      if (words.startsWith('reject')) return answer(200, { action: 'reject', reason: 'No links to other shops, please.' });
      if (words.startsWith('rewrite')) return answer(200, { action: 'rewrite', text: 'r*******' });
      if (words.startsWith('bad rewrite')) return answer(200, { action: 'rewrite', elem: { type: 'merger', title: 'x' } });
      if (words.startsWith('broken')) return answer(500, 'oops');
      if (words.startsWith('nonsense')) return answer(200, '{"action":"maybe"}');
      return answer(200, { action: 'allow' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/before-send`,
    calls,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
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
