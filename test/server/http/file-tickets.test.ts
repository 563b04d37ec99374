/**
 * File tickets: a ticket asked for one file opens that file only; tickets and tokens never
 * reach the request log (NATTER_LOG); ticket code bundles for a browser without node:crypto
 * (the in-browser demo server of src/local issues tickets from the same core).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { SignJWT } from 'jose';
import { redactUrl } from '../../../src/server/http/request-log.js';
import { issueFileTicket, verifyFileTicket } from '../../../src/server/uploads/file-tickets.js';
import { TICKET_BATCHES_PER_MINUTE } from '../../../src/server/http/files-routes.js';
import { SECRET, createUsers, startServer, type TestServer } from '../helpers/test-server.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const secret = new TextEncoder().encode(SECRET);

async function uploadAs(t: TestServer, user: string): Promise<{ url: string; id: string }> {
  const res = await fetch(`${t.url}/v1/uploads?conversationId=group:g&name=a.png`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await t.token(user)}`, 'content-type': 'image/png' },
    body: PNG,
  });
  assert.equal(res.status, 201);
  return (await res.json()) as { url: string; id: string };
}

/** The ticket key as the server derives it (node:crypto HMAC of a fixed label). */
const derivedKey = async () => new Uint8Array(createHmac('sha256', secret).update('natter file ticket v1').digest());

const withTicket = (url: string, ticket: string) => `${url}?ticket=${encodeURIComponent(ticket)}`;

describe('file tickets scoped to one file', () => {
  let t: TestServer;
  const lines: string[] = [];
  before(async () => {
    // The request log as NATTER_LOG=1 writes it (pino JSON lines), captured.
    const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    t = await startServer({ logger: { level: 'info', stream } });
    await createUsers(t, 'alice', 'bob');
    await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob'] });
  });
  after(() => t.stop());

  it('GET /v1/files/ticket?file=<id> gives a ticket that opens that file and no other', async () => {
    const [one, two] = [await uploadAs(t, 'alice'), await uploadAs(t, 'alice')];
    const res = await fetch(`${t.url}/v1/files/ticket?file=${one.id}`, { headers: { authorization: `Bearer ${await t.token('alice')}` } });
    assert.equal(res.status, 200);
    const { ticket, expiresAt } = (await res.json()) as { ticket: string; expiresAt: number };
    assert.ok(expiresAt > Date.now());
    assert.equal((await fetch(withTicket(one.url, ticket))).status, 200);
    const other = await fetch(withTicket(two.url, ticket));
    assert.deepEqual([other.status, ((await other.json()) as { name: string }).name], [401, 'TOKEN_INVALID']);
  });

  it('refuses a ticket without a file claim (the user-wide tickets of before), and issues none any more', async () => {
    const f = await uploadAs(t, 'alice');
    const userWide = await new SignJWT({ use: 'file' }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt().setExpirationTime('1h').sign(await derivedKey());
    const res = await fetch(withTicket(f.url, userWide));
    assert.deepEqual([res.status, ((await res.json()) as { name: string }).name], [401, 'TOKEN_INVALID']);
    const unnamed = await fetch(`${t.url}/v1/files/ticket`, { headers: { authorization: `Bearer ${await t.token('alice')}` } });
    assert.deepEqual([unnamed.status, ((await unnamed.json()) as { name: string }).name], [400, 'BAD_REQUEST']);
    // A user token in the Authorization header still opens it (apps, servers).
    assert.equal((await fetch(f.url, { headers: { authorization: `Bearer ${await t.token('alice')}` } })).status, 200);
  });

  it('POST /v1/files/tickets gives each readable file its own ticket and leaves the others out', async () => {
    const [one, two] = [await uploadAs(t, 'alice'), await uploadAs(t, 'alice')];
    const unknown = '00000000-0000-4000-8000-000000000000';
    const ask = async (user: string, body: unknown) => {
      const res = await fetch(`${t.url}/v1/files/tickets`, { method: 'POST', headers: { authorization: `Bearer ${await t.token(user)}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { tickets: Record<string, { ticket: string; expiresAt: number }>; name?: string } };
    };
    const mine = await ask('alice', { files: [one.id, two.id, unknown] });
    assert.equal(mine.status, 200);
    assert.deepEqual(Object.keys(mine.body.tickets).sort(), [one.id, two.id].sort());
    const [a, b] = [mine.body.tickets[one.id]!, mine.body.tickets[two.id]!];
    assert.ok(a.expiresAt > Date.now() + 30 * 60_000);
    assert.notEqual(a.ticket, b.ticket);
    assert.equal((await fetch(withTicket(one.url, a.ticket))).status, 200);
    assert.equal((await fetch(withTicket(two.url, b.ticket))).status, 200);
    assert.equal((await fetch(withTicket(two.url, a.ticket))).status, 401);
    // Bob shares no conversation carrying them yet: nothing for him.
    assert.deepEqual(await ask('bob', { files: [one.id, two.id] }), { status: 200, body: { tickets: {} } });
    for (const bad of [{ files: [] }, { files: ['../etc'] }, { files: Array.from({ length: 101 }, () => one.id) }, { files: [one.id], more: 1 }, [one.id]]) {
      const res = await ask('alice', bad);
      assert.deepEqual([res.status, res.body.name], [400, 'BAD_REQUEST'], JSON.stringify(bad).slice(0, 80));
    }
    const noToken = await fetch(`${t.url}/v1/files/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ files: [one.id] }) });
    assert.equal(noToken.status, 401);
    const withFileTicket = await fetch(`${t.url}/v1/files/tickets`, { method: 'POST', headers: { authorization: `Bearer ${a.ticket}`, 'content-type': 'application/json' }, body: JSON.stringify({ files: [one.id] }) });
    assert.equal(withFileTicket.status, 401);
  });

  it('budgets ticket batches per user: past TICKET_BATCHES_PER_MINUTE, 429 RATE_LIMITED with retryAfterMs', async () => {
    await createUsers(t, 'erin');
    const token = await t.token('erin');
    const ask = () => fetch(`${t.url}/v1/files/tickets`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ files: ['00000000-0000-4000-8000-000000000000'] }) });
    const statuses: number[] = [];
    for (let i = 0; i < TICKET_BATCHES_PER_MINUTE; i++) statuses.push((await ask()).status);
    assert.ok(statuses.every((s) => s === 200), 'the budget itself is served');
    const refused = await ask();
    const body = (await refused.json()) as { name: string; retryAfterMs?: number };
    assert.deepEqual([refused.status, body.name], [429, 'RATE_LIMITED']);
    assert.ok((body.retryAfterMs ?? 0) > 0);
  });

  it('refuses a per-file ticket for a file the user may not read, or an id that is not one', async () => {
    const mine = await uploadAs(t, 'alice');
    const bob = `Bearer ${await t.token('bob')}`;
    const refused = await fetch(`${t.url}/v1/files/ticket?file=${mine.id}`, { headers: { authorization: bob } });
    assert.deepEqual([refused.status, ((await refused.json()) as { name: string }).name], [403, 'FILE_FORBIDDEN']);
    const junk = await fetch(`${t.url}/v1/files/ticket?file=..%2F..%2Fetc`, { headers: { authorization: bob } });
    assert.deepEqual([junk.status, ((await junk.json()) as { name: string }).name], [400, 'BAD_REQUEST']);
  });

  it('keeps tickets, tokens and keys out of the request log', async () => {
    const f = await uploadAs(t, 'alice');
    const token = await t.token('alice');
    const ticket = (await issueFileTicket(secret, 'alice', Date.now(), { fileId: f.id })).ticket;
    assert.equal((await fetch(withTicket(f.url, ticket))).status, 200);
    await fetch(`${t.url}/v1/files/ticket?token=${token}&key=abc123secretkey`, { headers: { authorization: `Bearer ${token}` } });
    const log = lines.join('');
    assert.ok(log.includes('/v1/files/'), 'requests are logged');
    assert.ok(log.includes('[REDACTED]'));
    for (const secretText of [ticket, token, 'abc123secretkey']) assert.ok(!log.includes(secretText), 'a credential in the log');
  });
});

