/**
 * Link previews against a real local web server on 127.0.0.1: Open Graph parsing, the user agent,
 * redirects (each hop checked again), size cap, timeout, cache and signatures; and the SSRF
 * guards: loopback, private, link-local and IPv6 loopback targets refused without the test
 * switch, non-default ports refused unless configured. Then the REST route and a send carrying a
 * preview through the real chat server (forged previews refused with PREVIEW_INVALID).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ChatError } from '../../../src/protocol/index.js';
import { fetchPagePreview, USER_AGENT } from '../../../src/server/previews/fetch-preview.js';
import { LinkPreviews } from '../../../src/server/previews/link-previews.js';
import { cmid, createUsers, startServer, type TestServer } from '../helpers/test-server.js';

const PAGE = `<!doctype html><html><head>
  <meta charset="utf-8"><title>Fallback title</title>
  <meta property="og:title" content="Natter &amp; friends — the &quot;chat&quot;">
  <meta property="og:description" content="A   small
    chat widget.">
  <meta property="og:site_name" content="Example Site">
  <meta property="og:image" content="/cover.png">
  <script>alert(1)</script>
</head><body><p>Hello</p></body></html>`;

let site: http.Server;
let port = 0;
let base = '';
const hits = new Map<string, number>();
let lastAgent = '';

before(async () => {
  site = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    lastAgent = String(req.headers['user-agent'] ?? '');
    const redirect = (to: string) => res.writeHead(302, { location: to }).end();
    switch (path) {
      case '/page': return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      case '/to-page': return redirect('/page');
      case '/to-private': return redirect('http://10.0.0.1/');
      case '/to-metadata': return redirect('http://169.254.169.254/latest/meta-data/');
      case '/to-ipv6-loopback': return redirect(`http://[::1]:${port}/page`);
      case '/loop': return redirect('/loop');
      case '/json': return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"title":"no"}');
      case '/slow': return void setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE), 2000);
      case '/huge': {
        // The head, then megabytes more: only the first bytes are read.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write(PAGE.replace('</head>', ''));
        const filler = 'x'.repeat(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 8 * 1024 * 1024) {
            sent += filler.length;
            if (!res.write(filler)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => {});
        return pump();
      }
      default: return void res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  port = (site.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
after(() => new Promise<void>((r) => site.close(() => r())));

/** The test switch (loopback allowed) and the local page's port. */
const local = () => ({ allowLoopback: true, extraPorts: [port] });
const refusedWith = (name: string) => (err: unknown) => err instanceof ChatError && err.name === name;

describe('link previews: fetching a page', () => {
  it('reads Open Graph tags of a local page, with a user agent naming Natter; the picture is not fetched', async () => {
    const preview = await fetchPagePreview(`${base}/page`, local());
    assert.deepEqual(preview, {
      url: `${base}/page`,
      title: 'Natter & friends — the "chat"',
      description: 'A small chat widget.',
      siteName: 'Example Site',
      image: `${base}/cover.png`,
    });
    assert.equal(lastAgent, USER_AGENT);
    assert.match(lastAgent, /Natter/);
    assert.equal(hits.get('/cover.png'), undefined);
  });

  it('refuses 127.0.0.1, 10.x, 169.254.x and [::1] without the test switch (even on an allowed port)', async () => {
    for (const url of [`${base}/page`, 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', `http://[::1]:${port}/page`, 'http://192.168.1.1/', 'http://[fd00::1]/']) {
      await assert.rejects(fetchPagePreview(url, { extraPorts: [port] }), refusedWith('PREVIEW_REFUSED'), url);
    }
    // A name that resolves to loopback is refused when the socket connects.
    await assert.rejects(fetchPagePreview(`http://localhost:${port}/page`, { extraPorts: [port] }), refusedWith('PREVIEW_REFUSED'));
    assert.equal(hits.get('/page') ?? 0, 1, 'no refused fetch reached the page');
  });

  it('refuses other ports than 80 and 443 unless configured, other schemes, and credentials', async () => {
    await assert.rejects(fetchPagePreview(`${base}/page`, { allowLoopback: true }), refusedWith('PREVIEW_REFUSED'));
    for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', `http://user:pw@127.0.0.1:${port}/page`, 'gopher://127.0.0.1:70/']) {
      await assert.rejects(fetchPagePreview(url, local()), refusedWith('PREVIEW_REFUSED'), url);
    }
  });

  it('checks every redirect hop again: into private ranges or the metadata address is refused', async () => {
    assert.equal((await fetchPagePreview(`${base}/to-page`, local())).title, 'Natter & friends — the "chat"');
    for (const path of ['/to-private', '/to-metadata']) {
      await assert.rejects(fetchPagePreview(`${base}${path}`, local()), refusedWith('PREVIEW_REFUSED'), path);
    }
    await assert.rejects(fetchPagePreview(`${base}/to-ipv6-loopback`, { extraPorts: [port], allowLoopback: false }), refusedWith('PREVIEW_REFUSED'));
    await assert.rejects(fetchPagePreview(`${base}/loop`, local()), refusedWith('PREVIEW_UNAVAILABLE'));
  });

  it('stops reading at the size cap, gives up at the timeout, and takes web pages only', async () => {
    const started = Date.now();
    const big = await fetchPagePreview(`${base}/huge`, { ...local(), maxBytes: 64 * 1024 });
    assert.equal(big.siteName, 'Example Site');
    assert.ok(Date.now() - started < 2000, 'it did not read 8 MB');
    await assert.rejects(fetchPagePreview(`${base}/slow`, { ...local(), timeoutMs: 300 }), refusedWith('PREVIEW_UNAVAILABLE'));
    await assert.rejects(fetchPagePreview(`${base}/json`, local()), refusedWith('PREVIEW_UNAVAILABLE'));
    await assert.rejects(fetchPagePreview(`${base}/missing`, local()), refusedWith('PREVIEW_UNAVAILABLE'));
  });
});

