import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LIMITS, PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { createDiskFileStorage } from '../../../src/server/uploads/disk-file-storage.js';
import { issueFileTicket } from '../../../src/server/uploads/file-tickets.js';
import type { FileStorage } from '../../../src/server/uploads/file-storage.js';
import { SECRET, cmid, createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { startServerOn } from '../helpers/store-server.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const secret = new TextEncoder().encode(SECRET);

interface Uploaded {
  url: string;
  id: string;
  size: number;
  mime: string;
  name: string;
}

async function upload(
  t: TestServer,
  user: string | null,
  conversationId: string,
  body: Uint8Array,
  opts: { mime?: string; name?: string; kind?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const q = new URLSearchParams({ conversationId, ...(opts.name !== undefined && { name: opts.name }), ...(opts.kind && { kind: opts.kind }) });
  const headers: Record<string, string> = { 'content-type': opts.mime ?? 'image/png', ...opts.headers };
  if (user) headers['authorization'] = `Bearer ${await t.token(user)}`;
  const res = await fetch(`${t.url}/v1/uploads?${q}`, { method: 'POST', headers, body: body as Uint8Array<ArrayBuffer> });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Fetching as `user` with the ticket of the file fetched (see `fetchFile`). */
interface AsUser {
  user: string;
}
async function ticketOf(_t: TestServer, user: string): Promise<AsUser> {
  return { user };
}

/** The file's own ticket for `user`, as the server issues it (minted here: these tests are about what a fetch checks, not about who gets a ticket). */
async function fileTicket(user: string, url: string): Promise<string> {
  return (await issueFileTicket(secret, user, Date.now(), { fileId: new URL(url).pathname.split('/')[3]! })).ticket;
}

async function fetchFile(t: TestServer, url: string, ticket: string | AsUser | undefined, headers: Record<string, string> = {}): Promise<Response> {
  const u = new URL(url);
  if (ticket !== undefined) u.searchParams.set('ticket', typeof ticket === 'string' ? ticket : await fileTicket(ticket.user, url));
  return fetch(u, { headers });
}

async function send(s: TestSocket, frame: Record<string, unknown>): Promise<{ type: string; name?: string; id?: string }> {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, ...frame });
  const answer = await s.nextOf(['message.ack', 'message.error']);
  assert.equal(answer.clientMsgId, clientMsgId);
  return answer.type === 'message.ack' ? { type: answer.type, id: answer.id } : { type: answer.type, name: answer.name };
}

const imageElem = (f: Uploaded) => ({ type: 'image', url: f.url, width: 1, height: 1, size: f.size, mime: f.mime });

/** Leftover files and temporaries under the upload directory. */
function storedFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
  } catch {
    return [];
  }
}

/**
 * Sends a raw HTTP request whose body never ends by itself (up to 200 MB) and keeps writing after
 * the answer; resolves once the server closed the connection, with the answer and how much it
 * let us write in all. A server that kept reading (draining) would take all 200 MB.
 */
function endlessUpload(t: TestServer, token: string, headers: Record<string, string>): Promise<{ status: number; body: any; written: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(`${t.url}/v1/uploads?conversationId=group:g&name=big.png`);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', ...headers } });
    const chunk = Buffer.alloc(1024 * 1024, 7);
    let written = 0;
    let closed = false;
    let answer: { status: number; body: any } | undefined;
    const done = () => {
      if (closed && answer) resolve({ ...answer, written });
    };
    const pump = () => {
      while (!closed && written < 200 * 1024 * 1024) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!closed) req.end();
    };
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        answer = { status: res.statusCode!, body: text ? JSON.parse(text) : undefined };
        done();
      });
      res.on('error', reject);
    });
    // The server closes while we write: EPIPE / ECONNRESET.
    req.on('error', () => undefined);
    req.on('close', () => {
      closed = true;
      done();
    });
    pump();
  });
}

