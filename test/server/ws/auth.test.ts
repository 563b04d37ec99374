import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { CLOSE_TOKEN_EXPIRED, PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { cmid, startServer, text, type TestServer } from '../helpers/test-server.js';

describe('session.open authentication', () => {
  let t: TestServer;
  let now = 1_800_000_000_000;
  before(async () => {
    t = await startServer({ clock: () => now });
  });
  after(() => t.stop());

  async function openWith(token: string) {
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token });
    const first = await s.nextOf(['error', 'session.ready']);
    s.close();
    return first;
  }

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const token = await t.token('alice', { ttlSeconds: 60 });
    now += 61_000;
    const res = await openWith(token);
    assert.equal(res.type === 'error' && res.name, 'TOKEN_EXPIRED');
  });

  it('refuses a token signed with another secret with TOKEN_INVALID', async () => {
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').sign(new TextEncoder().encode('another-secret-of-sufficient-length'));
    const res = await openWith(forged);
    assert.equal(res.type === 'error' && res.name, 'TOKEN_INVALID');
  });

  it('refuses an unsigned (alg: none) token with TOKEN_INVALID', async () => {
    const res = await openWith(new UnsecuredJWT({}).setSubject('alice').encode());
    assert.equal(res.type === 'error' && res.name, 'TOKEN_INVALID');
  });

  it('refuses garbage with TOKEN_INVALID', async () => {
    const res = await openWith('not.a.jwt');
    assert.equal(res.type === 'error' && res.name, 'TOKEN_INVALID');
  });

  it('creates an unknown user on first login and takes the profile from the token claims', async () => {
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('newbie', { name: 'Newbie' }) });
    const ready = await s.next('session.ready');
    assert.deepEqual(ready.user, { id: 'newbie', name: 'Newbie' });
    const again = await t.connect();
    again.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('newbie', { name: 'Renamed' }) });
    assert.equal((await again.next('session.ready')).user.name, 'Renamed');
    s.close();
    again.close();
  });

  it('refuses a deleted user with USER_DELETED and closes their open sockets', async () => {
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('doomed') });
    await s.next('sync.done');
    assert.equal((await t.rest('DELETE', '/v1/users/doomed')).status, 204);
    assert.equal((await s.next('error')).name, 'USER_DELETED');
    assert.equal((await s.closedBy()).code, 4401);
    const res = await openWith(await t.token('doomed'));
    assert.equal(res.type === 'error' && res.name, 'USER_DELETED');
  });
});

describe('a session does not outlive its token', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(() => t.stop());

  /** `exp` of a token, in ms. */
  const expOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;

  it('ends the session at `exp`: a TOKEN_EXPIRED error frame, then close 4440; a session of a longer token stays', async () => {
    const short = await t.token('expiring', { ttlSeconds: 2 });
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: short });
    await s.next('sync.done');
    const other = await t.login('expiring');
    const error = await s.next('error');
    const endedAt = Date.now();
    assert.equal(error.name, 'TOKEN_EXPIRED');
    assert.equal(error.code, 2002);
    assert.equal(error.reqId, undefined);
    assert.deepEqual(await s.closedBy(), { code: CLOSE_TOKEN_EXPIRED, reason: 'TOKEN_EXPIRED' });
    assert.equal(CLOSE_TOKEN_EXPIRED, 4440);
    // At `exp`, when session.open would refuse the token too (not a minute later, not before): later
    // by less than half a minute (a loaded machine runs a timer late; a check a minute on would not be).
    assert.ok(endedAt >= expOf(short), `ended ${expOf(short) - endedAt} ms before exp`);
    assert.ok(endedAt < expOf(short) + 30_000, `ended ${endedAt - expOf(short)} ms after exp`);
    // The other device's session (a day's token) is not touched.
    other.send({ type: 'ping', reqId: 'p1' });
    assert.equal((await other.next('pong')).reqId, 'p1');
    other.close();
  });

  it('a fresh token opens a new session that replays what was sent meanwhile, once', async () => {
    const token = await t.token('refresher', { ttlSeconds: 1 });
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token });
    await s.next('sync.done');
    const peer = await t.login('sender');
    await s.next('error', (e) => e.name === 'TOKEN_EXPIRED');
    await s.closedBy();
    peer.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:refresher', elem: text('while away') });
    const ack = await peer.next('message.ack');
    const again = await t.connect();
    again.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('refresher'), cursors: { 'p2p:sender': 0 } });
    const replayed = (await again.until('sync.done')).flatMap((f) => (f.type === 'sync.messages' ? f.messages.map((m) => m.id) : []));
    assert.deepEqual(replayed, [ack.id]);
    peer.close();
    again.close();
  });

  it('a token that outlives one timer (over 24.8 days, a site allowing long tokens) keeps its session open', async () => {
    const long = await startServer({ tokenMaxLifetimeSeconds: 60 * 24 * 3600 });
    try {
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on('warning', onWarning);
      const s = await long.connect();
      s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await long.token('patient', { ttlSeconds: 30 * 24 * 3600 }) });
      await s.next('sync.done');
      await new Promise((resolve) => setTimeout(resolve, 200));
      s.send({ type: 'ping', reqId: 'still' });
      assert.equal((await s.next('pong')).reqId, 'still');
      process.off('warning', onWarning);
      assert.equal(warnings.filter((w) => w === 'TimeoutOverflowWarning').length, 0, 'a timer past 2^31 - 1 ms fires at once (and would be re-armed in a loop)');
      s.close();
    } finally {
      await long.stop();
    }
  });

  it('the timer goes with the connection: a session closed before `exp` is told nothing at `exp`', async () => {
    // The core's own Connection (what the gateway gives it), so what reaches a closed one shows.
    const seen: string[] = [];
    const conn = { id: 'conn-closed-early', send: (data: string) => void seen.push(JSON.parse(data).type), close: (code: number) => void seen.push(`close ${code}`) };
    const token = await t.token('leaver', { ttlSeconds: 1 });
    await t.server.core.handleFrame(conn, { type: 'session.open', protocol: PROTOCOL_VERSION, token });
    assert.ok(seen.includes('sync.done'), seen.join());
    t.server.core.disconnect(conn);
    seen.length = 0;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expOf(token) - Date.now()) + 300));
    assert.deepEqual(seen, []);
  });
});