describe('link previews: cache and signatures', () => {
  const secret = new TextEncoder().encode('preview-test-secret');

  it('fetches a page once, drops its picture by default, and signs what it answers', async () => {
    const previews = new LinkPreviews(secret, local());
    const before = hits.get('/page') ?? 0;
    const [a, b] = await Promise.all([previews.preview(`${base}/page`), previews.preview(`${base}/page`)]);
    assert.deepEqual(a, b);
    assert.equal((hits.get('/page') ?? 0) - before, 1);
    assert.equal(a.image, undefined);
    assert.equal((await new LinkPreviews(secret, { ...local(), images: 'keep' }).preview(`${base}/page`)).image, `${base}/cover.png`);
    assert.ok(previews.verify(a, `look: ${base}/page !`));
    assert.ok(!previews.verify(a, 'no link here'), 'the link must be in the text');
    assert.ok(!previews.verify({ ...a, title: 'Forged' }, `${base}/page`), 'a changed field breaks the signature');
    assert.ok(!new LinkPreviews(new TextEncoder().encode('other'), local()).verify(a, `${base}/page`), 'another secret');
  });

  it('keeps the link as written when it redirected', async () => {
    const previews = new LinkPreviews(secret, local());
    const p = await previews.preview(`${base}/to-page`);
    assert.equal(p.url, `${base}/page`);
    assert.equal(p.link, `${base}/to-page`);
    assert.ok(previews.verify(p, `see ${base}/to-page`));
  });
});

describe('link previews: REST route and sends', () => {
  let t: TestServer;
  let strict: TestServer;
  before(async () => {
    t = await startServer({ linkPreviews: { allowLoopback: true, ports: [port] } });
    strict = await startServer({ linkPreviews: { ports: [port] } });
    await createUsers(t, 'alice', 'bob');
  });
  after(async () => {
    await t.stop();
    await strict.stop();
  });

  const ask = async (server: TestServer, url: string, token?: string) => {
    const res = await fetch(`${server.url}/v1/previews`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ url }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('answers a signed preview to a user, and refuses without a token or for a private target', async () => {
    const token = await t.token('alice');
    const ok = await ask(t, `${base}/page`, token);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.preview.siteName, 'Example Site');
    assert.match(ok.body.preview.sig, /^[\w-]{43}$/);
    assert.equal((await ask(t, `${base}/page`)).status, 401);
    const refused = await ask(strict, `${base}/page`, await strict.token('alice'));
    assert.equal(refused.status, 422);
    assert.equal(refused.body.code, 4020);
    assert.equal(refused.body.name, 'PREVIEW_REFUSED');
    const unavailable = await ask(t, `${base}/json`, token);
    assert.deepEqual([unavailable.status, unavailable.body.code], [422, 4021]);
  });

  it('commits a text with its signed preview; a forged or misplaced preview is refused with PREVIEW_INVALID', async () => {
    const { preview } = (await ask(t, `${base}/page`, await t.token('alice'))).body;
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const text = `read ${base}/page`;
    const id = cmid();
    alice.send({ type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'text', text, preview } });
    await alice.next('message.ack', (f) => f.clientMsgId === id);
    const got = await bob.next('message.new', (f) => f.message.clientMsgId === id);
    assert.deepEqual((got.message.elem as { preview?: unknown }).preview, preview);

    for (const [label, elem] of [
      ['forged title', { type: 'text', text, preview: { ...preview, title: 'You won a prize' } }],
      ['link not in the text', { type: 'text', text: 'nothing linked', preview }],
      ['made up', { type: 'text', text: 'https://example.com', preview: { url: 'https://example.com/', title: 'x', sig: 'a'.repeat(43) } }],
    ] as const) {
      const bad = cmid();
      alice.send({ type: 'message.send', clientMsgId: bad, conversationId: 'p2p:bob', elem });
      const err = await alice.next('message.error', (f) => f.clientMsgId === bad);
      assert.equal(err.name, 'PREVIEW_INVALID', label);
      assert.equal(err.code, 4022);
    }
    alice.close();
    bob.close();
  });
});