describe('uploads and file access (SQLite)', () => {
  let t: TestServer;
  let alice: TestSocket;
  let bob: TestSocket;
  let carol: TestSocket;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol', 'dave');
    await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob'] });
    await t.rest('POST', '/v1/groups', { id: 'h', name: 'H', members: ['bob', 'carol'] });
    [alice, bob, carol] = await Promise.all([t.login('alice'), t.login('bob'), t.login('carol')]);
  });
  after(() => t.stop());

  it('stores the raw body and answers {url, id, size, mime, name} with an absolute URL on the request host', async () => {
    const res = await upload(t, 'alice', 'group:g', PNG, { name: 'dot 1.png' });
    assert.equal(res.status, 201);
    assert.deepEqual({ ...res.body, id: undefined, url: undefined }, { id: undefined, url: undefined, size: PNG.length, mime: 'image/png', name: 'dot 1.png' });
    assert.equal(res.body.url, `${t.url}/v1/files/${res.body.id}/dot%201.png`);
    assert.ok(storedFiles(join(t.dataDir, 'uploads')).includes(res.body.id));
    // A long name is shortened in the URL (keeping its end) but kept whole for the download.
    const long = `${'很长的文件名'.repeat(30)}.pdf`;
    const named = await upload(t, 'alice', 'group:g', PNG, { name: long, mime: 'application/pdf' });
    assert.equal(named.body.name, long);
    assert.match(named.body.url, /\.pdf$/);
    const served = await fetchFile(t, named.body.url, await ticketOf(t, 'alice'));
    assert.equal(served.status, 200);
    assert.ok(served.headers.get('content-disposition')!.endsWith(encodeURIComponent(long)));
    // Behind a TLS-terminating proxy: the Host it forwards and X-Forwarded-Proto.
    const proxied = await rawPost(t, '/v1/uploads?conversationId=group:g', PNG, {
      authorization: `Bearer ${await t.token('alice')}`, 'content-type': 'image/png', host: 'chat.example.com', 'x-forwarded-proto': 'https',
    });
    assert.equal(proxied.status, 201);
    assert.match(proxied.body.url, /^https:\/\/chat\.example\.com\/v1\/files\/[0-9a-f-]{36}\/file$/);
  });

  it('refuses an upload without a user token, with a file ticket, into a group the uploader is not in, or to an unknown user', async () => {
    assert.deepEqual(pick(await upload(t, null, 'group:g', PNG)), [401, 'UNAUTHENTICATED']);
    const ticket = await fileTicket('alice', `${t.url}/v1/files/00000000-0000-4000-8000-000000000000/x.png`);
    const withTicket = await upload(t, null, 'group:g', PNG, { headers: { authorization: `Bearer ${ticket}` } });
    assert.deepEqual(pick(withTicket), [401, 'TOKEN_INVALID']);
    assert.deepEqual(pick(await upload(t, 'carol', 'group:g', PNG)), [403, 'NOT_MEMBER']);
    assert.deepEqual(pick(await upload(t, 'alice', 'group:nope', PNG)), [404, 'GROUP_UNKNOWN']);
    assert.deepEqual(pick(await upload(t, 'alice', 'p2p:nobody', PNG)), [404, 'USER_UNKNOWN']);
    assert.deepEqual(pick(await upload(t, 'alice', 'not-an-id', PNG)), [400, 'BAD_REQUEST']);
  });

  it('accepts an image of exactly 28 MB and refuses 28 MB + 1 byte declared in Content-Length before reading the body', async () => {
    const exact = await upload(t, 'alice', 'group:g', Buffer.alloc(LIMITS.imageBytes, 1), { name: 'exact.png' });
    assert.deepEqual([exact.status, exact.body.size], [201, LIMITS.imageBytes]);
    const before = storedFiles(join(t.dataDir, 'uploads')).length;
    // The header alone: the server answers without waiting for a single byte of the body.
    const early = await endlessUpload(t, await t.token('alice'), { 'content-length': String(LIMITS.imageBytes + 1) });
    assert.deepEqual([early.status, early.body.name], [413, 'FILE_TOO_LARGE']);
    assert.ok(early.written < 24 * 1024 * 1024, `the server read ${early.written} bytes of a body it refused`);
    const full = await upload(t, 'alice', 'group:g', Buffer.alloc(LIMITS.imageBytes + 1, 1));
    assert.deepEqual(pick(full), [413, 'FILE_TOO_LARGE']);
    assert.equal(storedFiles(join(t.dataDir, 'uploads')).length, before);
  });

  it('cuts off a chunked body without Content-Length once it passes the limit, keeping nothing', async () => {
    const before = storedFiles(join(t.dataDir, 'uploads')).length;
    const res = await endlessUpload(t, await t.token('alice'), { 'transfer-encoding': 'chunked' });
    assert.deepEqual([res.status, res.body.name], [413, 'FILE_TOO_LARGE']);
    // It stopped reading at the limit: what we could write is the limit plus socket buffers, not 200 MB.
    assert.ok(res.written < LIMITS.imageBytes + 24 * 1024 * 1024, `wrote ${res.written} bytes`);
    assert.equal(storedFiles(join(t.dataDir, 'uploads')).length, before);
  });

  it('applies the limit of the kind: 28 MB for image/* and audio/*, or for `kind=image` whatever the type; 100 MB for other files', async () => {
    const over = Buffer.alloc(LIMITS.imageBytes + 1, 2);
    assert.deepEqual(pick(await upload(t, 'alice', 'group:g', over, { mime: 'audio/ogg' })), [413, 'FILE_TOO_LARGE']);
    assert.deepEqual(pick(await upload(t, 'alice', 'group:g', over, { mime: 'application/octet-stream', kind: 'image' })), [413, 'FILE_TOO_LARGE']);
    const file = await upload(t, 'alice', 'group:g', over, { mime: 'application/zip', name: 'a.zip' });
    assert.equal(file.status, 201);
    // Sent as an image anyway, a file over the image limit is refused at send.
    const asImage = await send(alice, { conversationId: 'group:g', elem: { ...imageElem(file.body), size: 1 } });
    assert.deepEqual(asImage, { type: 'message.error', name: 'FILE_TOO_LARGE' });
  });

  it('serves a file with its type, nosniff, a sandboxing CSP, private caching, and inline only for safe media types', async () => {
    const ticket = await ticketOf(t, 'alice');
    const png = (await upload(t, 'alice', 'group:g', PNG, { name: 'a.png' })).body as Uploaded;
    const res = await fetchFile(t, png.url, ticket);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('content-security-policy'), "sandbox; default-src 'none'");
    assert.match(res.headers.get('cache-control') ?? '', /^private\b/);
    assert.match(res.headers.get('content-disposition') ?? '', /^inline; filename="a.png"/);
    for (const [mime, name] of [['image/svg+xml', 'x.svg'], ['text/html', 'x.html'], ['application/pdf', '报告.pdf']] as const) {
      const f = (await upload(t, 'alice', 'group:g', Buffer.from('<svg onload="alert(1)"/>'), { mime, name })).body as Uploaded;
      const served = await fetchFile(t, f.url, ticket);
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), mime);
      assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(served.headers.get('content-disposition'), `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    }
  });

  it('answers Range requests with 206 and the bytes asked for (audio and video seek), 416 past the end', async () => {
    const ticket = await ticketOf(t, 'alice');
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const f = (await upload(t, 'alice', 'group:g', bytes, { mime: 'audio/mpeg', name: 'a.mp3' })).body as Uploaded;
    const part = await fetchFile(t, f.url, ticket, { range: 'bytes=100-199' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 100-199/1000');
    assert.equal(part.headers.get('content-length'), '100');
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 200));
    const tail = await fetchFile(t, f.url, ticket, { range: 'bytes=-10' });
    assert.deepEqual([tail.status, tail.headers.get('content-range')], [206, 'bytes 990-999/1000']);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(990));
    const open = await fetchFile(t, f.url, ticket, { range: 'bytes=995-' });
    assert.deepEqual(Buffer.from(await open.arrayBuffer()), bytes.subarray(995));
    const past = await fetchFile(t, f.url, ticket, { range: 'bytes=1000-' });
    assert.deepEqual([past.status, past.headers.get('content-range')], [416, 'bytes */1000']);
    await past.arrayBuffer();
    const head = await fetch(`${f.url}?ticket=${await fileTicket(ticket.user, f.url)}`, { method: 'HEAD' });
    assert.deepEqual([head.status, head.headers.get('content-length'), head.headers.get('accept-ranges')], [200, '1000', 'bytes']);
  });

  it('lets the uploader and the members of a conversation carrying the file fetch it, and nobody else', async () => {
    const f = (await upload(t, 'alice', 'group:g', PNG)).body as Uploaded;
    const [aliceTicket, bobTicket, carolTicket] = await Promise.all([ticketOf(t, 'alice'), ticketOf(t, 'bob'), ticketOf(t, 'carol')]);
    assert.equal((await fetchFile(t, f.url, aliceTicket)).status, 200);
    // Uploaded for group:g but not sent yet: bob, a member, cannot fetch it yet.
    assert.deepEqual(await errorOf(fetchFile(t, f.url, bobTicket)), [403, 'FILE_FORBIDDEN']);
    assert.equal((await send(alice, { conversationId: 'group:g', elem: imageElem(f) })).type, 'message.ack');
    assert.equal((await fetchFile(t, f.url, bobTicket)).status, 200);
    assert.deepEqual(await errorOf(fetchFile(t, f.url, carolTicket)), [403, 'FILE_FORBIDDEN']);
    // A user token works in place of a ticket (apps, servers).
    assert.equal((await fetch(f.url, { headers: { authorization: `Bearer ${await t.token('bob')}` } })).status, 200);
    assert.deepEqual(await errorOf(fetch(f.url, { headers: { authorization: `Bearer ${await t.token('carol')}` } })), [403, 'FILE_FORBIDDEN']);
  });

  it('refuses expired, forged and missing tickets, and answers unknown files 404', async () => {
    const f = (await upload(t, 'alice', 'group:g', PNG)).body as Uploaded;
    const fileId = new URL(f.url).pathname.split('/')[3]!;
    const expired = await issueFileTicket(secret, 'alice', Date.now() - 2 * 3600_000, { fileId });
    assert.deepEqual(await errorOf(fetchFile(t, f.url, expired.ticket)), [401, 'TOKEN_EXPIRED']);
    const forged = await issueFileTicket(new TextEncoder().encode('another-secret-0123456789'), 'alice', Date.now(), { fileId });
    assert.deepEqual(await errorOf(fetchFile(t, f.url, forged.ticket)), [401, 'TOKEN_INVALID']);
    const good = await fileTicket('alice', f.url);
    const [h, p, s] = good.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'bob' })).toString('base64url')}.${s}`;
    assert.deepEqual(await errorOf(fetchFile(t, f.url, tampered)), [401, 'TOKEN_INVALID']);
    // A user token is not a ticket.
    assert.deepEqual(await errorOf(fetchFile(t, f.url, await t.token('alice'))), [401, 'TOKEN_INVALID']);
    assert.deepEqual(await errorOf(fetchFile(t, f.url, undefined)), [401, 'UNAUTHENTICATED']);
    const unknown = `${t.url}/v1/files/00000000-0000-4000-8000-000000000000/x.png`;
    assert.deepEqual(await errorOf(fetchFile(t, unknown, await fileTicket('alice', unknown))), [404, 'FILE_NOT_FOUND']);
  });

  it('gives no user-wide ticket in session.ready; GET /v1/files/ticket takes a user token and names the file', async () => {
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('alice') });
    const ready = await s.next('session.ready');
    assert.equal(ready.fileTicket, undefined);
    s.close();
    const f = (await upload(t, 'alice', 'group:g', PNG)).body as Uploaded;
    const id = new URL(f.url).pathname.split('/')[3]!;
    const alice = { authorization: `Bearer ${await t.token('alice')}` };
    const noToken = await fetch(`${t.url}/v1/files/ticket?file=${id}`);
    assert.equal(noToken.status, 401);
    const withTicket = await fetch(`${t.url}/v1/files/ticket?file=${id}`, { headers: { authorization: `Bearer ${await fileTicket('alice', f.url)}` } });
    assert.equal(withTicket.status, 401);
    assert.deepEqual(await errorOf(fetch(`${t.url}/v1/files/ticket`, { headers: alice })), [400, 'BAD_REQUEST']);
    const { ticket } = (await (await fetch(`${t.url}/v1/files/ticket?file=${id}`, { headers: alice })).json()) as { ticket: string };
    assert.equal((await fetchFile(t, f.url, ticket)).status, 200);
  });

  it('refuses a send that references a file the sender cannot fetch (FILE_FORBIDDEN), and accepts URLs that are not ours', async () => {
    const f = (await upload(t, 'alice', 'group:g', PNG)).body as Uploaded;
    assert.deepEqual(await send(carol, { conversationId: 'group:h', elem: imageElem(f) }), { type: 'message.error', name: 'FILE_FORBIDDEN' });
    // Nor can she smuggle it inside a merger elem (no client may write one: MERGER_FORGED).
    const merger = { type: 'merger', title: 'x', abstractList: [], messages: [{ id: 'm1', conversationId: 'group:g', seq: 1, clientMsgId: 'cm00000001', sender: 'alice', senderProfile: {}, time: 1, elem: imageElem(f) }] };
    assert.deepEqual(await send(carol, { conversationId: 'group:h', elem: merger }), { type: 'message.error', name: 'MERGER_FORGED' });
    const external = await send(carol, { conversationId: 'group:h', elem: { ...imageElem(f), url: 'https://cdn.example.com/cat.png' } });
    assert.equal(external.type, 'message.ack');
    // Bob, who can fetch it once alice shared it in g, may share it on.
    assert.equal((await send(alice, { conversationId: 'group:g', elem: imageElem(f) })).type, 'message.ack');
    assert.equal((await send(bob, { conversationId: 'group:h', elem: imageElem(f) })).type, 'message.ack');
    assert.equal((await fetchFile(t, f.url, await ticketOf(t, 'carol'))).status, 200);
  });

  it('makes a forwarded file, single or merged, fetchable by the members of the target conversation', async () => {
    const f = (await upload(t, 'alice', 'group:g', PNG)).body as Uploaded;
    const sent = await send(alice, { conversationId: 'group:g', elem: imageElem(f) });
    const daveTicket = await ticketOf(t, 'dave');
    assert.deepEqual(await errorOf(fetchFile(t, f.url, daveTicket)), [403, 'FILE_FORBIDDEN']);
    assert.equal((await send(bob, { conversationId: 'p2p:dave', forward: { conversationId: 'group:g', messageIds: [sent.id] } })).type, 'message.ack');
    assert.equal((await fetchFile(t, f.url, daveTicket)).status, 200);

    const g = (await upload(t, 'alice', 'group:g', PNG)).body as Uploaded;
    const sentG = await send(alice, { conversationId: 'group:g', elem: imageElem(g) });
    assert.deepEqual(await errorOf(fetchFile(t, g.url, daveTicket)), [403, 'FILE_FORBIDDEN']);
    const merged = await send(bob, { conversationId: 'p2p:dave', forward: { conversationId: 'group:g', messageIds: [sentG.id], merge: { title: 'G' } } });
    assert.equal(merged.type, 'message.ack');
    assert.equal((await fetchFile(t, g.url, daveTicket)).status, 200);
  });

  it('keeps a targeted message\'s file from the members it is hidden from, and locks out a removed member', async () => {
    await t.rest('PUT', '/v1/groups/g/members/carol');
    const f = (await upload(t, 'alice', 'group:g', PNG)).body as Uploaded;
    assert.equal((await send(alice, { conversationId: 'group:g', elem: imageElem(f), receiver: 'bob' })).type, 'message.ack');
    assert.equal((await fetchFile(t, f.url, await ticketOf(t, 'bob'))).status, 200);
    assert.deepEqual(await errorOf(fetchFile(t, f.url, await ticketOf(t, 'carol'))), [403, 'FILE_FORBIDDEN']);
    const shared = (await upload(t, 'alice', 'group:g', PNG)).body as Uploaded;
    assert.equal((await send(alice, { conversationId: 'group:g', elem: imageElem(shared) })).type, 'message.ack');
    const carolTicket = await ticketOf(t, 'carol');
    assert.equal((await fetchFile(t, shared.url, carolTicket)).status, 200);
    await t.rest('DELETE', '/v1/groups/g/members/carol');
    assert.deepEqual(await errorOf(fetchFile(t, shared.url, carolTicket)), [403, 'FILE_FORBIDDEN']);
  });

  it('allows the upload request headers in CORS preflights from allowed origins only', async () => {
    const cors = await startServer({ allowedOrigins: ['https://app.example.com'] });
    try {
      const preflight = (origin: string) =>
        fetch(`${cors.url}/v1/uploads?conversationId=group:g`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
        });
      const ok = await preflight('https://app.example.com');
      assert.ok(ok.status === 204 || ok.status === 200);
      assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example.com');
      assert.match(ok.headers.get('access-control-allow-methods') ?? '', /POST/);
      assert.match((ok.headers.get('access-control-allow-headers') ?? '').toLowerCase(), /authorization.*content-type|content-type.*authorization/);
      const bad = await preflight('https://evil.example.com');
      assert.equal(bad.status, 403);
      const res = await fetch(`${cors.url}/v1/uploads?conversationId=group:g`, { method: 'POST', headers: { origin: 'https://evil.example.com', 'content-type': 'image/png' }, body: PNG });
      assert.equal(res.status, 403);
    } finally {
      await cors.stop();
    }
  });
});

