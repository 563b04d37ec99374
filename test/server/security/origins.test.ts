/**
 * Allowed origins (NATTER_ALLOWED_ORIGINS / `allowedOrigins`): a browser page from another site
 * can neither open a WebSocket nor make a REST call run; same-origin pages and clients that send
 * no Origin (servers, apps) are unaffected.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { ADMIN_KEY, startServer, type TestServer } from '../helpers/test-server.js';

const ALLOWED = 'https://shop.example';

/** Opens a WebSocket with the given Origin; resolves with 101 or the refusal status and body. */
function upgrade(wsUrl: string, origin: string | undefined): Promise<{ status: number; body?: any }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, origin === undefined ? {} : { origin });
    ws.once('open', () => {
      ws.close();
      resolve({ status: 101 });
    });
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/** A REST call with an explicit Origin (fetch forbids setting it). */
function restFrom(url: string, path: string, origin: string | undefined): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_KEY}` };
    if (origin !== undefined) headers['origin'] = origin;
    const req = request(url + path, { method: 'GET', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: res.headers }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('allowed origins', () => {
  let t: TestServer;
  let tried = 0;
  before(async () => {
    t = await startServer({ allowedOrigins: [ALLOWED] });
    await t.rest('PUT', '/v1/users/alice', {});
  });
  after(async () => {
    console.log(`# origins: ${tried} upgrades and requests tried`);
    await t.stop();
  });

  it('refuses a WebSocket upgrade from a foreign browser origin with 403 ORIGIN_NOT_ALLOWED before upgrading', async () => {
    for (const origin of ['https://evil.example', 'null', 'https://shop.example.evil.example', 'http://shop.example']) {
      tried++;
      const res = await upgrade(t.wsUrl, origin);
      assert.equal(res.status, 403, origin);
      assert.deepEqual([res.body.code, res.body.name], [2005, 'ORIGIN_NOT_ALLOWED'], origin);
    }
    assert.equal(t.server.core.registry.isOnline('alice'), false);
  });

  it('upgrades for a listed origin, for the server\'s own origin and for clients without Origin', async () => {
    for (const origin of [ALLOWED, 'HTTPS://SHOP.EXAMPLE:443', t.url, undefined]) {
      tried++;
      assert.equal((await upgrade(t.wsUrl, origin)).status, 101, String(origin));
    }
  });

  it('refuses a REST call from a foreign origin with 403 ORIGIN_NOT_ALLOWED, even with the admin key', async () => {
    tried++;
    const res = await restFrom(t.url, '/v1/users/alice/conversations', 'https://evil.example');
    assert.deepEqual([res.status, res.body.name], [403, 'ORIGIN_NOT_ALLOWED']);
  });

  it('answers a REST call from a listed origin with CORS headers (via @fastify/cors), and one without Origin normally', async () => {
    tried += 2;
    const listed = await restFrom(t.url, '/v1/users/alice/conversations', ALLOWED);
    assert.equal(listed.status, 200);
    assert.equal(listed.headers['access-control-allow-origin'], ALLOWED);
    const bare = await restFrom(t.url, '/v1/users/alice/conversations', undefined);
    assert.equal(bare.status, 200);
    assert.equal(bare.headers['access-control-allow-origin'], undefined);
  });

  it('refuses every browser origin but the server\'s own when no origins are configured (the production default)', async () => {
    const strict = await startServer();
    try {
      tried += 3;
      assert.equal((await upgrade(strict.wsUrl, ALLOWED)).status, 403);
      assert.equal((await upgrade(strict.wsUrl, strict.url)).status, 101);
      assert.equal((await restFrom(strict.url, '/healthz', ALLOWED)).status, 403);
    } finally {
      await strict.stop();
    }
  });

  it('accepts any origin with `*`', async () => {
    const open = await startServer({ allowedOrigins: '*' });
    try {
      tried++;
      assert.equal((await upgrade(open.wsUrl, 'https://anything.example')).status, 101);
    } finally {
      await open.stop();
    }
  });
});

describe('dev mode origins (no longer every origin)', () => {
  let t: TestServer;
  let port: string;
  before(async () => {
    t = await startServer({ dev: true });
    port = new URL(t.url).port;
  });
  after(() => t.stop());

  it('refuses a foreign page: no WebSocket and no dev token for it (any site a developer visits could ask for one)', async () => {
    const evil = 'https://evil.example';
    assert.equal((await upgrade(t.wsUrl, evil)).status, 403);
    const token = await restFrom(t.url, '/v1/dev/token?user=admin', evil);
    assert.equal(token.status, 403);
    assert.equal(token.body.name, 'ORIGIN_NOT_ALLOWED');
    assert.equal(token.headers['access-control-allow-origin'], undefined);
    // Another port on loopback is another site too (another local app).
    assert.equal((await upgrade(t.wsUrl, 'http://127.0.0.1:1')).status, 403);
    assert.equal((await restFrom(t.url, '/v1/dev/token?user=admin', `http://localhost:${Number(port) === 9 ? 10 : 9}`)).status, 403);
  });

  it('allows its own origin under each loopback name on its own port', async () => {
    for (const origin of [t.url, `http://localhost:${port}`, `http://[::1]:${port}`]) {
      assert.equal((await upgrade(t.wsUrl, origin)).status, 101, origin);
      const res = await restFrom(t.url, '/v1/dev/token?user=alice', origin);
      assert.equal(res.status, 200, origin);
      assert.equal(res.headers['access-control-allow-origin'], origin);
    }
  });

  it('lets an explicit allowedOrigins (NATTER_ALLOWED_ORIGINS) win in dev mode', async () => {
    const listed = await startServer({ dev: true, allowedOrigins: [ALLOWED] });
    try {
      assert.equal((await upgrade(listed.wsUrl, ALLOWED)).status, 101);
      assert.equal((await upgrade(listed.wsUrl, 'https://evil.example')).status, 403);
    } finally {
      await listed.stop();
    }
  });
});