describe('ticket code', () => {
  it('redacts credential query parameters however they are spelled, and nothing else', () => {
    assert.equal(redactUrl('/v1/files/a/b.png?ticket=x.y.z&download=1'), '/v1/files/a/b.png?ticket=[REDACTED]&download=1');
    assert.equal(redactUrl('/x?TOKEN=a&%6Bey=b&user=alice#t=1'), '/x?TOKEN=[REDACTED]&%6Bey=[REDACTED]&user=alice#t=1');
    assert.equal(redactUrl('/healthz'), '/healthz');
  });

  it('verifies tickets signed before (key derived with node:crypto HMAC) when they name the file, and still tells files apart', async () => {
    const legacyKey = await derivedKey();
    const now = Math.floor(Date.now() / 1000);
    const old = await new SignJWT({ use: 'file', fid: 'file-0001' }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt(now).setExpirationTime(now + 60).sign(legacyKey);
    assert.equal(await verifyFileTicket(secret, old, Date.now(), 'file-0001'), 'alice');
    const userWide = await new SignJWT({ use: 'file' }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt(now).setExpirationTime(now + 60).sign(legacyKey);
    await assert.rejects(verifyFileTicket(secret, userWide, Date.now(), 'file-0001'), { name: 'TOKEN_INVALID' });
    const scoped = (await issueFileTicket(secret, 'alice', Date.now(), { fileId: 'file-0001' })).ticket;
    assert.equal(await verifyFileTicket(secret, scoped, Date.now(), 'file-0001'), 'alice');
    await assert.rejects(verifyFileTicket(secret, scoped, Date.now(), 'file-0002'), { name: 'TOKEN_INVALID' });
  });

  it('bundles the in-browser demo server (src/local) without any node: module', async () => {
    const root = new URL('../../..', import.meta.url).pathname;
    const result = await build({
      entryPoints: [`${root}src/local/worker.ts`, `${root}src/local/local-server.ts`],
      bundle: true, write: false, outdir: '/tmp/natter-local-bundle', platform: 'browser', format: 'esm',
      metafile: true, external: ['node:*'], logLevel: 'silent',
    });
    const nodeImports = Object.entries(result.metafile.inputs).flatMap(([file, input]) => input.imports.filter((i) => i.external).map((i) => `${file} → ${i.path}`));
    assert.deepEqual(nodeImports, []);
  });
});
