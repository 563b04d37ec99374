import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ChatError, type ConversationId, type Message } from '../../../src/protocol/index.js';
import { groupKey, p2pKey } from '../../../src/server/core/conversation-key.js';
import type { BroadcastQuota, BroadcastRecord } from '../../../src/server/core/broadcast-store.js';
import type { Store } from '../../../src/server/core/store.js';
import { UNREAD_COUNT_MAX, type MessageDraft } from '../../../src/server/core/types.js';
import { changesContract } from './store-changes-contract.js';
import { webhooksContract } from './store-webhooks-contract.js';
import { searchContract } from './store-search-contract.js';
import { pushContract } from './store-push-contract.js';
import { groupsContract } from './store-groups-contract.js';
import { friendsContract } from './store-friends-contract.js';
import { moderationContract } from './store-moderation-contract.js';
import { reportsContract } from './store-reports-contract.js';

let n = 0;
/** A draft of a text message from `sender` in `key`, as `sender` names the conversation. */
export function draft(key: string, sender: string, over: Partial<Message> = {}, visibleTo?: string[]): MessageDraft {
  const type = key.startsWith('group:') ? 'group' : 'p2p';
  const conversationId = (type === 'group' ? key : `p2p:${key.slice(4).split('|').find((u) => u !== sender)}`) as ConversationId;
  const d: MessageDraft = {
    key,
    type,
    message: {
      id: `id-${++n}`, conversationId, seq: 0, clientMsgId: `client-${n}-msg`, sender, senderProfile: {},
      time: 1000 + n, elem: { type: 'text', text: `m${n}` }, ...over,
    },
  };
  if (visibleTo) d.visibleTo = visibleTo;
  return d;
}

/**
 * The behaviour every Store adapter must have. Run it with a name and a factory that returns
 * a fresh, empty store each call: every case gets its own, so no case sees another's users,
 * groups or messages (a case that listed "every conversation" of a user once failed on ids a
 * later case reused).
 */
