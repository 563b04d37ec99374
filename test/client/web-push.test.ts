import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fakeBrowser, loopbackCert } from '../server/helpers/push-receiver.js';
import { synced, useTestServer } from './real-server.js';

const ctx = useTestServer({ push: { allowLoopback: true, agentOptions: { ca: loopbackCert().cert } } });

describe('client.webPush() against the real server', () => {
  test('reads the VAPID key, stores this device\'s subscription and removes it', async () => {
    const a = ctx.uid('alice');
    const alice = await ctx.connect(a);
    await synced(alice);
    const push = await alice.webPush();
    const key = await push.publicKey();
    assert.equal(Buffer.from(key, 'base64url').length, 65);
    const sub = fakeBrowser().subscription('https://127.0.0.1:9/alice');
    await push.save({ ...sub, expirationTime: null });
    const stored = await ctx.srv.server.store.pushSubscriptionsOf([a]);
    assert.deepEqual(stored.map((s) => s.endpoint), ['https://127.0.0.1:9/alice']);
    assert.ok(stored[0]!.deviceId.length > 0, 'stored under this device');
    await assert.rejects(push.save({ ...sub, endpoint: 'https://10.0.0.1/x' }), (e: Error) => e.name === 'PUSH_ENDPOINT_REFUSED');
    await push.remove(sub.endpoint);
    assert.deepEqual(await ctx.srv.server.store.pushSubscriptionsOf([a]), []);
    await assert.rejects(push.remove(sub.endpoint), (e: Error) => e.name === 'NOT_FOUND');
  });
});
