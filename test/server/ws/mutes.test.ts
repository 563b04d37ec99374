/** Mutes and do-not-disturb (SPEC §10): stored on the server, synced to every device of the user. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LIMITS, PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

let n = 0;
async function mute(s: TestSocket, fields: Record<string, unknown>) {
  const reqId = `mute-${++n}`;
  s.send({ type: 'mute.set', reqId, ...fields });
  return s.nextOf(['ok', 'error']).then((f) => {
    assert.equal((f as { reqId?: string }).reqId, reqId);
    return f;
  });
}

describe('mute.set', () => {
  let t: TestServer;
  let now = 1_000_000;
  before(async () => {
    t = await startServer({ clock: () => now });
    await createUsers(t, 'alice', 'bob', 'carol');
    await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob'] });
  });
  after(() => t.stop());

  it('mutes a conversation on every device of the user, and a new session gets the list before sync.done', async () => {
    const phone = await t.login('alice');
    const laptop = await t.login('alice');
    assert.equal((await mute(phone, { conversationId: 'group:g', until: 0 })).type, 'ok');
    for (const s of [phone, laptop]) {
      assert.deepEqual(await s.next('mutes.updated'), { type: 'mutes.updated', mutes: [{ conversationId: 'group:g', until: 0 }] });
    }
    const tablet = await t.connect();
    tablet.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('alice') });
    const frames = await tablet.until('sync.done');
    const types = frames.map((f) => f.type);
    assert.ok(types.indexOf('mutes.updated') > types.indexOf('session.ready'));
    assert.deepEqual(frames.find((f) => f.type === 'mutes.updated'), { type: 'mutes.updated', mutes: [{ conversationId: 'group:g', until: 0 }] });
    // Unmuting reaches every device too; a session then gets no mutes frame at all.
    assert.equal((await mute(laptop, { conversationId: 'group:g', until: null })).type, 'ok');
    assert.deepEqual(await tablet.next('mutes.updated'), { type: 'mutes.updated', mutes: [] });
    const later = await t.connect();
    later.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('alice') });
    assert.ok(!(await later.until('sync.done')).some((f) => f.type === 'mutes.updated'));
    for (const s of [phone, laptop, tablet, later]) s.close();
  });

  it('names a 1:1 chat as the user sees it, keeps do-not-disturb apart, and drops a mute once its time has passed', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    // Nothing in the chat yet: nothing to mute.
    assert.equal(((await mute(alice, { conversationId: 'p2p:bob', until: now + 1000 })) as { name?: string }).name, 'NOT_MEMBER');
    bob.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:alice', elem: text('hi') });
    await bob.next('message.ack');
    await mute(alice, { conversationId: 'p2p:bob', until: now + 1000 });
    await alice.next('mutes.updated');
    await mute(alice, { until: 0 });
    assert.deepEqual(await alice.next('mutes.updated'), { type: 'mutes.updated', mutes: [{ conversationId: 'p2p:bob', until: now + 1000 }], dnd: 0 });
    now += 1000;
    await mute(alice, { until: null });
    assert.deepEqual(await alice.next('mutes.updated'), { type: 'mutes.updated', mutes: [] });
    // bob's own view is untouched.
    await bob.roundTrip();
    assert.ok(!bob.received.some((f) => f.type === 'mutes.updated'));
    alice.close();
    bob.close();
  });

  it('refuses a conversation the user is not in, and more than LIMITS.mutesPerUser mutes', async () => {
    const carol = await t.login('carol');
    assert.equal(((await mute(carol, { conversationId: 'group:g', until: 0 })) as { name?: string }).name, 'NOT_MEMBER');
    assert.equal(((await mute(carol, { conversationId: 'group:nope', until: 0 })) as { name?: string }).name, 'NOT_MEMBER');
    // Unmuting what was never muted is fine.
    assert.equal((await mute(carol, { conversationId: 'group:nope', until: null })).type, 'ok');
    await carol.next('mutes.updated');
    await t.rest('POST', '/v1/groups', { id: 'full', name: 'Full', members: ['carol'] });
    for (let i = 0; i < LIMITS.mutesPerUser; i++) await t.server.store.setMute('carol', `group:filler-${i}`, 0);
    const refused = (await mute(carol, { conversationId: 'group:full', until: 0 })) as { name?: string; code?: number };
    assert.deepEqual([refused.name, refused.code], ['MUTES_LIMIT', 3015]);
    // Do-not-disturb and changing an existing mute are still allowed.
    assert.equal((await mute(carol, { until: 0 })).type, 'ok');
    assert.equal((await mute(carol, { conversationId: 'group:filler-0' as never, until: null })).type, 'ok');
    carol.close();
  });
});
