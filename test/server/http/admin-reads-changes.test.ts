import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ConversationId, Message } from '../../../src/protocol/index.js';
import { serverOnEachStore } from '../helpers/store-server.js';
import { cmid, createUsers, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { GUARD_MS } from '../../guard.js';

/**
 * The site's backend reading users, groups and members, and moderating a message's text and pins
 * over REST (as Stream's and Sendbird's server-side APIs do), on SQLite and PostgreSQL.
 */

let now = Date.now();

async function sendText(s: TestSocket, conversationId: ConversationId, body: string): Promise<{ id: string; seq: number }> {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, conversationId, elem: text(body) });
  const ack = await s.nextOf(['message.ack', 'message.error']);
  if (ack.type !== 'message.ack') assert.fail(`send refused: ${ack.name}`);
  return ack;
}

const historyOf = async (t: TestServer, user: string, id: string): Promise<Message[]> =>
  (await t.rest('GET', `/v1/users/${user}/conversations/${id}/messages`)).body.messages;

serverOnEachStore('admin REST: edit and pin any message', (server) => {
  /** A server with `users` made and put in the group `id`, named `name`. */
  async function serverWithGroup(id: string, name: string, ...users: string[]): Promise<TestServer> {
    const t = server();
    await createUsers(t, ...users);
    await t.rest('POST', '/v1/groups', { id, name, members: users });
    return t;
  }

  it('edits anyone\'s text any time: every device and the history get the new text, marked edited, by system; a retry applies once', async () => {
    const t = await serverWithGroup('team', 'Team', 'alice', 'bob', 'carol');
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const m = await sendText(alice, 'group:team', 'my card is 4111 1111 zebracode');
    // Past the users' edit window: the sender could no longer edit it; the site still can.
    now += 3_600_000;
    alice.send({ type: 'change.send', changeId: cmid(), conversationId: 'group:team', messageId: m.id, change: { kind: 'edit', text: 'x' } });
    assert.equal((await alice.next('change.error')).name, 'CHANGE_WINDOW_EXPIRED');

    const changeId = cmid();
    const res = await t.rest('PATCH', `/v1/messages/${m.id}?groupId=team`, { text: '[removed by a moderator]', changeId });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.edited, m.id);
    const live = await bob.next('message.new', (f) => f.message.seq === res.body.seq);
    assert.equal(live.message.sender, 'system');
    assert.deepEqual(live.message.elem, { type: 'change', target: m.id, change: { kind: 'edit', text: '[removed by a moderator]' } });
    await alice.next('message.new', (f) => f.message.seq === res.body.seq);

    const stored = (await historyOf(t, 'carol', 'group:team')).find((x) => x.id === m.id)!;
    assert.deepEqual(stored.elem, { type: 'text', text: '[removed by a moderator]' });
    assert.equal(typeof stored.edited, 'number');
    // The redacted words are gone from search; the new ones are found.
    assert.deepEqual((await t.rest('GET', '/v1/users/carol/search?q=zebracode')).body.results, []);
    assert.deepEqual((await t.rest('GET', '/v1/users/carol/search?q=moderator')).body.results.map((r: { message: Message }) => r.message.id), [m.id]);

    const again = await t.rest('PATCH', `/v1/messages/${m.id}?groupId=team`, { text: '[removed by a moderator]', changeId });
    assert.deepEqual(again.body, { ...res.body, duplicate: true });
    // The key is the admin's across conversations: reused in another one, it is refused.
    const elsewhere = await sendText(alice, 'p2p:bob', 'hi bob');
    const reused = await t.rest('PATCH', `/v1/messages/${elsewhere.id}?from=alice&to=bob`, { text: 'x', changeId });
    assert.deepEqual([reused.status, reused.body.name], [409, 'CLIENT_MSG_ID_REUSED']);
    // Only text can be edited; a recalled message no more; an unknown one is unknown.
    const recalled = await sendText(bob, 'group:team', 'gone soon');
    assert.equal((await t.rest('DELETE', `/v1/messages/${recalled.id}?groupId=team`)).status, 200);
    assert.equal((await t.rest('PATCH', `/v1/messages/${recalled.id}?groupId=team`, { text: 'back' })).body.name, 'MESSAGE_RECALLED');
    assert.equal((await t.rest('PATCH', `/v1/messages/no-such-message?groupId=team`, { text: 'x' })).body.name, 'MESSAGE_UNKNOWN');
    bob.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'group:team', elem: { type: 'location', description: 'Office', latitude: 1, longitude: 2 } });
    const place = await bob.next('message.ack');
    assert.equal((await t.rest('PATCH', `/v1/messages/${place.id}?groupId=team`, { text: 'x' })).body.name, 'NOT_EDITABLE');
    // Bad bodies and places; a user's token is refused.
    assert.equal((await t.rest('PATCH', `/v1/messages/${m.id}?groupId=team`, { text: '' })).status, 400);
    assert.equal((await t.rest('PATCH', `/v1/messages/${m.id}?groupId=team`, { text: 'x', extra: 1 })).status, 400);
    assert.equal((await t.rest('PATCH', `/v1/messages/${m.id}`, { text: 'x' })).status, 400);
    // Both places at once (the group and a pair) is refused, not guessed, on every route that takes one; so is half a pair.
    for (const [method, path, body] of [['PATCH', '', { text: 'x' }], ['DELETE', '', undefined], ['PUT', '/pin', undefined], ['DELETE', '/pin', undefined]] as const) {
      for (const query of ['groupId=team&from=alice&to=bob', 'groupId=team&from=alice', 'to=bob', 'groupId=team&groupId=team']) {
        const res = await t.rest(method, `/v1/messages/${m.id}${path}?${query}`, body);
        assert.deepEqual([res.status, res.body.name], [400, 'BAD_REQUEST'], `${method} ${path} ?${query}: ${JSON.stringify(res.body)}`);
        if (!query.includes('groupId=team&groupId')) assert.match(res.body.message, /`groupId`, or `from` and `to`/);
      }
    }
    assert.deepEqual((await historyOf(t, 'carol', 'group:team')).find((x) => x.id === m.id)!.elem, { type: 'text', text: '[removed by a moderator]' });
    assert.equal((await t.rest('PATCH', `/v1/messages/${m.id}?groupId=team`, { text: 'x' }, await t.token('alice'))).status, 403);
    alice.close();
    bob.close();
  });

  it('edits in a 1:1 chat named by its two users, in either order', async () => {
    const t = server();
    await createUsers(t, 'dora', 'eve');
    const dora = await t.login('dora');
    const m = await sendText(dora, 'p2p:eve', 'call me at 555-0199');
    const res = await t.rest('PATCH', `/v1/messages/${m.id}?from=eve&to=dora`, { text: 'call me' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual((await historyOf(t, 'eve', 'p2p:dora')).find((x) => x.id === m.id)!.elem, { type: 'text', text: 'call me' });
    // Not in the chat of two other users.
    await createUsers(t, 'fay');
    assert.equal((await t.rest('PATCH', `/v1/messages/${m.id}?from=eve&to=fay`, { text: 'x' })).body.name, 'MESSAGE_UNKNOWN');
    dora.close();
  });

  it('pins and unpins whatever NATTER_PIN says, shown to members with the pins', async () => {
    const t = await serverWithGroup('news', 'News', 'gil', 'hal');
    const gil = await t.login('gil');
    const m = await sendText(gil, 'group:news', 'Read the rules');
    // Members may not pin here (pin: admins); the site may.
    gil.send({ type: 'change.send', changeId: cmid(), conversationId: 'group:news', messageId: m.id, change: { kind: 'pin', on: true } });
    assert.equal((await gil.next('change.error')).name, 'PIN_FORBIDDEN');
    const pinned = await t.rest('PUT', `/v1/messages/${m.id}/pin?groupId=news`);
    assert.equal(pinned.status, 200, JSON.stringify(pinned.body));
    assert.deepEqual({ ...pinned.body, seq: 0 }, { pinned: true, messageId: m.id, seq: 0 });
    const event = await gil.next('message.new', (f) => f.message.seq === pinned.body.seq);
    assert.deepEqual([event.message.sender, event.message.elem], ['system', { type: 'change', target: m.id, change: { kind: 'pin', on: true } }]);
    gil.send({ type: 'pins.fetch', reqId: 'p1', conversationId: 'group:news' });
    const pins = await gil.next('pins');
    assert.deepEqual(pins.pins.map((p) => [p.messageId, p.by]), [[m.id, 'system']]);

    const unpinned = await t.rest('DELETE', `/v1/messages/${m.id}/pin?groupId=news`);
    assert.equal(unpinned.body.pinned, false);
    assert.ok(unpinned.body.seq > pinned.body.seq);
    gil.send({ type: 'pins.fetch', reqId: 'p2', conversationId: 'group:news' });
    assert.deepEqual((await gil.next('pins')).pins, []);
    // A retry with the same changeId applies once.
    const changeId = cmid();
    const first = await t.rest('PUT', `/v1/messages/${m.id}/pin?groupId=news&changeId=${changeId}`);
    const retry = await t.rest('PUT', `/v1/messages/${m.id}/pin?groupId=news&changeId=${changeId}`);
    assert.deepEqual(retry.body, { ...first.body, duplicate: true });
    assert.equal((await t.rest('PUT', `/v1/messages/${m.id}/pin?groupId=news&changeId=bad`)).status, 400);
    assert.equal((await t.rest('PUT', `/v1/messages/${m.id}/pin?groupId=news`, undefined, await t.token('gil'))).status, 403);
    gil.close();
  });

  it('refuses a changeId reused for another message or another change (409), on REST and from a device, and changes nothing', async () => {
    const t = server();
    await createUsers(t, 'ida', 'jon');
    const ida = await t.login('ida');
    const jon = await t.login('jon');
    const a = await sendText(ida, 'p2p:jon', 'first words');
    const b = await sendText(ida, 'p2p:jon', 'second words');
    const changeId = cmid();
    assert.equal((await t.rest('PATCH', `/v1/messages/${a.id}?from=ida&to=jon`, { text: 'first, edited', changeId })).status, 200);
    // The key of a's edit, on b: neither an edit of b nor a pin of b happened, so neither answers as done.
    const onB = await t.rest('PATCH', `/v1/messages/${b.id}?from=ida&to=jon`, { text: 'second, edited', changeId });
    assert.deepEqual([onB.status, onB.body.name], [409, 'CLIENT_MSG_ID_REUSED'], JSON.stringify(onB.body));
    const pinB = await t.rest('PUT', `/v1/messages/${b.id}/pin?from=ida&to=jon&changeId=${changeId}`);
    assert.deepEqual([pinB.status, pinB.body.name], [409, 'CLIENT_MSG_ID_REUSED'], JSON.stringify(pinB.body));
    // A pin's key on the unpin of the same message: the message stays pinned, so no `pinned: false`.
    const pinKey = cmid();
    assert.equal((await t.rest('PUT', `/v1/messages/${a.id}/pin?from=ida&to=jon&changeId=${pinKey}`)).status, 200);
    const unpin = await t.rest('DELETE', `/v1/messages/${a.id}/pin?from=ida&to=jon&changeId=${pinKey}`);
    assert.deepEqual([unpin.status, unpin.body.name], [409, 'CLIENT_MSG_ID_REUSED'], JSON.stringify(unpin.body));
    const history = await historyOf(t, 'jon', 'p2p:ida');
    assert.deepEqual(history.find((x) => x.id === b.id)!.elem, { type: 'text', text: 'second words' });
    jon.send({ type: 'pins.fetch', reqId: 'p', conversationId: 'p2p:ida' });
    assert.deepEqual((await jon.next('pins')).pins.map((p) => p.messageId), [a.id]);
    // A device's change.send likewise: its reaction's key on another message, or on taking it back.
    const key = cmid();
    const react = (messageId: string, on: boolean) => jon.send({ type: 'change.send', changeId: key, conversationId: 'p2p:ida', messageId, change: { kind: 'reaction', emoji: '👍', on } });
    react(a.id, true);
    await jon.next('change.ack');
    react(a.id, true);
    assert.equal((await jon.next('change.ack')).duplicate, true);
    for (const [messageId, on] of [[b.id, true], [a.id, false]] as const) {
      react(messageId, on);
      assert.equal((await jon.next('change.error')).name, 'CLIENT_MSG_ID_REUSED', `${messageId === b.id ? 'b' : 'a'} ${on}`);
    }
    assert.equal((await historyOf(t, 'jon', 'p2p:ida')).find((x) => x.id === b.id)!.reactions, undefined);
    ida.close();
    jon.close();
  });

  it("races the moderator's edits, pin and recall against the sender's edits and recall: every device gets each change once, in seq order, and nothing changes a recalled message", async () => {
    const t = await serverWithGroup('race', 'Race', 'kim', 'lou');
    const kim = await t.login('kim');
    const watchers = [await t.login('lou'), await t.login('lou')];
    const targets: string[] = [];
    for (let round = 0; round < 6; round++) {
      const m = await sendText(kim, 'group:race', `race ${round}`);
      targets.push(m.id);
      const admin = [
        ...[0, 1, 2].map((i) => t.rest('PATCH', `/v1/messages/${m.id}?groupId=race`, { text: `moderated ${i}` })),
        t.rest('DELETE', `/v1/messages/${m.id}?groupId=race`),
        t.rest('PUT', `/v1/messages/${m.id}/pin?groupId=race`),
      ];
      for (const change of [{ kind: 'edit', text: 'mine 1' }, { kind: 'recall' }, { kind: 'edit', text: 'mine 2' }]) {
        kim.send({ type: 'change.send', changeId: cmid(), conversationId: 'group:race', messageId: m.id, change });
      }
      // Each answer is a success or MESSAGE_RECALLED (the recall came first), never another error.
      for (const res of await Promise.all(admin)) assert.ok(res.status === 200 || res.body.name === 'MESSAGE_RECALLED', JSON.stringify(res.body));
      for (let i = 0; i < 3; i++) {
        const f = await kim.nextOf(['change.ack', 'change.error']);
        assert.ok(f.type === 'change.ack' || f.name === 'MESSAGE_RECALLED', JSON.stringify(f));
      }
    }
    const last = (await historyOf(t, 'lou', 'group:race')).at(-1)!.seq;
    for (const w of watchers) {
      const seqsOf = () => w.received.flatMap((f) => (f.type === 'message.new' && f.message.conversationId === 'group:race' ? [f.message.seq] : []));
      for (const deadline = Date.now() + GUARD_MS; !seqsOf().includes(last); await new Promise((r) => setTimeout(r, 10))) {
        assert.ok(Date.now() < deadline, `seq ${last} should reach every device`);
      }
      await w.roundTrip();
      const seqs = seqsOf();
      const first = seqs[0]!;
      assert.deepEqual(seqs, Array.from({ length: last - first + 1 }, (_, i) => first + i), 'each seq once, in order, none missing');
    }
    const history = await historyOf(t, 'lou', 'group:race');
    for (const id of targets) {
      const changes = history.flatMap((x) => (x.elem.type === 'change' && x.elem.target === id ? [x.elem.change] : []));
      const recall = changes.findIndex((c) => c.kind === 'recall');
      assert.ok(recall >= 0, 'one of the two recalls went through');
      assert.deepEqual(changes.slice(recall + 1).filter((c) => c.kind !== 'pin' || c.on), [], 'no edit or pin after the recall');
      const stored = history.find((x) => x.id === id)!;
      assert.deepEqual([stored.elem, stored.pinned], [{ type: 'recalled' }, undefined]);
    }
    kim.close();
    for (const w of watchers) w.close();
  });
}, { clock: () => now, changes: { editWindowSeconds: 60, pin: 'admins' } });

