import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { ask, ids, list, updated } from './friend-helpers.js';

describe('friends, direct (the default: NATTER_FRIEND_REQUESTS off)', () => {
  let t: TestServer;
  let alice: TestSocket, alice2: TestSocket, bob: TestSocket;
  before(async () => {
    t = await startServer({ friendsOnly: true });
    await createUsers(t, 'alice', 'bob', 'carol', 'dave');
    [alice, alice2, bob] = await Promise.all(['alice', 'alice', 'bob'].map((u) => t.login(u)));
  });
  after(() => t.stop());

  it('adds at once: every device of both users hears of it, both list each other, and friends-only messaging opens', async () => {
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text('before') });
    assert.equal((await alice.next('message.error')).name, 'NOT_FRIENDS');
    assert.equal(await ask(alice, { type: 'friend.add', userId: 'bob' }), 'ok');
    for (const s of [alice, alice2]) assert.deepEqual(await updated(s, 'bob', 'friend'), { type: 'friends.updated', user: { id: 'bob', name: 'Bob' }, state: 'friend' });
    assert.deepEqual(await updated(bob, 'alice', 'friend'), { type: 'friends.updated', user: { id: 'alice', name: 'Alice' }, state: 'friend' });
    const page = await list(alice);
    assert.deepEqual({ ...page, reqId: '' }, { type: 'friends', reqId: '', items: [{ id: 'bob', name: 'Bob' }], hasMore: false });
    assert.deepEqual(await ids(bob), ['alice']);
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text('now friends') });
    await alice.next('message.ack');
    assert.equal(await ask(alice, { type: 'friend.add', userId: 'bob' }), 'ok', 'adding a friend again changes nothing');
    assert.deepEqual(await ids(alice, 'out'), [], 'no request with requests off');
  });

  it('removes: both hear `none`, the lists are empty, and accept/decline/cancel find no request', async () => {
    assert.equal(await ask(bob, { type: 'friend.remove', userId: 'alice' }), 'ok');
    await updated(alice, 'bob', 'none');
    await updated(alice2, 'bob', 'none');
    await updated(bob, 'alice', 'none');
    assert.deepEqual(await ids(alice), []);
    for (const type of ['friend.accept', 'friend.decline', 'friend.cancel']) assert.equal(await ask(alice, { type, userId: 'bob' }), 'FRIEND_REQUEST_UNKNOWN', type);
  });

  it('refuses oneself and people who do not exist', async () => {
    assert.equal(await ask(alice, { type: 'friend.add', userId: 'alice' }), 'SELF_CONVERSATION');
    assert.equal(await ask(alice, { type: 'friend.add', userId: 'nobody' }), 'USER_UNKNOWN');
  });

  it('pages the list by id, and the admin REST API changes friendships with every device told', async () => {
    for (const u of ['carol', 'dave', 'bob']) assert.equal((await t.rest('PUT', `/v1/users/alice/friends/${u}`)).status < 300, true);
    await updated(alice, 'carol', 'friend');
    await updated(bob, 'alice', 'friend');
    const first = await list(alice, { limit: 2 });
    assert.deepEqual([first.items.map((i) => i.id), first.hasMore], [['bob', 'carol'], true]);
    const second = await list(alice, { after: 'carol', limit: 2 });
    assert.deepEqual([second.items.map((i) => i.id), second.hasMore], [['dave'], false]);
    await t.rest('DELETE', '/v1/users/alice/friends/dave');
    await updated(alice2, 'dave', 'none');
  });
});

