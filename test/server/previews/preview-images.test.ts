/**
 * Proxied link preview pictures (`images: 'proxy'`) against a real local web server on
 * 127.0.0.1 (the loopback test switch): a page's `og:image` fetched once through the guards and
 * served from `GET /v1/previews/images/<signed key>` with safe headers; private targets, other
 * ports, pictures that are not PNG/JPEG/GIF/WebP (SVG, HTML, a lying Content-Type), oversized
 * and slow ones refused; forged keys refused without any fetch; the cache bounded.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { makePng } from '../../../e2e/lib/png.js';
import { ChatError } from '../../../src/protocol/index.js';
import { PreviewImages } from '../../../src/server/previews/preview-images.js';
import { sniffImage } from '../../../src/server/previews/sniff-image.js';
import { cmid, createUsers, startServer, type TestServer } from '../helpers/test-server.js';

const PNG = makePng(40, 24, (x, y) => [x * 6, y * 10, 120]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF\0'), Buffer.alloc(64, 1)]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(32, 0)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([40, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(28, 0)]);
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>';

const page = (image: string) => `<!doctype html><html><head><title>With a picture</title><meta property="og:title" content="Harbour"><meta property="og:image" content="${image}"></head><body></body></html>`;

let site: http.Server;
let port = 0;
let base = '';
const hits = new Map<string, number>();
const agents: string[] = [];

before(async () => {
  site = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    agents.push(String(req.headers['user-agent'] ?? ''));
    const send = (type: string, body: string | Buffer) => void res.writeHead(200, { 'content-type': type }).end(body);
    switch (path) {
      case '/page': return send('text/html', page('/pic.png'));
      case '/page-svg': return send('text/html', page('/pic.svg'));
      case '/page-private': return send('text/html', page('http://10.0.0.1/pic.png'));
      case '/pic.png': return send('image/png', PNG);
      case '/pic2.png': return send('image/png', PNG);
      case '/pic3.png': return send('image/png', PNG);
      case '/pic.jpg': return send('image/jpeg', JPEG);
      case '/pic.gif': return send('image/gif', GIF);
      case '/pic.webp': return send('image/webp', WEBP);
      case '/pic.svg': return send('image/svg+xml', SVG);
      case '/svg-as-png': return send('image/png', SVG);
      case '/html-as-png': return send('image/png', '<html><script>alert(1)</script></html>');
      case '/png-as-html': return send('text/html', PNG);
      case '/png-as-octets': return send('application/octet-stream', PNG);
      case '/to-pic': return void res.writeHead(302, { location: '/pic.png' }).end();
      case '/to-private': return void res.writeHead(302, { location: 'http://10.0.0.1/pic.png' }).end();
      case '/to-metadata': return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      case '/missing.png': return void res.writeHead(404).end();
      case '/slow.png': return void setTimeout(() => send('image/png', PNG), 2000);
      case '/big-declared.png': {
        const body = Buffer.concat([PNG, Buffer.alloc(200 * 1024)]);
        return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length }).end(body);
      }
      case '/big-chunked.png': {
        // No length announced: the cap is met while reading.
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(PNG);
        for (let i = 0; i < 20; i++) res.write(Buffer.alloc(16 * 1024));
        return void res.end();
      }
      default: return void res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  port = (site.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
after(() => new Promise<void>((r) => site.close(() => r())));

const secret = new TextEncoder().encode('preview-image-test-secret');
/** The test switch (loopback allowed) and the local site's port. */
const local = { allowLoopback: true, extraPorts: [0] };
const images = (options: object = {}) => new PreviewImages(secret, { ...local, extraPorts: [port], imageMaxBytes: 64 * 1024, ...options });
const failsWith = (name: string) => (err: unknown) => err instanceof ChatError && err.name === name;

