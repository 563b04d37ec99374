/** The client's knowledge of its own mutes (SPEC §11), against the real server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sendBlockIn } from '../../src/client/index.js';
import { synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, connect, group } = ctx;

describe('mutes put on the user (sanctions)', () => {
  test('an admin mute in a group reaches every device at once, and a new one at session start; lifting it clears them', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const team = await group([a, b], 'Team');
    const phone = await connect(a);
    await synced(phone);
    const until_ = Date.now() + 60_000;
    const res = await ctx.srv.admin('PUT', `/v1/users/${a}/mute`, { groupId: team.slice(6), until: until_, reason: 'Calm' });
    assert.equal(res.status, 200);
    await until(() => phone.$sanctions.get().length === 1, 'the phone is told');
    assert.deepEqual(phone.$sanctions.get(), [{ conversationId: team, until: until_, reason: 'Calm' }]);
    assert.deepEqual(sendBlockIn(phone.$sanctions.get(), team), { conversationId: team, until: until_, reason: 'Calm' });
    assert.equal(sendBlockIn(phone.$sanctions.get(), `p2p:${b}`), undefined, 'not elsewhere');
    assert.equal(sendBlockIn(phone.$sanctions.get(), team, until_ + 1), undefined, 'not after its end');
    const laptop = await connect(a);
    await synced(laptop);
    assert.deepEqual(laptop.$sanctions.get(), phone.$sanctions.get(), 'told before sync.done');
    await ctx.srv.admin('DELETE', `/v1/users/${a}/mute?groupId=${team.slice(6)}`);
    await until(() => phone.$sanctions.get().length === 0 && laptop.$sanctions.get().length === 0, 'cleared on both');
  });

  test('a send refused MUTED stays failed with the reason; the push told the client first', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const alice = await connect(a);
    const bob = await connect(b);
    await Promise.all([synced(alice), synced(bob)]);
    await ctx.srv.admin('PUT', `/v1/users/${a}/mute`, { until: Date.now() + 60_000, reason: 'Cool off' });
    await until(() => alice.$sanctions.get().length === 1, 'pushed');
    const [block] = alice.$sanctions.get();
    assert.equal(block!.conversationId, undefined, 'everywhere');
    assert.equal(sendBlockIn(alice.$sanctions.get(), `p2p:${b}`), block);
    await alice.send(`p2p:${b}`, 'hello').catch(() => undefined);
    await until(() => alice.messages(`p2p:${b}`).get().some((m) => m.status === 'failed'), 'failed');
    const failed = alice.messages(`p2p:${b}`).get().find((m) => m.status === 'failed');
    assert.deepEqual([failed?.error?.name, failed?.error?.reason], ['MUTED', 'Cool off']);
  });
});
