import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { cmid, createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import { dropRedisKeys, REDIS_URL, requireRedis, uniqueName } from '../helpers/services.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { eventually, sendImage, storedFiles, upload, type Uploaded } from './helpers.js';

const MB = 1_000_000;

async function withGroup(t: TestServer): Promise<void> {
  await createUsers(t, 'alice', 'bob');
  await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob'] });
}

describe('upload quota per user (unreferenced files)', () => {
  let t: TestServer;
  let alice: TestSocket;
  before(async () => {
    t = await startServer({ uploadQuotaBytes: 50 * MB, uploadQuotaFiles: 3, uploadsPerMinute: 1000 });
    await withGroup(t);
    alice = await t.login('alice');
  });
  after(() => t.stop());

  it('lets 2 of 8 parallel 20 MB uploads through a 50 MB quota, refusing the others 413 UPLOAD_QUOTA_EXCEEDED before storing them', async () => {
    const body = new Uint8Array(20 * MB).fill(1);
    const results = await Promise.all(Array.from({ length: 8 }, () => upload(t, 'alice', body)));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    assert.equal(ok.length, 2);
    for (const r of refused) assert.deepEqual([r.status, r.body.name, r.body.code], [413, 'UPLOAD_QUOTA_EXCEEDED', 5003]);
    assert.deepEqual(storedFiles(t).sort(), ok.map((r) => r.body.id).sort(), 'only the accepted files are on disk, no temporaries');
    // The quota is per user.
    assert.equal((await upload(t, 'bob', body)).status, 201);

    // Carrying it in a send that commits nothing (a resend of an earlier message) frees nothing.
    const earlier = cmid();
    alice.send({ type: 'message.send', clientMsgId: earlier, conversationId: 'group:g', elem: { type: 'text', text: 'hi' } });
    await alice.next('message.ack', (f) => f.clientMsgId === earlier);
    assert.equal(await sendImage(alice, 'group:g', ok[0]!.body as Uploaded, earlier), 'duplicate');
    assert.equal((await upload(t, 'alice', body)).body.name, 'UPLOAD_QUOTA_EXCEEDED');
    // A file sent in a message no longer counts: alice may upload again.
    assert.equal(await sendImage(alice, 'group:g', ok[0]!.body as Uploaded), 'ack');
    assert.equal((await upload(t, 'alice', body)).status, 201);
    assert.equal((await upload(t, 'alice', body)).body.name, 'UPLOAD_QUOTA_EXCEEDED', '40 MB held: 20 MB more passes 50 MB');
    assert.equal((await upload(t, 'alice', new Uint8Array(1))).status, 201, 'a third file fits');
    assert.equal((await upload(t, 'alice', new Uint8Array(1))).body.name, 'UPLOAD_QUOTA_EXCEEDED', 'a fourth passes the count of 3');
  });
});

describe('upload quota: reservations', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ uploadQuotaBytes: 30 * MB, uploadQuotaFiles: 10, uploadsPerMinute: 1000 });
    await withGroup(t);
  });
  after(() => t.stop());

  it('reserves the kind\'s whole limit for a body of unknown length, and the declared length otherwise', async () => {
    // 28 MB (the image limit) is reserved while a chunked body streams; 1 byte declared reserves 1 byte.
    assert.equal((await upload(t, 'alice', new Uint8Array(10), { chunked: true })).status, 201);
    assert.equal((await upload(t, 'alice', new Uint8Array(10), { chunked: true })).status, 201, 'the reservation shrank to the 10 bytes stored');
    const big = await upload(t, 'alice', new Uint8Array(25 * MB));
    assert.equal(big.status, 201);
    const chunked = await upload(t, 'alice', new Uint8Array(10), { chunked: true });
    assert.deepEqual([chunked.status, chunked.body.name], [413, 'UPLOAD_QUOTA_EXCEEDED']);
    assert.equal((await upload(t, 'alice', new Uint8Array(10))).status, 201);
  });

  it('gives an interrupted upload\'s reservation back', async () => {
    const token = await t.token('bob');
    // Declares 29 MB of a 30 MB quota, sends 1 MB and goes away.
    await new Promise<void>((resolve) => {
      const u = new URL(`${t.url}/v1/uploads?conversationId=group:g&name=x.bin`);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: {
        authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(29 * MB),
      } });
      req.on('error', () => undefined);
      req.on('close', () => resolve());
      req.write(Buffer.alloc(MB), () => setImmediate(() => req.destroy()));
    });
    await eventually('the reservation is given back', async () => (await upload(t, 'bob', new Uint8Array(20 * MB))).status === 201);
    assert.equal(storedFiles(t).filter((n) => n.endsWith('.part')).length, 0);
  });
});

describe('upload rate per user', () => {
  it('refuses the upload past NATTER_UPLOAD_RATE_PER_MINUTE with 429 RATE_LIMITED and retryAfterMs, per user', async () => {
    const t = await startServer({ uploadsPerMinute: 3 });
    try {
      await withGroup(t);
      for (let i = 0; i < 3; i++) assert.equal((await upload(t, 'alice', new Uint8Array(10))).status, 201);
      const limited = await upload(t, 'alice', new Uint8Array(10));
      assert.deepEqual([limited.status, limited.body.name, limited.body.code], [429, 'RATE_LIMITED', 5000]);
      assert.ok(limited.body.retryAfterMs > 0 && limited.body.retryAfterMs <= 60_000, `retryAfterMs ${limited.body.retryAfterMs}`);
      assert.equal((await upload(t, 'bob', new Uint8Array(10))).status, 201);
      assert.equal(storedFiles(t).length, 4, 'the refused body was not stored');
    } finally {
      await t.stop();
    }
  });

  it('counts one budget across the nodes sharing a Redis', async () => {
    await requireRedis();
    const redisPrefix = `${uniqueName('natter_upl')}:`;
    const [a, b] = await Promise.all([startServer({ uploadsPerMinute: 3, redisUrl: REDIS_URL, redisPrefix }), startServer({ uploadsPerMinute: 3, redisUrl: REDIS_URL, redisPrefix })]);
    try {
      await withGroup(a);
      await withGroup(b);
      assert.equal((await upload(a, 'alice', new Uint8Array(10))).status, 201);
      assert.equal((await upload(a, 'alice', new Uint8Array(10))).status, 201);
      assert.equal((await upload(b, 'alice', new Uint8Array(10))).status, 201);
      assert.equal((await upload(b, 'alice', new Uint8Array(10))).body.name, 'RATE_LIMITED');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await dropRedisKeys(redisPrefix);
    }
  });
});