describe('friend requests (NATTER_FRIEND_REQUESTS=on)', () => {
  let t: TestServer;
  let alice: TestSocket, bob: TestSocket, bob2: TestSocket, carol: TestSocket, dave: TestSocket;
  before(async () => {
    t = await startServer({ friendRequests: true, maxPendingFriendRequests: 2 });
    await createUsers(t, 'alice', 'bob', 'carol', 'dave', 'erin', 'frank');
    [alice, bob, bob2, carol, dave] = await Promise.all(['alice', 'bob', 'bob', 'carol', 'dave'].map((u) => t.login(u)));
  });
  after(() => t.stop());

  it('a request waits for the answer; accepting makes friends on every device of both', async () => {
    assert.equal(await ask(alice, { type: 'friend.add', userId: 'bob', message: 'Hi, it is Alice' }), 'ok');
    const out = await updated(alice, 'bob');
    assert.equal(out.state, 'out');
    assert.equal(out.user.message, 'Hi, it is Alice');
    assert.equal(out.user.name, undefined, 'a request sent shows its receiver by id only: no stranger’s profile');
    for (const s of [bob, bob2]) {
      const inc = await updated(s, 'alice');
      assert.deepEqual([inc.state, inc.user.name, inc.user.message, typeof inc.user.time], ['in', 'Alice', 'Hi, it is Alice', 'number']);
    }
    assert.deepEqual(await ids(alice), [], 'not friends yet');
    assert.deepEqual((await list(alice, { list: 'out' })).items.map((i) => [i.id, i.name, i.message]), [['bob', undefined, 'Hi, it is Alice']]);
    const incoming = await list(bob, { list: 'in' });
    assert.deepEqual(incoming.items.map((i) => [i.id, i.message]), [['alice', 'Hi, it is Alice']]);
    assert.equal(await ask(alice, { type: 'friend.accept', userId: 'bob' }), 'FRIEND_REQUEST_UNKNOWN', 'the sender cannot accept her own request');
    assert.equal(await ask(bob2, { type: 'friend.accept', userId: 'alice' }), 'ok');
    await updated(alice, 'bob', 'friend');
    for (const s of [bob, bob2]) await updated(s, 'alice', 'friend');
    assert.deepEqual(await ids(bob), ['alice']);
    assert.deepEqual(await ids(bob, 'in'), []);
    assert.deepEqual(await ids(alice, 'out'), []);
  });

  it('declined and cancelled requests are gone for both; a request to someone who asked first accepts theirs', async () => {
    assert.equal(await ask(carol, { type: 'friend.add', userId: 'dave' }), 'ok');
    await updated(dave, 'carol', 'in');
    assert.equal(await ask(dave, { type: 'friend.decline', userId: 'carol' }), 'ok');
    await updated(carol, 'dave', 'none');
    await updated(dave, 'carol', 'none');
    assert.deepEqual(await ids(carol, 'out'), []);
    assert.equal(await ask(dave, { type: 'friend.decline', userId: 'carol' }), 'FRIEND_REQUEST_UNKNOWN');

    assert.equal(await ask(carol, { type: 'friend.add', userId: 'dave' }), 'ok');
    await updated(dave, 'carol', 'in');
    assert.equal(await ask(carol, { type: 'friend.cancel', userId: 'dave' }), 'ok');
    await updated(dave, 'carol', 'none');
    assert.deepEqual(await ids(dave, 'in'), []);

    assert.equal(await ask(carol, { type: 'friend.add', userId: 'dave' }), 'ok');
    await updated(dave, 'carol', 'in');
    assert.equal(await ask(dave, { type: 'friend.add', userId: 'carol' }), 'ok');
    await updated(carol, 'dave', 'friend');
    assert.deepEqual(await ids(dave), ['carol']);
  });

  it('bounds pending requests per sender and per receiver (FRIEND_REQUESTS_LIMIT)', async () => {
    assert.equal(await ask(alice, { type: 'friend.add', userId: 'carol' }), 'ok');
    assert.equal(await ask(alice, { type: 'friend.add', userId: 'dave' }), 'ok');
    assert.equal(await ask(alice, { type: 'friend.add', userId: 'erin' }), 'FRIEND_REQUESTS_LIMIT');
    assert.equal(await ask(alice, { type: 'friend.add', userId: 'carol' }), 'ok', 'a request already pending is no new one');
    assert.deepEqual(await ids(alice, 'out'), ['carol', 'dave']);
    assert.equal(await ask(alice, { type: 'friend.cancel', userId: 'carol' }), 'ok');
    assert.equal(await ask(alice, { type: 'friend.add', userId: 'erin' }), 'ok', 'room again after a cancel');
    // erin now has one waiting (alice's); two more senders fill her side.
    assert.equal(await ask(bob, { type: 'friend.add', userId: 'erin' }), 'ok');
    assert.equal(await ask(carol, { type: 'friend.add', userId: 'erin' }), 'FRIEND_REQUESTS_LIMIT');
  });

  it('refuses a note past its byte limit (MESSAGE_TOO_LARGE) and a bad user id (BAD_FRAME)', async () => {
    alice.send({ type: 'friend.add', reqId: 'big', userId: 'frank', message: 'x'.repeat(513) });
    assert.equal((await alice.next('error', (f) => f.reqId === 'big')).name, 'MESSAGE_TOO_LARGE');
    alice.send({ type: 'friend.remove', reqId: 'bad', userId: 'not an id!' });
    assert.equal((await alice.next('error', (f) => f.reqId === 'bad')).name, 'BAD_FRAME');
  });
});