describe('preview pictures: what is fetched', () => {
  it('fetches a local PNG once with a user agent naming Natter, and serves it from the cache after', async () => {
    const proxy = images();
    const before = hits.get('/pic.png') ?? 0;
    const [a, b] = await Promise.all([proxy.image(`${base}/pic.png`), proxy.image(`${base}/pic.png`)]);
    assert.equal(a.type, 'image/png');
    assert.deepEqual(a.body, PNG);
    assert.equal(b, a);
    await proxy.image(`${base}/pic.png`);
    assert.equal((hits.get('/pic.png') ?? 0) - before, 1);
    assert.match(agents.at(-1)!, /Natter/);
  });

  it('takes PNG, JPEG, GIF and WebP by their first bytes, and follows a redirect to one', async () => {
    const proxy = images();
    assert.equal((await proxy.image(`${base}/pic.jpg`)).type, 'image/jpeg');
    assert.equal((await proxy.image(`${base}/pic.gif`)).type, 'image/gif');
    assert.equal((await proxy.image(`${base}/pic.webp`)).type, 'image/webp');
    assert.equal((await proxy.image(`${base}/to-pic`)).type, 'image/png');
    assert.equal(sniffImage(Buffer.from(SVG)), undefined);
  });

  it('refuses 127.0.0.1 without the test switch, 10.x, 169.254.x, 192.168.x, [::1], localhost, other ports, and redirects into them', async () => {
    const before = hits.get('/pic.png') ?? 0;
    const strict = new PreviewImages(secret, { extraPorts: [port] });
    for (const url of [`${base}/pic.png`, 'http://10.0.0.1/pic.png', 'http://169.254.169.254/latest/meta-data/', 'http://192.168.1.1/a.png', `http://[::1]:${port}/pic.png`, `http://localhost:${port}/pic.png`, 'http://[fd00::1]/a.png']) {
      await assert.rejects(strict.image(url), failsWith('PREVIEW_IMAGE_REFUSED'), url);
    }
    await assert.rejects(new PreviewImages(secret, { allowLoopback: true }).image(`${base}/pic.png`), failsWith('PREVIEW_IMAGE_REFUSED'), 'a port not allowed');
    for (const url of ['file:///etc/passwd', 'data:image/png;base64,AAAA', 'ftp://example.com/a.png', `http://u:p@127.0.0.1:${port}/pic.png`]) {
      await assert.rejects(images().image(url), failsWith('PREVIEW_IMAGE_REFUSED'), url);
    }
    assert.equal(hits.get('/pic.png') ?? 0, before, 'no refused fetch reached the site');
    for (const path of ['/to-private', '/to-metadata']) await assert.rejects(images().image(`${base}${path}`), failsWith('PREVIEW_IMAGE_REFUSED'), path);
  });

  it('refuses what is not a picture: SVG, HTML, a PNG type on other bytes, PNG bytes under another type, a 404', async () => {
    for (const path of ['/pic.svg', '/svg-as-png', '/html-as-png', '/png-as-html', '/png-as-octets', '/missing.png', '/page']) {
      await assert.rejects(images().image(`${base}${path}`), failsWith('PREVIEW_IMAGE_UNAVAILABLE'), path);
    }
  });

  it('refuses a picture over the size cap (declared or not), and one slower than the timeout', async () => {
    await assert.rejects(images().image(`${base}/big-declared.png`), failsWith('PREVIEW_IMAGE_UNAVAILABLE'));
    await assert.rejects(images().image(`${base}/big-chunked.png`), failsWith('PREVIEW_IMAGE_UNAVAILABLE'));
    assert.equal((await images({ imageMaxBytes: 1024 * 1024 }).image(`${base}/big-chunked.png`)).type, 'image/png', 'under a larger cap');
    await assert.rejects(images({ imageTimeoutMs: 300 }).image(`${base}/slow.png`), failsWith('PREVIEW_IMAGE_UNAVAILABLE'));
  });

  it('keeps at most imageCacheBytes of pictures, dropping the least recently used', async () => {
    const proxy = images({ imageCacheBytes: PNG.length * 2 });
    const count = (p: string) => hits.get(p) ?? 0;
    const before = ['/pic2.png', '/pic3.png', '/pic.png'].map(count);
    await proxy.image(`${base}/pic2.png`);
    await proxy.image(`${base}/pic3.png`);
    await proxy.image(`${base}/pic2.png`); // used again: pic3 is now the oldest
    await proxy.image(`${base}/pic.png`);
    assert.ok(proxy.cachedBytes <= PNG.length * 2);
    await proxy.image(`${base}/pic2.png`);
    await proxy.image(`${base}/pic3.png`);
    assert.deepEqual(['/pic2.png', '/pic3.png', '/pic.png'].map(count).map((n, i) => n - before[i]!), [1, 2, 1]);
  });
});

