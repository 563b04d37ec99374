import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { startServer, type TestServer } from '../helpers/test-server.js';

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
