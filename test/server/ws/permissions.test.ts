import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cmid, createUsers, startServer, text } from '../helpers/test-server.js';

describe('permissions', () => {
  it('gives a blocked p2p sender an ordinary ack, delivers nothing to the blocker, and keeps it visible to the sender only', async () => {
    const t = await startServer();
    await createUsers(t, 'alice', 'bob');
    const bob = await t.login('bob');
    bob.send({ type: 'blocklist.add', reqId: 'b', userId: 'alice' });
    assert.deepEqual((await bob.next('blocklist.updated')).blocked, ['alice']);
    const alice = await t.login('alice');
    const alicePhone = await t.login('alice');
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('hi?') });
    const ack = await alice.next('message.ack');
    assert.ok(ack.seq > 0 && ack.duplicate === undefined);
    await alicePhone.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    await bob.roundTrip();
    assert.equal(bob.pending('message.new').length, 0);
    const bobList = await t.rest('GET', '/v1/users/bob/conversations');
    assert.ok(!bobList.body.items.some((c: { id: string }) => c.id === 'p2p:alice'));
    const aliceView = await t.rest('GET', '/v1/users/alice/conversations/p2p:bob/messages');
    assert.equal(aliceView.body.messages.length, 1);
    for (const s of [alice, alicePhone, bob]) s.close();
    await t.stop();
  });

  it('answers a blocked sender with BLOCKED when blockedSenderSeesError is on', async () => {
    const t = await startServer({ blockedSenderSeesError: true });
    await createUsers(t, 'alice', 'bob');
    assert.equal((await t.rest('PUT', '/v1/users/bob/blocklist/alice')).status, 204);
    const alice = await t.login('alice');
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text('hi?') });
    assert.equal((await alice.next('message.error')).name, 'BLOCKED');
    alice.close();
    await t.stop();
  });

  it('refuses non-friends with NOT_FRIENDS in friends-only mode and lets friends talk', async () => {
    const t = await startServer({ friendsOnly: true });
    await createUsers(t, 'alice', 'bob', 'carol');
    await t.rest('PUT', '/v1/users/alice/friends/bob');
    const alice = await t.login('alice');
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:carol', elem: text('hi') });
    assert.equal((await alice.next('message.error')).name, 'NOT_FRIENDS');
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text('hi') });
    await alice.next('message.ack');
    const bob = await t.login('bob');
    bob.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:alice', elem: text('hi back') });
    await bob.next('message.ack');
    alice.close();
    bob.close();
    await t.stop();
  });

  it('refuses the 301st send within a minute with RATE_LIMITED and retryAfterMs, and allows sends again after the window', async () => {
    let now = 1_800_000_000_000;
    const t = await startServer({ clock: () => now });
    await createUsers(t, 'alice', 'bob');
    const alice = await t.login('alice');
    for (let i = 0; i < 300; i++) alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text(`${i}`) });
    for (let i = 0; i < 300; i++) await alice.next('message.ack');
    now += 59_000;
    const limited = cmid();
    alice.send({ type: 'message.send', clientMsgId: limited, conversationId: 'p2p:bob', elem: text('301') });
    const err = await alice.next('message.error');
    assert.deepEqual([err.name, err.clientMsgId, err.retryAfterMs], ['RATE_LIMITED', limited, 1000]);
    now += 1000;
    alice.send({ type: 'message.send', clientMsgId: limited, conversationId: 'p2p:bob', elem: text('301') });
    assert.equal((await alice.next('message.ack')).seq, 301);
    alice.close();
    await t.stop();
  });

  it('counts online-only sends (typing signals) apart from messages: typing never uses up the budget for sending', async () => {
    const t = await startServer({ sendsPerMinute: 2 });
    await createUsers(t, 'alice', 'bob');
    const alice = await t.login('alice');
    const typing = (id: string) =>
      alice.send({ type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: { type: 'custom', customType: 'natter.typing', data: '' }, onlineUserOnly: true });
    typing(cmid());
    typing(cmid());
    for (let i = 0; i < 2; i++) assert.equal((await alice.next('message.ack')).seq, 0);
    // Both messages still go through after two typing signals…
    for (const body of ['one', 'two']) alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text(body) });
    assert.deepEqual([(await alice.next('message.ack')).seq, (await alice.next('message.ack')).seq], [1, 2]);
    // …and each budget is still enforced on its own.
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text('three') });
    assert.equal((await alice.next('message.error')).name, 'RATE_LIMITED');
    typing(cmid());
    assert.equal((await alice.next('message.error')).name, 'RATE_LIMITED');
    alice.close();
    await t.stop();
  });

  it('refuses group sends from non-members, sends to unknown users, to oneself, and system elems from clients', async () => {
    const t = await startServer();
    await createUsers(t, 'alice', 'bob');
    await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['bob'] });
    const alice = await t.login('alice');
    const attempts = [
      [{ conversationId: 'group:g', elem: text('x') }, 'NOT_MEMBER'],
      [{ conversationId: 'group:nope', elem: text('x') }, 'GROUP_UNKNOWN'],
      [{ conversationId: 'p2p:ghost', elem: text('x') }, 'USER_UNKNOWN'],
      [{ conversationId: 'p2p:alice', elem: text('x') }, 'SELF_CONVERSATION'],
      [{ conversationId: 'p2p:bob', elem: { type: 'system', event: 'custom', text: 'fake' } }, 'ADMIN_REQUIRED'],
    ] as const;
    for (const [fields, expected] of attempts) {
      const clientMsgId = cmid();
      alice.send({ type: 'message.send', clientMsgId, ...fields });
      const err = await alice.next('message.error', (f) => f.clientMsgId === clientMsgId);
      assert.equal(err.name, expected, JSON.stringify(fields));
    }
    alice.close();
    await t.stop();
  });
});