describe('preview pictures: keys', () => {
  it('names a picture by a key only this secret makes; a forged, altered or foreign key is refused', () => {
    const proxy = images();
    const url = `${base}/pic.png`;
    const path = proxy.pathFor(url)!;
    assert.match(path, /^\/v1\/previews\/images\/[\w-]+\.[\w-]{22}$/);
    const key = path.slice('/v1/previews/images/'.length);
    assert.equal(proxy.urlOf(key), url);
    const [data, mac] = key.split('.') as [string, string];
    const other = Buffer.from('http://10.0.0.1/pic.png').toString('base64url');
    for (const forged of [
      `${other}.${mac}`,
      `${data}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      new PreviewImages(new TextEncoder().encode('another-secret'), local).pathFor(url)!.slice(20),
      data, '', '.', `${data}.`, `${data}..${mac}`, 'x'.repeat(5000), `../${key}`,
    ]) {
      assert.throws(() => proxy.urlOf(forged), failsWith('PREVIEW_IMAGE_INVALID'), forged.slice(0, 60));
    }
    assert.equal(proxy.pathFor(`${base}/${'x'.repeat(1600)}`), undefined, 'too long to carry in a URL field');
  });
});

describe('preview pictures: through the server', () => {
  let t: TestServer;
  let dropping: TestServer;
  before(async () => {
    t = await startServer({ linkPreviews: { allowLoopback: true, ports: [port], images: 'proxy', imageMaxBytes: 64 * 1024 } });
    dropping = await startServer({ linkPreviews: { allowLoopback: true, ports: [port] } });
    await createUsers(t, 'alice', 'bob');
  });
  after(async () => {
    await t.stop();
    await dropping.stop();
  });

  const ask = async (server: TestServer, url: string) => {
    const res = await fetch(`${server.url}/v1/previews`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await server.token('alice')}` },
      body: JSON.stringify({ url }),
    });
    return (await res.json()) as { preview: { image?: string; title?: string; sig: string; url: string } };
  };

  it('puts a Natter path on the preview and serves the picture from it with safe headers; the site is asked once', async () => {
    const before = hits.get('/pic.png') ?? 0;
    const { preview } = await ask(t, `${base}/page`);
    assert.match(preview.image ?? '', /^\/v1\/previews\/images\/[\w-]+\.[\w-]{22}$/);
    assert.ok(!preview.image!.includes('127.0.0.1'), 'the picture is not named by its own host');
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${t.url}${preview.image}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('content-security-policy'), "default-src 'none'");
      assert.equal(res.headers.get('cache-control'), 'public, max-age=86400');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
    }
    assert.equal((hits.get('/pic.png') ?? 0) - before, 1, 'fetched once, when the preview was made');
  });

  it('gives no picture to a preview whose og:image is not one, or is private', async () => {
    assert.equal((await ask(t, `${base}/page-svg`)).preview.image, undefined);
    assert.equal((await ask(t, `${base}/page-private`)).preview.image, undefined);
    assert.equal((await ask(dropping, `${base}/page`)).preview.image, undefined, 'images: drop (the default)');
  });

  it('answers forged keys 403 PREVIEW_IMAGE_INVALID without fetching; signed keys of private or non-pictures 422 / 502', async () => {
    const before = [...hits.values()].reduce((a, b) => a + b, 0);
    const { preview } = await ask(t, `${base}/page`);
    const key = preview.image!.slice('/v1/previews/images/'.length);
    const forged = `${Buffer.from(`${base}/pic.svg`).toString('base64url')}.${key.split('.')[1]}`;
    for (const k of [forged, 'abc', `${key}x`, encodeURIComponent('../../v1/dev/token')]) {
      const res = await fetch(`${t.url}/v1/previews/images/${k}`);
      const body = (await res.json()) as { code: number; name: string };
      assert.deepEqual([res.status, body.code, body.name], [403, 4031, 'PREVIEW_IMAGE_INVALID'], k);
    }
    assert.equal([...hits.values()].reduce((a, b) => a + b, 0), before, 'nothing was fetched (the preview was cached; forged keys fetch nothing)');

    // Keys this server signed, for targets that are (now) refused: as if DNS moved or the picture changed.
    const proxy = t.server.core.linkPreviews!.images!;
    const refused = await fetch(`${t.url}${proxy.pathFor('http://10.0.0.1/pic.png')}`);
    assert.deepEqual([refused.status, ((await refused.json()) as { code: number }).code], [422, 4032]);
    for (const path of ['/pic.svg', '/html-as-png', '/big-declared.png']) {
      const res = await fetch(`${t.url}${proxy.pathFor(`${base}${path}`)}`);
      const body = (await res.json()) as { code: number; name: string };
      assert.deepEqual([res.status, body.code], [502, 4033], path);
      assert.notEqual(res.headers.get('content-type'), 'image/svg+xml');
    }
    const off = await fetch(`${dropping.url}${preview.image}`);
    assert.equal(off.status, 404, 'not proxied on a server that drops pictures');
  });

  it('commits a text carrying a proxied preview; its picture path cannot be swapped', async () => {
    const { preview } = await ask(t, `${base}/page`);
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const text = `look ${base}/page`;
    const id = cmid();
    alice.send({ type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'text', text, preview } });
    await alice.next('message.ack', (f) => f.clientMsgId === id);
    const got = await bob.next('message.new', (f) => f.message.clientMsgId === id);
    assert.equal((got.message.elem as { preview?: { image?: string } }).preview?.image, preview.image);
    const swapped = cmid();
    const other = t.server.core.linkPreviews!.images!.pathFor(`${base}/pic.gif`);
    alice.send({ type: 'message.send', clientMsgId: swapped, conversationId: 'p2p:bob', elem: { type: 'text', text, preview: { ...preview, image: other } } });
    assert.equal((await alice.next('message.error', (f) => f.clientMsgId === swapped)).name, 'PREVIEW_INVALID');
    alice.close();
    bob.close();
  });
});
