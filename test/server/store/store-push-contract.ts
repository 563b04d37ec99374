import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushSubscriptionRecord } from '../../../src/server/core/push-store.js';
import type { Store } from '../../../src/server/core/store.js';

const sub = (userId: string, deviceId: string, endpoint: string): PushSubscriptionRecord => ({
  userId, deviceId, endpoint: `https://push.example/${endpoint}`, p256dh: `key-${endpoint}`, auth: `auth-${endpoint}`, createdAt: 7,
});

/** VAPID keys, push subscriptions and mutes (SPEC §10), part of the Store contract. */
export function pushContract(store: () => Store): void {
  describe('push and mutes', () => {
    it('keeps the first VAPID key pair stored, whatever later callers generate', async () => {
      const first = await store().vapidKeys({ publicKey: 'pub-1', privateKey: 'priv-1' });
      const again = await Promise.all([store().vapidKeys({ publicKey: 'pub-2', privateKey: 'priv-2' }), store().vapidKeys({ publicKey: 'pub-3', privateKey: 'priv-3' })]);
      assert.deepEqual(first, { publicKey: 'pub-1', privateKey: 'priv-1' });
      assert.deepEqual(again, [first, first]);
    });

    it('keeps one subscription per device, moves an endpoint to its latest user, and lists by user then device', async () => {
      const s = store();
      assert.equal(await s.putPushSubscription(sub('pu1', 'd2', 'a'), 5), true);
      assert.equal(await s.putPushSubscription(sub('pu1', 'd1', 'b'), 5), true);
      // The device subscribed again (a new endpoint): the old one goes.
      assert.equal(await s.putPushSubscription(sub('pu1', 'd1', 'c'), 5), true);
      // The browser of d2 is now used by pu2: the endpoint moves.
      assert.equal(await s.putPushSubscription(sub('pu2', 'x', 'a'), 5), true);
      assert.deepEqual((await s.pushSubscriptionsOf(['pu2', 'pu1', 'nobody'])).map((r) => [r.userId, r.deviceId, r.endpoint]), [
        ['pu1', 'd1', 'https://push.example/c'],
        ['pu2', 'x', 'https://push.example/a'],
      ]);
      assert.deepEqual((await s.pushSubscriptionsOf(['pu2']))[0], sub('pu2', 'x', 'a'));
      assert.deepEqual(await s.pushSubscriptionsOf([]), []);
    });

    it('refuses a subscription past the per-user limit but lets a device replace its own', async () => {
      const s = store();
      assert.equal(await s.putPushSubscription(sub('pl', 'd1', 'l1'), 2), true);
      assert.equal(await s.putPushSubscription(sub('pl', 'd2', 'l2'), 2), true);
      assert.equal(await s.putPushSubscription(sub('pl', 'd3', 'l3'), 2), false);
      assert.equal(await s.putPushSubscription(sub('pl', 'd2', 'l4'), 2), true);
      assert.deepEqual((await s.pushSubscriptionsOf(['pl'])).map((r) => r.endpoint), ['https://push.example/l1', 'https://push.example/l4']);
    });

    it('deletes only the user\'s own endpoint, and drops an endpoint whoever holds it', async () => {
      const s = store();
      await s.putPushSubscription(sub('pd', 'd1', 'p1'), 5);
      await s.putPushSubscription(sub('pd', 'd2', 'p2'), 5);
      assert.equal(await s.deletePushSubscription('someone-else', 'https://push.example/p1'), false);
      assert.equal(await s.deletePushSubscription('pd', 'https://push.example/p1'), true);
      assert.equal(await s.deletePushSubscription('pd', 'https://push.example/p1'), false);
      await s.dropPushEndpoint('https://push.example/p2');
      await s.dropPushEndpoint('https://push.example/never');
      assert.deepEqual(await s.pushSubscriptionsOf(['pd']), []);
    });

    it('lets one claim of a message\'s push through, however many nodes ask at once', async () => {
      const s = store();
      const results = await Promise.all([s.claimPush('pm-1', 1000), s.claimPush('pm-1', 1001), s.claimPush('pm-1', 1002)]);
      assert.deepEqual(results.filter(Boolean).length, 1);
      assert.equal(await s.claimPush('pm-2', 1000), true);
      assert.equal(await s.claimPush('pm-2', 2000), false);
    });

    it('mutes until a time or for good, honours do-not-disturb, and unmutes', async () => {
      const s = store();
      await s.setMute('m1', 'group:g', 0);
      await s.setMute('m2', 'group:g', 1000);
      await s.setMute('m3', '*', 0);
      await s.setMute('m4', 'group:other', 0);
      assert.deepEqual(await s.mutedAmong('group:g', ['m4', 'm3', 'm2', 'm1', 'm5'], 999), ['m3', 'm2', 'm1']);
      assert.deepEqual(await s.mutedAmong('group:g', ['m1', 'm2'], 1000), ['m1']);
      assert.deepEqual(await s.listMutes('m2', 999), [{ key: 'group:g', until: 1000 }]);
      assert.deepEqual(await s.listMutes('m2', 1000), []);
      await s.setMute('m1', 'p2p:a|b', 5000);
      assert.deepEqual(await s.listMutes('m1', 0), [{ key: 'group:g', until: 0 }, { key: 'p2p:a|b', until: 5000 }]);
      await s.setMute('m1', 'group:g', 3000);
      await s.setMute('m1', 'p2p:a|b', undefined);
      await s.setMute('m1', 'never-muted', undefined);
      assert.deepEqual(await s.listMutes('m1', 0), [{ key: 'group:g', until: 3000 }]);
      assert.deepEqual(await s.mutedAmong('group:g', [], 0), []);
    });
  });
}