export function storeContract(name: string, factory: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    changesContract(() => store);
    webhooksContract(() => store);
    searchContract(() => store);
    pushContract(() => store);
    groupsContract(() => store);
    friendsContract(() => store);
    moderationContract(() => store);
    reportsContract(() => store);
    broadcastContract(() => store);

    it('creates a user, updates only the given profile fields, and reports unknown users as undefined', async () => {
      await store.putUser('u1', { name: 'One', avatar: '/a.png' }, 5);
      const updated = await store.putUser('u1', { name: 'Uno' }, 6);
      assert.deepEqual(updated, { id: 'u1', name: 'Uno', avatar: '/a.png', deleted: false, createdAt: 5 });
      assert.equal(await store.getUser('nobody'), undefined);
    });

    it('deletes a user as a tombstone, drops their group memberships, and putUser brings them back', async () => {
      await store.putUser('d1', {}, 1);
      await store.putUser('u1', {}, 1);
      await store.createGroup({ id: 'gd', name: 'G', createdAt: 1 }, ['d1', 'u1']);
      assert.equal(await store.deleteUser('d1'), true);
      assert.equal((await store.getUser('d1'))?.deleted, true);
      assert.equal(await store.deleteUser('d1'), false);
      assert.deepEqual(await store.listGroupMembers('gd'), ['u1']);
      assert.equal((await store.putUser('d1', {}, 2)).deleted, false);
      // Created again at 2: tokens issued before it stay revoked; a later update keeps that time.
      assert.equal((await store.getUser('d1'))?.tokensValidAfter, 2);
      assert.equal((await store.putUser('d1', { name: 'D' }, 3)).tokensValidAfter, 2);
      assert.equal((await store.getUser('u1'))?.tokensValidAfter, undefined);
    });

    it('keeps friendship mutual and blocking one-directional', async () => {
      await store.setFriends('fa', 'fb', true);
      assert.equal(await store.areFriends('fb', 'fa'), true);
      await store.setFriends('fb', 'fa', false);
      assert.equal(await store.areFriends('fa', 'fb'), false);
      await store.setBlocked('fa', 'fc', true);
      await store.setBlocked('fa', 'fb', true);
      assert.equal(await store.isBlocked('fa', 'fc'), true);
      assert.equal(await store.isBlocked('fc', 'fa'), false);
      assert.deepEqual(await store.listBlocked('fa'), ['fb', 'fc']);
      await store.setBlocked('fa', 'fc', false);
      assert.deepEqual(await store.listBlocked('fa'), ['fb']);
    });

    it('keeps who hides their presence, answering in the order asked', async () => {
      assert.deepEqual(await store.presenceHiddenAmong([]), []);
      await store.setPresenceHidden('ph2', true);
      await store.setPresenceHidden('ph1', true);
      await store.setPresenceHidden('ph1', true);
      assert.deepEqual(await store.presenceHiddenAmong(['ph3', 'ph2', 'ph1']), ['ph2', 'ph1']);
      await store.setPresenceHidden('ph2', false);
      await store.setPresenceHidden('ph3', false);
      assert.deepEqual(await store.presenceHiddenAmong(['ph1', 'ph2', 'ph3']), ['ph1']);
    });

    it('refuses a second group with the same id with GROUP_EXISTS', async () => {
      await store.createGroup({ id: 'g1', name: 'First', createdAt: 1 }, ['a', 'b']);
      await assert.rejects(store.createGroup({ id: 'g1', name: 'Again', createdAt: 2 }, []), (e: unknown) => e instanceof ChatError && e.name === 'GROUP_EXISTS');
      assert.deepEqual(await store.getGroup('g1'), { id: 'g1', name: 'First', createdAt: 1, historyVisibility: 'since-join' });
      assert.deepEqual(await store.listGroupMembers('g1'), ['a', 'b']);
    });

    it('adds a member once, reading from the current last seq, and removes them', async () => {
      await store.createGroup({ id: 'g2', name: 'G2', createdAt: 1 }, ['a']);
      await store.commitMessages([draft(groupKey('g2'), 'a'), draft(groupKey('g2'), 'a')]);
      assert.equal(await store.addGroupMember('g2', 'c'), true);
      assert.equal(await store.addGroupMember('g2', 'c'), false);
      assert.equal((await store.getConversation('c', groupKey('g2')))?.readSeq, 2);
      assert.equal(await store.isGroupMember('g2', 'c'), true);
      assert.equal(await store.removeGroupMember('g2', 'c'), true);
      assert.equal(await store.removeGroupMember('g2', 'c'), false);
      assert.equal(await store.getConversation('c', groupKey('g2')), undefined);
    });

    it('stores a group\'s history visibility (default since-join) and changes it; unknown groups give undefined', async () => {
      await store.createGroup({ id: 'hv1', name: 'H', createdAt: 1, historyVisibility: 'all' }, ['a']);
      await store.createGroup({ id: 'hv2', name: 'H', createdAt: 1 }, ['a']);
      assert.equal((await store.getGroup('hv1'))?.historyVisibility, 'all');
      assert.equal((await store.getGroup('hv2'))?.historyVisibility, 'since-join');
      assert.deepEqual(await store.updateGroup('hv1', { historyVisibility: 'since-join' }), { id: 'hv1', name: 'H', createdAt: 1, historyVisibility: 'since-join' });
      assert.equal((await store.getGroup('hv1'))?.historyVisibility, 'since-join');
      assert.equal((await store.updateGroup('hv2', {}))?.historyVisibility, 'since-join');
      assert.equal(await store.updateGroup('nope', { historyVisibility: 'all' }), undefined);
    });

    it('gives a member added to a since-join group a history floor at the join; first members and all-groups have none', async () => {
      const k = groupKey('hv3');
      await store.createGroup({ id: 'hv3', name: 'H', createdAt: 1 }, ['a']);
      await store.commitMessages([draft(k, 'a'), draft(k, 'a'), draft(k, 'a')]);
      await store.addGroupMember('hv3', 'late');
      await store.commitMessages([draft(k, 'a')]);
      assert.equal((await store.getConversation('a', k))?.historyFloor ?? 0, 0);
      assert.equal((await store.getConversation('late', k))?.historyFloor, 3);
      assert.equal((await store.listConversations('late')).find((c) => c.key === k)?.historyFloor, 3);
      // The setting decides, not the membership row: 'all' lifts the floor, back to 'since-join' restores it.
      await store.updateGroup('hv3', { historyVisibility: 'all' });
      assert.equal((await store.getConversation('late', k))?.historyFloor ?? 0, 0);
      await store.updateGroup('hv3', { historyVisibility: 'since-join' });
      assert.equal((await store.getConversation('late', k))?.historyFloor, 3);
      // Leaving and joining again starts a new floor.
      await store.removeGroupMember('hv3', 'late');
      await store.addGroupMember('hv3', 'late');
      assert.equal((await store.getConversation('late', k))?.historyFloor, 4);
      // A 1:1 chat has none.
      await store.commitMessages([draft(p2pKey('hv-p', 'late'), 'hv-p')]);
      assert.equal((await store.getConversation('late', p2pKey('hv-p', 'late')))?.historyFloor ?? 0, 0);
    });

    it('assigns gapless seqs per conversation in batch order', async () => {
      await store.createGroup({ id: 'g3', name: 'G3', createdAt: 1 }, ['a', 'b']);
      const k = groupKey('g3');
      const p = p2pKey('a', 'b');
      const out = await store.commitMessages([draft(k, 'a'), draft(p, 'a'), draft(k, 'b'), draft(p, 'b'), draft(k, 'a')]);
      assert.deepEqual(out.map((o) => (o.status === 'conflict' ? -1 : o.message.seq)), [1, 1, 2, 2, 3]);
      const more = await store.commitMessages([draft(k, 'b')]);
      assert.equal(more[0]!.status === 'committed' && more[0]!.message.seq, 4);
      assert.equal((await store.getConversation('a', k))?.lastSeq, 4);
    });

    it('returns the original message for a repeated (sender, clientMsgId), in the same batch or later, without a new seq', async () => {
      await store.createGroup({ id: 'g4', name: 'G4', createdAt: 1 }, ['a', 'b']);
      const k = groupKey('g4');
      const first = draft(k, 'a', { clientMsgId: 'same-client-id' });
      const again = draft(k, 'a', { clientMsgId: 'same-client-id' });
      const out = await store.commitMessages([first, again]);
      assert.equal(out[0]!.status, 'committed');
      const dup = out[1]!;
      assert.equal(dup.status === 'duplicate' && dup.message.id, first.message.id);
      const later = await store.commitMessages([draft(k, 'a', { clientMsgId: 'same-client-id' })]);
      assert.equal(later[0]!.status === 'duplicate' && later[0]!.message.seq, 1);
      assert.equal((await store.getConversation('a', k))?.lastSeq, 1);
      // Another sender may use the same clientMsgId.
      const other = await store.commitMessages([draft(k, 'b', { clientMsgId: 'same-client-id' })]);
      assert.equal(other[0]!.status, 'committed');
    });

    it('reports a clientMsgId reused for another conversation as a conflict', async () => {
      await store.createGroup({ id: 'g5', name: 'G5', createdAt: 1 }, ['a']);
      await store.commitMessages([draft(groupKey('g5'), 'a', { clientMsgId: 'reused-id-1' })]);
      const out = await store.commitMessages([draft(p2pKey('a', 'z'), 'a', { clientMsgId: 'reused-id-1' })]);
      assert.deepEqual(out, [{ status: 'conflict' }]);
    });

    it('gives both sides of a p2p chat a membership, but a sender-only message only the sender', async () => {
      const k = p2pKey('pa', 'pb');
      await store.commitMessages([draft(k, 'pa', {}, ['pa'])]);
      assert.ok(await store.getConversation('pa', k));
      assert.equal(await store.getConversation('pb', k), undefined);
      await store.commitMessages([draft(k, 'pa')]);
      const pb = await store.getConversation('pb', k);
      assert.deepEqual(pb, { key: k, type: 'p2p', target: 'pa', lastSeq: 2, readSeq: 0, peerReadSeq: 0 });
    });

    it('reads a range of visible messages in ascending order, oldest or newest first', async () => {
      const k = p2pKey('ra', 'rb');
      await store.commitMessages([
        draft(k, 'ra'), draft(k, 'ra', {}, ['ra']), draft(k, 'rb'), draft(k, 'ra'), draft(k, 'rb'),
      ]);
      const seqs = (ms: Message[]) => ms.map((m) => m.seq);
      assert.deepEqual(seqs(await store.readRange(k, 'rb', { afterSeq: 0, toSeq: 5, limit: 10, take: 'oldest' })), [1, 3, 4, 5]);
      assert.deepEqual(seqs(await store.readRange(k, 'ra', { afterSeq: 0, toSeq: 5, limit: 2, take: 'oldest' })), [1, 2]);
      assert.deepEqual(seqs(await store.readRange(k, 'rb', { afterSeq: 1, toSeq: 4, limit: 2, take: 'newest' })), [3, 4]);
      assert.equal(await store.hasVisibleBefore(k, 'rb', 3), true);
      assert.equal(await store.hasVisibleBefore(k, 'rb', 1), false);
      const found = await store.findMessage(k, (await store.readRange(k, 'ra', { afterSeq: 1, toSeq: 2, limit: 1, take: 'oldest' }))[0]!.id);
      assert.deepEqual(found?.visibleTo, ['ra']);
    });

    it('finds many messages of one conversation by id in one read, with who may see each', async () => {
      const k = p2pKey('fa', 'fb');
      const other = p2pKey('fa', 'fc');
      const [a, b, c] = [draft(k, 'fa'), draft(k, 'fa', {}, ['fa']), draft(k, 'fb', { elem: { type: 'text', text: 'third' } })];
      const elsewhere = draft(other, 'fa');
      await store.commitMessages([a, b, c]);
      await store.commitMessages([elsewhere]);
      const ids = [a.message.id, b.message.id, c.message.id];
      const found = await store.findMessages(k, [c.message.id, b.message.id, 'no-such-id', elsewhere.message.id, c.message.id]);
      assert.deepEqual([...found.keys()].sort(), [b.message.id, c.message.id].sort());
      assert.deepEqual(found.get(b.message.id)?.visibleTo, ['fa']);
      assert.equal(found.get(c.message.id)?.visibleTo, undefined);
      assert.deepEqual(found.get(c.message.id)?.message.elem, { type: 'text', text: 'third' });
      // The same as one lookup each.
      for (const id of ids) {
        const one = await store.findMessage(k, id);
        const many = (await store.findMessages(k, ids)).get(id);
        assert.deepEqual(many, one);
      }
      assert.equal((await store.findMessages(k, [])).size, 0);
      assert.equal((await store.findMessages(other, [a.message.id])).size, 0);
    });

    it('raises the read position only, never past the last seq, and only for members', async () => {
      const k = p2pKey('ma', 'mb');
      await store.commitMessages([draft(k, 'ma'), draft(k, 'ma'), draft(k, 'ma')]);
      assert.equal(await store.markRead('mb', k, 2), 2);
      assert.equal(await store.markRead('mb', k, 1), 2);
      assert.equal(await store.markRead('mb', k, 99), 3);
      assert.equal(await store.markRead('stranger', k, 2), 0);
      assert.equal((await store.getConversation('ma', k))?.peerReadSeq, 3);
    });

    it('counts unread messages from others after the read position, honouring exclusions, visibility and mentions', async () => {
      await store.createGroup({ id: 'g6', name: 'G6', createdAt: 1 }, ['a', 'b', 'c']);
      const k = groupKey('g6');
      await store.commitMessages([
        draft(k, 'a'),
        draft(k, 'b'),
        draft(k, 'a', { isExcludedFromUnreadCount: true }),
        draft(k, 'a', {}, ['a', 'c']),
        draft(k, 'a', { groupAtUserList: ['b_x'] }),
      ]);
      assert.deepEqual(await store.unreadState(k, 'b', 0), { unread: 2, mentioned: false });
      assert.deepEqual(await store.unreadState(k, 'c', 1), { unread: 3, mentioned: false });
      await store.commitMessages([draft(k, 'a', { groupAtUserList: ['b'] })]);
      assert.deepEqual(await store.unreadState(k, 'b', 5), { unread: 1, mentioned: true });
      await store.commitMessages([draft(k, 'c', { groupAtUserList: ['@all'] })]);
      assert.deepEqual(await store.unreadState(k, 'a', 6), { unread: 1, mentioned: true });
    });

    it('counts unread up to UNREAD_COUNT_MAX (the count no longer reads every unread row), a mention older than those still counting', async () => {
      await store.createGroup({ id: 'g-lurk', name: 'Lurk', createdAt: 1 }, ['talker', 'lurker', 'other']);
      const k = groupKey('g-lurk');
      const n = UNREAD_COUNT_MAX + 5;
      const drafts = Array.from({ length: n }, (_, i) => draft(k, 'talker', i === 0 ? { groupAtUserList: ['lurker'] } : {}));
      await store.commitMessages(drafts);
      assert.deepEqual(await store.unreadState(k, 'lurker', 0), { unread: UNREAD_COUNT_MAX, mentioned: true }, 'the mention is the oldest, past the newest counted');
      assert.deepEqual(await store.unreadState(k, 'other', 0), { unread: UNREAD_COUNT_MAX, mentioned: false });
      assert.deepEqual(await store.unreadState(k, 'lurker', 1), { unread: UNREAD_COUNT_MAX, mentioned: false }, 'the mention read');
      assert.deepEqual(await store.unreadState(k, 'other', n - 3), { unread: 3, mentioned: false });
    });

    it('gives the newest visible message not excluded from the last message', async () => {
      const k = p2pKey('la', 'lb');
      const [first] = await store.commitMessages([draft(k, 'la'), draft(k, 'la', { isExcludedFromLastMessage: true }), draft(k, 'la', {}, ['la'])]);
      assert.equal((await store.lastMessage(k, 'lb'))?.id, first!.status === 'committed' ? first!.message.id : '');
      assert.equal((await store.lastMessage(k, 'la'))?.seq, 3);
    });

    it('lists every conversation of a user with its state', async () => {
      await store.createGroup({ id: 'g7', name: 'G7', createdAt: 1 }, ['ca']);
      await store.commitMessages([draft(p2pKey('ca', 'cb'), 'cb')]);
      const list = await store.listConversations('ca');
      assert.deepEqual(list.map((c) => [c.key, c.type, c.target, c.lastSeq]).sort(), [
        [groupKey('g7'), 'group', 'g7', 0],
        [p2pKey('ca', 'cb'), 'p2p', 'cb', 1],
      ]);
    });

    it('lists the members of a conversation with their read positions and current profiles', async () => {
      await store.putUser('mm1', { name: 'Emm', avatar: '/m.png' }, 1);
      await store.createGroup({ id: 'g8', name: 'G8', createdAt: 1 }, ['mm2', 'mm1']);
      const k = groupKey('g8');
      await store.commitMessages([draft(k, 'mm1'), draft(k, 'mm2')]);
      await store.markRead('mm2', k, 1);
      await store.addGroupMember('g8', 'mm3');
      assert.deepEqual(await store.listMembers(k), [
        { userId: 'mm1', readSeq: 0, role: 'member', name: 'Emm', avatar: '/m.png' },
        { userId: 'mm2', readSeq: 1, role: 'member' },
        { userId: 'mm3', readSeq: 2, role: 'member' },
      ]);
      await store.removeGroupMember('g8', 'mm3');
      assert.deepEqual((await store.listMembers(k)).map((m) => m.userId), ['mm1', 'mm2']);
      const p = p2pKey('mm1', 'mm4');
      await store.commitMessages([draft(p, 'mm4')]);
      await store.markRead('mm1', p, 1);
      assert.deepEqual(await store.listMembers(p), [{ userId: 'mm1', readSeq: 1, name: 'Emm', avatar: '/m.png' }, { userId: 'mm4', readSeq: 0 }]);
      assert.deepEqual(await store.listMembers(groupKey('nowhere')), []);
    });

    it('lists a page of members: the first `limit` with ids above `after`, in id order, profiles and roles as the whole list has them', async () => {
      await store.putUser('pg2', { name: 'Pee' }, 1);
      await store.createGroup({ id: 'g8p', name: 'G8p', createdAt: 1 }, ['pg4', 'pg1', 'pg3', 'pg2', 'pg5'], { pg3: 'owner' });
      const k = groupKey('g8p');
      const whole = await store.listMembers(k);
      assert.deepEqual(await store.listMembers(k, { limit: 2 }), whole.slice(0, 2));
      assert.deepEqual(await store.listMembers(k, { after: 'pg2', limit: 2 }), whole.slice(2, 4));
      // A cursor that is no member (one who left) still pages from its place.
      assert.deepEqual((await store.listMembers(k, { after: 'pg3a', limit: 5 })).map((m) => m.userId), ['pg4', 'pg5']);
      assert.deepEqual(await store.listMembers(k, { after: 'pg5', limit: 2 }), []);
      assert.deepEqual(await store.listMembers(groupKey('nowhere'), { limit: 2 }), []);
    });

    it('names the senders of needReadReceipt messages a read range covers, not the reader, only what the reader sees', async () => {
      await store.createGroup({ id: 'g9', name: 'G9', createdAt: 1 }, ['ra', 'rb', 'rc', 'rd']);
      const k = groupKey('g9');
      await store.commitMessages([
        draft(k, 'ra', { needReadReceipt: true }), // 1
        draft(k, 'rb'), // 2: no receipt asked
        draft(k, 'rc', { needReadReceipt: true }), // 3
        draft(k, 'rd', { needReadReceipt: true }, ['rd', 'rc']), // 4: targeted at rc
        draft(k, 'ra', { needReadReceipt: true }), // 5
        draft(k, 'rb', { needReadReceipt: false, elem: { type: 'merger', title: 't', abstractList: [], messages: [{ ...draft(k, 'rb').message, needReadReceipt: true }] } }), // 6
      ]);
      assert.deepEqual(await store.receiptSenders(k, 'rb', 0, 6), ['ra', 'rc']);
      assert.deepEqual(await store.receiptSenders(k, 'rb', 1, 2), []);
      assert.deepEqual(await store.receiptSenders(k, 'rc', 0, 6), ['ra', 'rd']);
      assert.deepEqual(await store.receiptSenders(k, 'ra', 0, 6), ['rc']);
      assert.deepEqual(await store.receiptSenders(k, 'rb', 3, 3), []);
      assert.deepEqual(await store.receiptSenders(k, 'rb', 4, 5), ['ra']);
    });

    it('answers ping while open', async () => {
      await store.ping();
    });

    it('starts each case on an empty store, whatever the cases before it wrote', async () => {
      // 'a' is a member of groups g1 to g6 in the cases above: none of it may show here.
      assert.deepEqual(await store.listConversations('a'), []);
      assert.equal(await store.getGroup('g1'), undefined);
    });
  });
}

