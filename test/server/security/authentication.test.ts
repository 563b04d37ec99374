/**
 * Token attacks beyond test/server/ws/auth.test.ts (expired, other key, alg:none, garbage,
 * deleted user): a tampered payload, algorithm substitution, missing or reserved subjects,
 * not-yet-valid tokens; and token refresh through `getToken` across reconnects, with the real
 * client SDK, losing nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import type { ChatMessage } from '../../../src/client/index.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { connectClient, createNetwork, startServer as startClientServer, synced, until } from '../../client/real-server.js';
import { SECRET, startServer, type TestServer } from '../helpers/test-server.js';

const key = new TextEncoder().encode(SECRET);
const counts = { tokensTried: 0, messagesChecked: 0, reconnects: 0 };
after(() => console.log(`# authentication: ${counts.tokensTried} hostile tokens tried, ${counts.reconnects} refreshing reconnects, ${counts.messagesChecked} messages checked`));

describe('hostile tokens', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(() => t.stop());

  async function refusal(token: string): Promise<string> {
    counts.tokensTried++;
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token });
    const first = await s.nextOf(['error', 'session.ready']);
    s.close();
    return first.type === 'error' ? first.name : 'ACCEPTED';
  }

  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

  it('refuses a token whose payload was changed after signing (another sub) with TOKEN_INVALID', async () => {
    const [header, , signature] = (await t.token('mallory')).split('.');
    const forged = `${header}.${b64({ sub: 'alice', iat: Math.floor(Date.now() / 1000) })}.${signature}`;
    assert.equal(await refusal(forged), 'TOKEN_INVALID');
  });

  it('refuses a token signed with the right secret but another algorithm (HS512, HS384) with TOKEN_INVALID', async () => {
    for (const alg of ['HS512', 'HS384']) {
      const token = await new SignJWT({}).setProtectedHeader({ alg }).setSubject('alice').setIssuedAt().sign(key);
      assert.equal(await refusal(token), 'TOKEN_INVALID', alg);
    }
  });

  it('refuses a header claiming alg "none" with a valid-looking signature part, and one claiming RS256', async () => {
    const payload = b64({ sub: 'alice' });
    assert.equal(await refusal(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.AAAA`), 'TOKEN_INVALID');
    assert.equal(await refusal(`${b64({ alg: 'RS256', typ: 'JWT' })}.${payload}.AAAA`), 'TOKEN_INVALID');
  });

  it('refuses validly signed tokens without a sub, with the reserved sub "system", or with an invalid user id', async () => {
    const sign = (sub?: string) => {
      const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
      if (sub !== undefined) jwt.setSubject(sub);
      return jwt.sign(key);
    };
    for (const sub of [undefined, 'system', '', '../admin', 'a b', 'x'.repeat(65), '<script>']) {
      assert.equal(await refusal(await sign(sub)), 'TOKEN_INVALID', String(sub));
    }
  });

  it('refuses a token that is not valid yet (nbf in the future) and an empty token', async () => {
    const early = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setNotBefore('1h').sign(key);
    assert.equal(await refusal(early), 'TOKEN_INVALID');
    assert.equal(await refusal(''), 'TOKEN_INVALID');
  });

  it('refuses a token longer than 8 KiB as a bad frame, without verifying it', async () => {
    assert.equal(await refusal('a'.repeat(8193)), 'BAD_FRAME');
  });
});

describe('token refresh with getToken', () => {
  it('reconnects past expired tokens by asking getToken again, and loses or duplicates no message either way', { timeout: 60_000 }, async () => {
    let offset = 0;
    const srv = await startClientServer({ clock: () => Date.now() + offset });
    const net = createNetwork();
    let calls = 0;
    let serveStale = false;
    let stale = '';
    const alice = connectClient(srv, '', {
      network: net,
      token: undefined,
      // A backend whose cache hands out one stale token after the outage, then a fresh one.
      getToken: async () => {
        calls++;
        if (serveStale) {
          serveStale = false;
          return stale;
        }
        return (stale = await srv.token('alice', 60));
      },
    });
    const bob = connectClient(srv, await srv.token('bob', 3600));
    const inbox: ChatMessage[] = [];
    alice.addEventListener('message', (e) => inbox.push((e as CustomEvent<ChatMessage>).detail));
    try {
      await Promise.all([synced(alice), synced(bob)]);
      const sends: Promise<unknown>[] = [];
      for (let round = 0; round < 3; round++) {
        const before = calls;
        net.offline = true;
        net.cut();
        await until(() => alice.$connection.get() !== 'online', 'alice offline');
        // Time passes beyond the token's life while alice is away; both sides keep writing.
        offset += 120_000;
        for (let i = 0; i < 5; i++) {
          sends.push(bob.send('p2p:alice', `bob ${round}.${i}`));
          sends.push(alice.send('p2p:bob', `alice ${round}.${i}`));
        }
        serveStale = true;
        net.offline = false;
        await until(() => calls >= before + 2 && alice.$sync.get() === 'synced' && alice.$connection.get() === 'online', 'alice back with a fresh token');
        counts.reconnects++;
      }
      await Promise.all(sends);
      await until(() => inbox.filter((m) => !m.isSelf).length >= 15, 'every message from bob');
      const fromBob = inbox.filter((m) => !m.isSelf).map((m) => m.elem.type === 'text' && m.elem.text);
      assert.deepEqual(fromBob, [0, 1, 2].flatMap((r) => [0, 1, 2, 3, 4].map((i) => `bob ${r}.${i}`)));
      const thread = alice.messages('p2p:bob').get();
      assert.deepEqual(thread.map((m) => m.seq), Array.from({ length: 30 }, (_, i) => i + 1), 'every seq once, in order');
      assert.ok(thread.every((m) => m.status === 'sent'));
      const stored = (await (await srv.admin('GET', '/v1/users/alice/conversations/p2p:bob/messages?limit=200')).json()) as { messages: unknown[] };
      assert.equal(stored.messages.length, 30, 'the server holds each send once');
      counts.messagesChecked += thread.length + stored.messages.length;
      assert.equal(alice.$error.get(), undefined);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await srv.stop();
    }
  });
});

describe('token lifetime, audience, issuer and revocation', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ tokenAudience: 'natter', tokenIssuer: 'https://shop.example', tokenMaxLifetimeSeconds: 3600 });
  });
  after(() => t.stop());

  async function open(token: string): Promise<string> {
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token });
    const first = await s.nextOf(['error', 'session.ready']);
    s.close();
    return first.type === 'error' ? first.name : 'ACCEPTED';
  }
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: { sub?: string; iat?: number; exp?: number; aud?: string; iss?: string }) => {
    const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(claims.sub ?? 'alice');
    if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
    if (claims.aud !== undefined) jwt.setAudience(claims.aud);
    if (claims.iss !== undefined) jwt.setIssuer(claims.iss);
    return jwt.sign(key);
  };
  const good = { aud: 'natter', iss: 'https://shop.example' };

  it('accepts a token with exp within the lifetime and the configured aud and iss', async () => {
    assert.equal(await open(await sign({ ...good, iat: now(), exp: now() + 600 })), 'ACCEPTED');
  });

  it('refuses a token without exp, and one living longer than the maximum (year 9999, or iat + max + 1)', async () => {
    assert.equal(await open(await sign({ ...good, iat: now() })), 'TOKEN_INVALID');
    assert.equal(await open(await sign({ ...good, iat: now(), exp: 253402300799 })), 'TOKEN_INVALID');
    assert.equal(await open(await sign({ ...good, iat: now(), exp: now() + 3601 })), 'TOKEN_INVALID');
    // An iat in the future does not stretch it: counted from now too (a minute of clock skew allowed).
    assert.equal(await open(await sign({ ...good, iat: now() + 86_400 * 365, exp: now() + 86_400 * 365 + 600 })), 'TOKEN_INVALID');
    assert.equal(await open(await sign({ ...good, iat: now() + 30, exp: now() + 30 + 3600 })), 'ACCEPTED');
    // Without iat the lifetime counts from now.
    assert.equal(await open(await sign({ ...good, exp: now() + 7200 })), 'TOKEN_INVALID');
    assert.equal(await open(await sign({ ...good, exp: now() + 600 })), 'ACCEPTED');
  });

  it('refuses a foreign or missing aud or iss', async () => {
    const exp = now() + 600;
    assert.equal(await open(await sign({ iat: now(), exp, aud: 'another-app', iss: good.iss })), 'TOKEN_INVALID');
    assert.equal(await open(await sign({ iat: now(), exp, aud: good.aud, iss: 'https://evil.example' })), 'TOKEN_INVALID');
    assert.equal(await open(await sign({ iat: now(), exp, iss: good.iss })), 'TOKEN_INVALID');
    assert.equal(await open(await sign({ iat: now(), exp, aud: good.aud })), 'TOKEN_INVALID');
  });

  it('a deleted user created again does not revive tokens issued before (WebSocket and REST)', async () => {
    const old = await sign({ ...good, sub: 'revived', iat: now() - 5, exp: now() + 600 });
    const oldNoIat = await sign({ ...good, sub: 'revived', exp: now() + 600 });
    assert.equal(await open(old), 'ACCEPTED');
    assert.equal((await t.rest('DELETE', '/v1/users/revived')).status, 204);
    assert.equal(await open(old), 'USER_DELETED');
    assert.equal((await t.rest('PUT', '/v1/users/revived', { name: 'New owner' })).status, 200);
    assert.equal(await open(old), 'TOKEN_INVALID');
    // Without iat it counts as issued at exp minus the longest lifetime: before the re-creation.
    assert.equal(await open(oldNoIat), 'TOKEN_INVALID');
    const files = await fetch(`${t.url}/v1/files/ticket`, { headers: { authorization: `Bearer ${old}` } });
    assert.equal(files.status, 401);
    assert.equal(((await files.json()) as { name: string }).name, 'TOKEN_INVALID');
    // A token issued after the re-creation works.
    assert.equal(await open(await sign({ ...good, sub: 'revived', iat: now(), exp: now() + 600 })), 'ACCEPTED');
  });
});

describe('tokens the server issues itself follow its token settings', () => {
  it('POST /v1/tokens carries aud and iss, stays within the longest lifetime, and refuses a longer ttlSeconds', async () => {
    const t = await startServer({ tokenAudience: 'natter', tokenIssuer: 'https://shop.example', tokenMaxLifetimeSeconds: 3600 });
    try {
      const issued = await t.rest('POST', '/v1/tokens', { userId: 'ivy' });
      assert.equal(issued.status, 200);
      const claims = JSON.parse(Buffer.from((issued.body.token as string).split('.')[1]!, 'base64url').toString()) as Record<string, number | string>;
      assert.deepEqual([claims['aud'], claims['iss'], Number(claims['exp']) - Number(claims['iat'])], ['natter', 'https://shop.example', 3600]);
      const s = await t.connect();
      s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: issued.body.token });
      assert.equal((await s.nextOf(['error', 'session.ready'])).type, 'session.ready');
      s.close();
      const long = await t.rest('POST', '/v1/tokens', { userId: 'ivy', ttlSeconds: 3601 });
      assert.deepEqual([long.status, long.body.name], [400, 'BAD_REQUEST']);
    } finally {
      await t.stop();
    }
  });
});