describe('friend requests and the blocklist', () => {
  for (const seesError of [false, true]) {
    it(`a blocked user cannot request: ${seesError ? 'BLOCKED' : 'an apparent success that stores and tells nothing'}`, async () => {
      const t = await startServer({ friendRequests: true, blockedSenderSeesError: seesError });
      try {
        await createUsers(t, 'alice', 'bob');
        const [alice, bob] = await Promise.all([t.login('alice'), t.login('bob')]);
        assert.equal(await ask(alice, { type: 'blocklist.add', userId: 'bob' }), 'ok');
        assert.equal(await ask(bob, { type: 'friend.add', userId: 'alice' }), seesError ? 'BLOCKED' : 'ok');
        assert.deepEqual(await ids(alice, 'in'), []);
        assert.deepEqual(await ids(bob, 'out'), []);
        await alice.roundTrip();
        assert.ok(!alice.received.some((f) => f.type === 'friends.updated'), 'alice hears nothing');
        // Alice may still ask bob herself: her block is her own choice.
        assert.equal(await ask(alice, { type: 'friend.add', userId: 'bob' }), 'ok');
        await updated(bob, 'alice', 'in');
      } finally {
        await t.stop();
      }
    });
  }

  it('blocking someone drops the request they had waiting, telling only the one who blocked', async () => {
    const t = await startServer({ friendRequests: true });
    try {
      await createUsers(t, 'alice', 'bob');
      const [alice, bob] = await Promise.all([t.login('alice'), t.login('bob')]);
      assert.equal(await ask(bob, { type: 'friend.add', userId: 'alice' }), 'ok');
      await updated(alice, 'bob', 'in');
      await updated(bob, 'alice', 'out');
      assert.equal(await ask(alice, { type: 'blocklist.add', userId: 'bob' }), 'ok');
      await updated(alice, 'bob', 'none');
      assert.deepEqual(await ids(alice, 'in'), []);
      await bob.roundTrip();
      assert.ok(!bob.received.some((f) => f.type === 'friends.updated'), 'bob is not told');
    } finally {
      await t.stop();
    }
  });

  it('bounds friend frames per user and minute (the `friends` frame budget): past it RATE_LIMITED', async () => {
    const t = await startServer({ frameBudgets: { friends: 3 } });
    try {
      await createUsers(t, 'alice', 'bob');
      const alice = await t.login('alice');
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await ask(alice, { type: i % 2 ? 'friend.remove' : 'friend.add', userId: 'bob' }));
      assert.deepEqual(answers, ['ok', 'ok', 'ok', 'RATE_LIMITED']);
      assert.deepEqual(await ids(alice), ['bob'], 'the refused remove did nothing; a list is a read, outside that budget');
    } finally {
      await t.stop();
    }
  });
});
