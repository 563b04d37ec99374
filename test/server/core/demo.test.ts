/**
 * The dev-mode demo's seed (`src/server/core/demo.ts`), on the real core over the memory store:
 * alice owns the group `demo`, so the demo shows a group's admin features (mute, roles, rename,
 * notice) to `?user=alice`; a data dir seeded before that gets alice as owner without a word to
 * the group.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryBus } from '../../../src/server/bus/memory-bus.js';
import { AdminApi } from '../../../src/server/core/admin.js';
import { ChatCore } from '../../../src/server/core/chat-core.js';
import { DEMO_GROUP, DEMO_USERS, seedDemo } from '../../../src/server/core/demo.js';
import { createMemoryRateLimiter } from '../../../src/server/core/rate-limiter.js';
import { createMemoryStore } from '../../../src/server/store/memory-store.js';

async function core() {
  const store = createMemoryStore();
  const c = new ChatCore({
    store, bus: createMemoryBus(), secret: new TextEncoder().encode('a test secret of at least 32 bytes!!'),
    rateLimiter: createMemoryRateLimiter(300, 60_000), clock: Date.now, friendsOnly: false,
    blockedSenderSeesError: false, replayLimit: 10_000, maxConnectionsPerUser: 32,
    logger: { info() {}, warn() {}, error() {} },
  });
  await c.start();
  return { store, core: c, admin: new AdminApi(c) };
}

const roles = async (admin: AdminApi) =>
  Object.fromEntries((await admin.groupMembers(DEMO_GROUP, undefined, 10)).items.map((m) => [m.id, m.role]));

test('a fresh seed makes alice the owner of demo, bob and carol members', async () => {
  const { admin, core: c } = await core();
  await seedDemo(admin, c.store);
  assert.equal((await admin.group(DEMO_GROUP)).owner, 'alice');
  assert.deepEqual(await roles(admin), { alice: 'owner', bob: 'member', carol: 'member' });
  await c.stop();
});

test('an ownerless demo group from an older seed gets alice as owner quietly, once', async () => {
  const { admin, core: c, store } = await core();
  for (const [id, name] of DEMO_USERS) await admin.putUser(id, { name });
  await admin.createGroup({ id: DEMO_GROUP, name: 'Demo group', members: DEMO_USERS.map(([id]) => id), historyVisibility: 'all' });
  const before = (await admin.history('bob', `group:${DEMO_GROUP}`)).messages.length;
  await seedDemo(admin, store);
  await seedDemo(admin, store);
  assert.equal((await admin.group(DEMO_GROUP)).owner, 'alice');
  // No "owner changed" notice: the group reads as it did.
  assert.equal((await admin.history('bob', `group:${DEMO_GROUP}`)).messages.length, before);
  await c.stop();
});
