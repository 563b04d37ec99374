/**
 * The before-send hook on edits, attacked as a stranger would (any signed-in user): an edit of
 * someone else's message, of a recalled one, of one recalled while the hook thinks, at the rate
 * limit, over the size limit, and a hook that redirects or rewrites past the limit. Each ends in an
 * error with a stable code, the message as it was for everyone, and the site asked only about
 * edits that can be stored.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { until } from '../../guard.js';

const SECRET = 'before-send-secret-0123456789';

/** A hook that answers by the text it is asked about; `gate`: answers to texts starting 'hold' wait for it. */
async function startHook() {
  const calls: { path: string; text: string; edit?: string }[] = [];
  let open: () => void = () => {};
  let gate = new Promise<void>((r) => (open = r));
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const body = raw ? JSON.parse(raw) : undefined;
      const words: string = body?.data?.message?.elem?.text ?? '';
      calls.push({ path: req.url ?? '', text: words, ...(body?.data?.edit && { edit: body.data.edit.messageId }) });
      const answer = (status: number, json: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
      if (req.url === '/elsewhere') return answer(200, { action: 'allow' });
      if (words.startsWith('hold')) await gate;
      if (words.startsWith('redirect')) return answer(307, {}, { location: `http://127.0.0.1:${port}/elsewhere` });
      // Within the 256 KiB the server reads, past the 8 KB a text may hold.
      if (words.startsWith('long rewrite')) return answer(200, { action: 'rewrite', text: 'y'.repeat(9000) });
      return answer(200, { action: 'allow' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/before-send`,
    calls,
    release() {
      open();
      gate = new Promise<void>((r) => (open = r));
    },
    async close() {
      open();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

type Answer = { type: string; name?: string; code?: number; reason?: string };

async function change(s: TestSocket, messageId: string, c: unknown): Promise<Answer> {
  s.send({ type: 'change.send', changeId: cmid(), conversationId: peerOf(s), messageId, change: c } as never);
  return s.nextOf(['change.ack', 'change.error']) as Promise<Answer>;
}
const peers = new WeakMap<TestSocket, `p2p:${string}`>();
const peerOf = (s: TestSocket) => peers.get(s)!;

describe('before-send hook on edits, attacked', () => {
  let hook: Awaited<ReturnType<typeof startHook>>;
  let t: TestServer;
  let strict: TestServer;
  before(async () => {
    hook = await startHook();
    [t, strict] = await Promise.all([
      startServer({ sendsPerMinute: 10_000, beforeSend: { url: hook.url, secret: SECRET, timeoutMs: 5000 } }),
      startServer({ sendsPerMinute: 6, beforeSend: { url: hook.url, secret: SECRET, timeoutMs: 1000, fallback: 'reject' } }),
    ]);
    for (const s of [t, strict]) await createUsers(s, 'alice', 'bob');
  });
  after(async () => {
    await Promise.all([t.stop(), strict.stop()]);
    await hook.close();
  });

  async function login(srv: TestServer, user: 'alice' | 'bob'): Promise<TestSocket> {
    const s = await srv.login(user);
    peers.set(s, user === 'alice' ? 'p2p:bob' : 'p2p:alice');
    return s;
  }
  async function plain(srv: TestServer, words = 'Plain text'): Promise<string> {
    const res = await srv.rest('POST', '/v1/messages', { from: 'alice', to: 'bob', elem: text(words), clientMsgId: cmid() });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return (res.body as { id: string }).id;
  }
  /** The message as each side's history has it: [type, text]. */
  async function stored(srv: TestServer, id: string): Promise<[string, string | undefined][]> {
    const out: [string, string | undefined][] = [];
    for (const [me, peer] of [['alice', 'bob'], ['bob', 'alice']]) {
      const { body } = await srv.rest('GET', `/v1/users/${me}/conversations/p2p:${peer}/messages`);
      const m = (body.messages as { id: string; elem: { type: string; text?: string } }[]).find((x) => x.id === id)!;
      out.push([m.elem.type, m.elem.text]);
    }
    return out;
  }

  it('refuses an edit of someone else\'s message (NOT_MESSAGE_SENDER) without asking the site; the text stays for both', async () => {
    const id = await plain(t);
    const bob = await login(t, 'bob');
    const calls = hook.calls.length;
    const answer = await change(bob, id, { kind: 'edit', text: 'bob was here' });
    assert.deepEqual([answer.type, answer.name], ['change.error', 'NOT_MESSAGE_SENDER']);
    assert.equal(hook.calls.length, calls, 'the site is not asked about an edit that cannot be stored');
    assert.deepEqual(await stored(t, id), [['text', 'Plain text'], ['text', 'Plain text']]);
  });

  it('refuses an edit of a recalled message (MESSAGE_RECALLED) without asking the site; it stays recalled', async () => {
    const id = await plain(t);
    const alice = await login(t, 'alice');
    assert.equal((await change(alice, id, { kind: 'recall' })).type, 'change.ack');
    const calls = hook.calls.length;
    const answer = await change(alice, id, { kind: 'edit', text: 'back from the dead' });
    assert.deepEqual([answer.type, answer.name], ['change.error', 'MESSAGE_RECALLED']);
    assert.equal(hook.calls.length, calls);
    assert.deepEqual(await stored(t, id), [['recalled', undefined], ['recalled', undefined]]);
  });

  it('refuses an edit whose message was recalled while the site was deciding; the recall stands for everyone', async () => {
    const id = await plain(t);
    const alice = await login(t, 'alice');
    const other = await login(t, 'alice');
    const calls = hook.calls.length;
    alice.send({ type: 'change.send', changeId: cmid(), conversationId: 'p2p:bob', messageId: id, change: { kind: 'edit', text: 'hold: the old words back' } });
    await until(() => hook.calls.length > calls, 'the hook is asked');
    assert.equal((await change(other, id, { kind: 'recall' })).type, 'change.ack');
    hook.release();
    const answer = (await alice.nextOf(['change.ack', 'change.error'])) as Answer;
    assert.deepEqual([answer.type, answer.name], ['change.error', 'MESSAGE_RECALLED']);
    assert.deepEqual(await stored(t, id), [['recalled', undefined], ['recalled', undefined]]);
  });

  it('applies the fallback to a redirect (never followed) and to a rewrite past the text limit', async () => {
    const alice = await login(strict, 'alice');
    for (const words of ['redirect me', 'long rewrite']) {
      const id = await plain(strict);
      const answer = await change(alice, id, { kind: 'edit', text: words });
      assert.deepEqual([answer.type, answer.name], ['change.error', 'MESSAGE_REJECTED'], words);
      assert.deepEqual(await stored(strict, id), [['text', 'Plain text'], ['text', 'Plain text']], words);
    }
    assert.equal(hook.calls.filter((c) => c.path === '/elsewhere').length, 0, 'the redirect is not followed');
  });

  it('refuses an edit over the text limit before the site hears of it', async () => {
    const id = await plain(t);
    const alice = await login(t, 'alice');
    const calls = hook.calls.length;
    alice.send({ type: 'change.send', changeId: cmid(), conversationId: 'p2p:bob', messageId: id, change: { kind: 'edit', text: 'z'.repeat(8 * 1024 + 1) } });
    const answer = (await alice.nextOf(['change.ack', 'change.error', 'error'])) as Answer;
    assert.notEqual(answer.type, 'change.ack');
    assert.equal(typeof answer.code, 'number', JSON.stringify(answer));
    assert.equal(hook.calls.length, calls);
    assert.deepEqual(await stored(t, id), [['text', 'Plain text'], ['text', 'Plain text']]);
  });

  it('refuses edits past the rate limit (RATE_LIMITED, retryAfterMs) without asking the site', async () => {
    const id = await plain(strict);
    const alice = await login(strict, 'alice');
    const answers: Answer[] = [];
    for (let i = 0; i < 8; i++) answers.push(await change(alice, id, { kind: 'edit', text: `edit ${i}` }));
    const limited = answers.filter((a) => a.name === 'RATE_LIMITED');
    assert.ok(limited.length >= 2, JSON.stringify(answers));
    const asked = hook.calls.filter((c) => c.edit === id).length;
    assert.equal(asked, answers.length - limited.length, 'a limited edit is not asked about');
    const last = answers.findLast((a) => a.type === 'change.ack');
    const texts = await stored(strict, id);
    assert.equal(texts[0]![1], texts[1]![1]);
    assert.equal(texts[0]![1], last ? `edit ${answers.lastIndexOf(last)}` : 'Plain text');
  });
});