serverOnEachStore('admin REST: users, groups and members', (server) => {
  it('reads a user, and refuses one who does not exist or was deleted', async () => {
    const t = server();
    await t.rest('PUT', '/v1/users/ivy', { name: 'Ivy', avatar: 'https://img.example/ivy.png' });
    const res = await t.rest('GET', '/v1/users/ivy');
    assert.equal(res.status, 200);
    assert.deepEqual({ ...res.body, createdAt: 0 }, { id: 'ivy', name: 'Ivy', avatar: 'https://img.example/ivy.png', createdAt: 0 });
    assert.equal(typeof res.body.createdAt, 'number');
    assert.equal((await t.rest('GET', '/v1/users/nobody')).body.name, 'USER_UNKNOWN');
    assert.equal((await t.rest('DELETE', '/v1/users/ivy')).status, 204);
    assert.equal((await t.rest('GET', '/v1/users/ivy')).status, 404);
    assert.equal((await t.rest('GET', '/v1/users/bad%20id')).status, 400);
  });

  it('reads a group with its owner and member count, and its members a page at a time with role, read position and group mute', async () => {
    const t = server();
    await createUsers(t, 'm1', 'm2', 'm3', 'm4', 'own');
    const created = await t.rest('POST', '/v1/groups', { id: 'club', name: 'Club', members: ['m1', 'm2', 'm3', 'm4'], owner: 'own', historyVisibility: 'all' });
    assert.equal(created.status, 201);
    await t.rest('PATCH', '/v1/groups/club', { notice: 'Be kind' });
    await t.rest('PUT', '/v1/groups/club/roles/m2', { role: 'admin' });
    await t.rest('PUT', '/v1/users/m3/mute', { groupId: 'club', until: now + 3_600_000, reason: 'spam' });
    const m1 = await t.login('m1');
    const said = await sendText(m1, 'group:club', 'hello club');
    m1.send({ type: 'conversation.read', reqId: 'r', conversationId: 'group:club', seq: said.seq });
    await m1.next('ok', (f) => f.reqId === 'r');

    const group = await t.rest('GET', '/v1/groups/club');
    assert.equal(group.status, 200);
    assert.deepEqual({ ...group.body, createdAt: 0 }, {
      id: 'club', conversationId: 'group:club', name: 'Club', notice: 'Be kind', historyVisibility: 'all', createdAt: 0, memberCount: 5, owner: 'own',
    });

    const first = await t.rest('GET', '/v1/groups/club/members?limit=2');
    assert.deepEqual(first.body, {
      items: [{ id: 'm1', name: 'M1', role: 'member', readSeq: said.seq }, { id: 'm2', name: 'M2', role: 'admin', readSeq: 0 }],
      next: 'm2',
    });
    const second = await t.rest('GET', `/v1/groups/club/members?limit=2&after=${first.body.next}`);
    assert.deepEqual(second.body.items.map((m: { id: string }) => m.id), ['m3', 'm4']);
    assert.deepEqual(second.body.items[0].muted, { until: now + 3_600_000 });
    const last = await t.rest('GET', `/v1/groups/club/members?limit=2&after=${second.body.next}`);
    assert.deepEqual(last.body, { items: [{ id: 'own', name: 'Own', role: 'owner', readSeq: 0 }] });
    assert.equal((await t.rest('GET', '/v1/groups/club/members')).body.items.length, 5);
    for (const bad of ['limit=0', 'limit=1001', 'limit=x', 'after=bad%20id']) {
      assert.equal((await t.rest('GET', `/v1/groups/club/members?${bad}`)).status, 400, bad);
    }
    assert.equal((await t.rest('GET', '/v1/groups/nope')).body.name, 'GROUP_UNKNOWN');
    assert.equal((await t.rest('GET', '/v1/groups/nope/members')).body.name, 'GROUP_UNKNOWN');

    // A dismissed group is still read, as dismissed and empty.
    assert.equal((await t.rest('DELETE', '/v1/groups/club')).status, 200);
    const dismissed = await t.rest('GET', '/v1/groups/club');
    assert.deepEqual([dismissed.body.dismissed, dismissed.body.memberCount, dismissed.body.owner], [true, 0, undefined]);
    assert.deepEqual((await t.rest('GET', '/v1/groups/club/members')).body, { items: [] });
    m1.close();
  });
}, { clock: () => now });