describe('uploads and file access (PostgreSQL file index)', () => {
  it('records references and checks access with the PostgreSQL store and file index', async () => {
    const t = await startServerOn('postgres');
    try {
      await createUsers(t, 'alice', 'bob', 'carol');
      await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob'] });
      const alice = await t.login('alice');
      const f = (await upload(t, 'alice', 'group:g', PNG)).body as Uploaded;
      const bobTicket = await ticketOf(t, 'bob');
      assert.deepEqual(await errorOf(fetchFile(t, f.url, bobTicket)), [403, 'FILE_FORBIDDEN']);
      assert.equal((await send(alice, { conversationId: 'group:g', elem: imageElem(f) })).type, 'message.ack');
      assert.equal((await fetchFile(t, f.url, bobTicket)).status, 200);
      assert.deepEqual(await errorOf(fetchFile(t, f.url, await ticketOf(t, 'carol'))), [403, 'FILE_FORBIDDEN']);
      alice.close();
    } finally {
      await t.stop();
    }
  });
});

/** A POST through node:http, which (unlike fetch) lets a test set the Host header as a proxy would. */
function rawPost(t: TestServer, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(t.url + path);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function pick(res: { status: number; body: any }): [number, string] {
  return [res.status, res.body?.name];
}

async function errorOf(res: Promise<Response>): Promise<[number, string]> {
  const r = await res;
  const body = (await r.json().catch(() => ({}))) as { name?: string };
  return [r.status, body.name ?? ''];
}

describe('an upload the client abandons', () => {
  // A storage that takes a moment before it reads the body (an object store opening its
  // connection, a disk creating directories): the client goes away in that moment.
  let t: TestServer;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natter-slow-storage-'));
    const disk = createDiskFileStorage(dir);
    const slow: FileStorage = { ...disk, put: async (key, body) => (await delay(300), disk.put(key, body)) };
    t = await startServer({ fileStorage: slow, uploadQuotaFiles: 1 });
    await createUsers(t, 'alice', 'bob');
    await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob'] });
  });
  after(() => t.stop());

  it('before the storage reads it: no uncaught error (the test would fail on one), the reservation is given back, the next upload works', async () => {
    const token = await t.token('alice');
    const url = new URL(`${t.url}/v1/uploads?conversationId=group:g&name=big.png`);
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'content-length': '100000' } });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(1000));
    await delay(100);
    req.destroy();
    await delay(800);
    assert.equal((await fetch(`${t.url}/healthz`)).status, 200);
    // The quota holds one file: the abandoned upload's reservation was given back.
    const res = await upload(t, 'alice', 'group:g', PNG, { name: 'next.png' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });
});