const T0 = 1_800_000_000_000;
const quota = (now: number, over: Partial<BroadcastQuota> = {}): BroadcastQuota => ({ now, perMinute: 3, perDay: 5, keep: 100, ...over });
const bc = (id: string, time: number, over: Partial<BroadcastRecord> = {}) => ({ id, content: `c-${id}`, time, offline: true, expiresAt: time + 3_600_000, ...over });

/** Broadcast storage, quota and per-device cursors (the quota is per app). */
function broadcastContract(current: () => Store): void {
  describe('broadcasts', () => {
    it('admits perMinute broadcasts in any 60 s, then names the minute window and when its oldest leaves it', async () => {
      const store = current();
      const seqs = [];
      for (let i = 0; i < 3; i++) {
        const r = await store.addBroadcast(bc(`m${i}`, T0 + i * 10), quota(T0 + i * 10));
        assert.ok(r.ok);
        seqs.push(r.seq);
      }
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
      assert.deepEqual(await store.addBroadcast(bc('m3', T0 + 59_000), quota(T0 + 59_000)), { ok: false, window: 'minute', max: 3, resetAt: T0 + 60_000 });
      assert.equal((await store.addBroadcast(bc('m4', T0 + 60_000), quota(T0 + 60_000))).ok, true);
      assert.equal((await store.listBroadcasts(T0 + 60_000)).length, 4);
    });

    it('admits perDay broadcasts in any 24 h, counting withdrawn ones', async () => {
      const store = current();
      for (let i = 0; i < 5; i++) assert.ok((await store.addBroadcast(bc(`d${i}`, T0 + i * 61_000), quota(T0 + i * 61_000))).ok);
      assert.equal(await store.withdrawBroadcast('d0'), true);
      const now = T0 + 10 * 61_000;
      assert.deepEqual(await store.addBroadcast(bc('d5', now), quota(now)), { ok: false, window: 'day', max: 5, resetAt: T0 + 86_400_000 });
    });

    it('keeps the newest `keep` of each kind and drops expired offline ones', async () => {
      const store = current();
      const q = (now: number) => quota(now, { perMinute: 100, perDay: 100, keep: 2 });
      await store.addBroadcast(bc('short', T0, { expiresAt: T0 + 5 }), q(T0));
      for (const id of ['o1', 'o2', 'o3']) await store.addBroadcast(bc(id, T0 + 1), q(T0 + 1));
      for (const id of ['n1', 'n2', 'n3']) await store.addBroadcast(bc(id, T0 + 2, { offline: false, expiresAt: undefined }), q(T0 + 2));
      const listed = await store.listBroadcasts(T0 + 10);
      assert.deepEqual(listed.map((b) => b.id), ['n3', 'n2', 'o3', 'o2']);
      assert.deepEqual(listed[3], { seq: listed[3]!.seq, id: 'o2', content: 'c-o2', time: T0 + 1, offline: true, expiresAt: T0 + 1 + 3_600_000 });
    });

    it('gives each device the valid offline broadcasts above its cursor once, and withdrawals after it', async () => {
      const store = current();
      const a = { userId: 'u', deviceId: 'a' };
      const b = { userId: 'u', deviceId: 'b' };
      await store.addBroadcast(bc('x', T0), quota(T0));
      await store.addBroadcast(bc('online', T0, { offline: false, expiresAt: undefined }), quota(T0));
      const y = await store.addBroadcast(bc('y', T0 + 1, { expiresAt: T0 + 100 }), quota(T0 + 1));
      assert.deepEqual((await store.takeBroadcasts(a, T0 + 2)).added.map((r) => r.id), ['x', 'y']);
      assert.deepEqual(await store.takeBroadcasts(a, T0 + 2), { added: [], withdrawn: [] });
      // Past y's expiry, a new device gets x only.
      assert.deepEqual((await store.takeBroadcasts(b, T0 + 100)).added.map((r) => r.id), ['x']);

      const z = await store.addBroadcast(bc('z', T0 + 3), quota(T0 + 61_000));
      assert.ok(z.ok && y.ok);
      await store.markBroadcastsReceived([a, a], z.seq, T0 + 61_000);
      assert.equal(await store.withdrawBroadcast('x'), true);
      assert.equal(await store.withdrawBroadcast('x'), false);
      assert.deepEqual(await store.takeBroadcasts(a, T0 + 61_001), { added: [], withdrawn: ['x'] });
      assert.deepEqual(await store.takeBroadcasts(b, T0 + 61_001), { added: [{ seq: z.seq, id: 'z', content: 'c-z', time: T0 + 3, offline: true, expiresAt: T0 + 3 + 3_600_000 }], withdrawn: ['x'] });
      assert.deepEqual((await store.listBroadcasts(T0 + 61_001)).map((r) => r.id), ['z', 'online']);
    });
  });
}
