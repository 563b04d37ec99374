/**
 * Authorisation matrix: for every client frame type and every REST route, what an outsider
 * (a user who is not a member) may do to a conversation. Both tables are checked against what
 * the code registers (the frame variant, fastify's route tree), so a new frame type or route
 * fails this file until its row is added. `user` routes (uploads, files) take a user token or a
 * file ticket and are checked against conversation membership in the file-access tests below.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientFrameSchema, PROTOCOL_VERSION, type ErrorName } from '../../../src/protocol/index.js';
import type { SearchResult } from '../../../src/protocol/search-schema.js';
import { signUserToken } from '../../../src/server/core/auth.js';
import { ADMIN_KEY, cmid, createUsers, SECRET, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { fakeBrowser, loopbackCert } from '../helpers/push-receiver.js';

const counts = { frameChecks: 0, restChecks: 0 };
after(() => console.log(`# authorization matrix: ${counts.frameChecks} frame checks, ${counts.restChecks} REST checks`));

/** The `type` values of every client frame, read from the schema itself. */
function clientFrameTypes(): string[] {
  const types: string[] = [];
  for (const option of ClientFrameSchema.options) {
    const schema = ('entries' in option ? option : (option as { pipe: [{ entries: object }] }).pipe[0]) as { entries: { type: { literal?: string; options?: string[] } } };
    const t = schema.entries.type;
    if (t.literal !== undefined) types.push(t.literal);
    else types.push(...(t.options ?? []));
  }
  return types.sort();
}

/**
 * `METHOD /path` for every route fastify registered (from printRoutes' tree, prefixes shared:
 * the uncompressed print drops a static segment before a wildcard, `/v1/previews/images/*`).
 */
function registeredRoutes(t: TestServer): string[] {
  const tree = t.server.http.printRoutes();
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line.replace(/\u00a0/g, ' '));
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      // HEAD mirrors GET and OPTIONS is the CORS preflight: neither runs a handler of ours.
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push(`${method} ${path}`);
    }
  }
  return routes.sort();
}

type Outsider = { alice: TestSocket; bob: TestSocket; carol: TestSocket; groupMsgId: string; bobCarolMsgId: string };

/**
 * What each client frame type lets an outsider (alice) do to `group:g` (bob and carol) and to
 * bob↔carol. `check` throws unless the attempt is refused and nothing leaks.
 */
const FRAME_MATRIX: Record<string, { scope: string; check?: (t: TestServer, o: Outsider) => Promise<void> }> = {
  'session.open': {
    scope: 'read another conversation through the replay, whatever cursors it claims',
    async check(t) {
      const s = await t.connect();
      s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('alice'), cursors: { 'group:g': 0, 'p2p:carol': 0 } });
      const frames = await s.until('sync.done');
      const convs = frames.find((f) => f.type === 'sync.conversations');
      assert.ok(convs && convs.type === 'sync.conversations' && !convs.items.some((c) => c.id === 'group:g'));
      const leaked = frames.filter((f) => (f.type === 'sync.messages' || f.type === 'sync.gap') && f.conversationId === 'group:g');
      assert.deepEqual(leaked, []);
      const texts = frames.flatMap((f) => (f.type === 'sync.messages' ? f.messages : [])).map((m) => m.elem.type === 'text' && m.elem.text);
      assert.ok(!texts.includes('for the group') && !texts.includes('bob to carol'));
      s.close();
    },
  },
  'message.send': {
    scope: 'send into, and forward out of, a conversation',
    async check(t, o) {
      await refused(o.alice, { conversationId: 'group:g', elem: text('let me in') }, ['NOT_MEMBER']);
      await refused(o.alice, { conversationId: 'p2p:bob', forward: { conversationId: 'group:g', messageIds: [o.groupMsgId] } }, ['NOT_MEMBER']);
      // A bob↔carol message id named through alice's own chat with bob is not found.
      await refused(o.alice, { conversationId: 'p2p:bob', forward: { conversationId: 'p2p:bob', messageIds: [o.bobCarolMsgId] } }, ['MESSAGE_UNKNOWN']);
      await refused(o.alice, { conversationId: 'p2p:bob', forward: { conversationId: 'p2p:bob', messageIds: [o.groupMsgId] } }, ['MESSAGE_UNKNOWN']);
      await refused(o.alice, { conversationId: 'p2p:carol', forward: { conversationId: 'group:g', messageIds: [o.groupMsgId], merge: { title: 'x' } } }, ['NOT_MEMBER']);
    },
  },
  'conversation.read': {
    scope: 'mark read (and so send a read receipt)',
    async check(_t, o) {
      o.alice.send({ type: 'conversation.read', reqId: 'r1', conversationId: 'group:g', seq: 1 });
      assert.equal((await o.alice.next('error', (f) => f.reqId === 'r1')).name, 'NOT_MEMBER');
      counts.frameChecks++;
      await o.bob.roundTrip();
      assert.equal(o.bob.pending('receipt.read').length, 0);
    },
  },
  'history.fetch': {
    scope: 'page history, fill gaps, fetch the page around a message',
    async check(_t, o) {
      for (const extra of [{}, { before: 100 }, { after: 0 }, { after: 0, limit: 200 }, { around: o.groupMsgId }]) {
        const reqId = cmid();
        o.alice.send({ type: 'history.fetch', reqId, conversationId: 'group:g', ...extra });
        assert.equal((await o.alice.next('error', (f) => f.reqId === reqId)).name, 'NOT_MEMBER', JSON.stringify(extra));
        counts.frameChecks++;
      }
      // alice's p2p:carol is alice↔carol: bob↔carol's messages are not in it.
      o.alice.send({ type: 'history.fetch', reqId: 'h-carol', conversationId: 'p2p:carol', after: 0 });
      assert.deepEqual((await o.alice.next('history.page', (f) => f.reqId === 'h-carol')).messages, []);
      counts.frameChecks++;
      // Nor is the page around a bob↔carol message, named through alice's own chat with carol.
      o.alice.send({ type: 'history.fetch', reqId: 'h-around', conversationId: 'p2p:carol', around: o.bobCarolMsgId });
      assert.equal((await o.alice.next('error', (f) => f.reqId === 'h-around')).name, 'MESSAGE_UNKNOWN');
      counts.frameChecks++;
    },
  },
  'change.send': {
    scope: "react to, edit, recall, pin or hide a message of a conversation (nor, as a member, edit or recall another's, nor change a recalled one)",
    async check(_t, o) {
      const kinds = [{ kind: 'reaction', emoji: '👍', on: true }, { kind: 'edit', text: 'x' }, { kind: 'recall' }, { kind: 'pin', on: true }, { kind: 'hide' }];
      for (const change of kinds) {
        await changeRefused(o.alice, { conversationId: 'group:g', messageId: o.groupMsgId, change }, ['NOT_MEMBER']);
        // bob↔carol's message named through alice's own chats is not found.
        await changeRefused(o.alice, { conversationId: 'p2p:bob', messageId: o.bobCarolMsgId, change }, ['MESSAGE_UNKNOWN']);
        await changeRefused(o.alice, { conversationId: 'p2p:carol', messageId: o.bobCarolMsgId, change }, ['MESSAGE_UNKNOWN']);
      }
      // A member may not edit or recall another member's message.
      await changeRefused(o.carol, { conversationId: 'group:g', messageId: o.groupMsgId, change: { kind: 'edit', text: 'mine now' } }, ['NOT_MESSAGE_SENDER']);
      await changeRefused(o.carol, { conversationId: 'group:g', messageId: o.groupMsgId, change: { kind: 'recall' } }, ['NOT_MESSAGE_SENDER']);
      // A recalled message takes no more changes (but can still be hidden).
      const clientMsgId = cmid();
      o.bob.send({ type: 'message.send', clientMsgId, conversationId: 'group:g', elem: text('recall me') });
      const sent = await o.bob.next('message.ack', (f) => f.clientMsgId === clientMsgId);
      o.bob.send({ type: 'change.send', changeId: cmid(), conversationId: 'group:g', messageId: sent.id, change: { kind: 'recall' } });
      await o.bob.next('change.ack');
      for (const change of [{ kind: 'reaction', emoji: '👍', on: true }, { kind: 'edit', text: 'x' }, { kind: 'pin', on: true }]) {
        await changeRefused(o.carol, { conversationId: 'group:g', messageId: sent.id, change }, ['MESSAGE_RECALLED', 'NOT_MESSAGE_SENDER']);
      }
      // Nothing of a change reaches the outsider live.
      await o.alice.roundTrip();
      assert.deepEqual(o.alice.pending('message.new').filter((f) => f.message.conversationId === 'group:g'), []);
    },
  },
  'reactions.fetch': {
    scope: 'list who reacted to a message',
    async check(_t, o) {
      for (const [conversationId, messageId, name] of [['group:g', o.groupMsgId, 'NOT_MEMBER'], ['p2p:bob', o.bobCarolMsgId, 'MESSAGE_UNKNOWN'], ['p2p:carol', o.bobCarolMsgId, 'MESSAGE_UNKNOWN']] as const) {
        const reqId = cmid();
        o.alice.send({ type: 'reactions.fetch', reqId, conversationId, messageId, emoji: '👍' });
        assert.equal((await o.alice.next('error', (f) => f.reqId === reqId)).name, name, conversationId);
        counts.frameChecks++;
      }
    },
  },
  'pins.fetch': {
    scope: "list a conversation's pinned messages",
    async check(_t, o) {
      o.alice.send({ type: 'pins.fetch', reqId: 'pins-g', conversationId: 'group:g' });
      assert.equal((await o.alice.next('error', (f) => f.reqId === 'pins-g')).name, 'NOT_MEMBER');
      // alice's p2p:carol is alice↔carol: bob↔carol's pins are not in it.
      o.alice.send({ type: 'pins.fetch', reqId: 'pins-c', conversationId: 'p2p:carol' });
      assert.deepEqual((await o.alice.next('pins', (f) => f.reqId === 'pins-c')).pins, []);
      counts.frameChecks += 2;
    },
  },
  'search.fetch': {
    scope: 'find messages of a conversation they are not in, in one or across all',
    async check(_t, o) {
      o.alice.send({ type: 'search.fetch', reqId: 'search-g', query: 'group', conversationId: 'group:g' });
      assert.equal((await o.alice.next('error', (f) => f.reqId === 'search-g')).name, 'NOT_MEMBER');
      // Across all: only alice's own bob↔alice message, never the group's or bob↔carol's.
      for (const [reqId, query, conversationId] of [['search-all', 'bob', undefined], ['search-c', 'carol', 'p2p:carol'], ['search-short', 'o', undefined]] as const) {
        o.alice.send({ type: 'search.fetch', reqId, query, ...(conversationId !== undefined && { conversationId }) });
        const found = (await o.alice.next('search.results', (f) => f.reqId === reqId)).results as SearchResult[];
        assert.ok(found.every((r) => r.message.id !== o.groupMsgId && r.message.id !== o.bobCarolMsgId), reqId);
        counts.frameChecks++;
      }
      // The filters only narrow: by the senders of the group and of bob↔carol, around their messages, any kind.
      const filtered = [
        { from: 'carol' }, { from: 'bob', kind: 'text' }, { after: 0 }, { before: o.groupMsgId }, { after: o.bobCarolMsgId }, { kind: 'text', after: 0, before: 0xffffffffffff },
      ];
      // With the words, and without any (the filters alone: every message they let through, SPEC §12).
      for (const query of ['for', '']) {
        for (const [i, extra] of [...filtered, { kind: 'image' }, { from: 'bob', kind: 'link' }].entries()) {
          const reqId = `search-f${query}${i}`;
          o.alice.send({ type: 'search.fetch', reqId, query, ...extra });
          const found = (await o.alice.next('search.results', (f) => f.reqId === reqId)).results as SearchResult[];
          assert.ok(found.every((r) => r.message.id !== o.groupMsgId && r.message.id !== o.bobCarolMsgId), reqId);
          counts.frameChecks++;
        }
      }
      // Bounds and cursors that read as numbers (once taken for ids: an arbitrary slice) are refused as REST refuses them, in scope or not.
      for (const [i, [extra, name]] of ([[{ before: '1e5' }, 'BAD_REQUEST'], [{ after: -5, conversationId: 'group:g' }, 'BAD_REQUEST'], [{ cursor: '0x10' }, 'SEARCH_CURSOR_INVALID'],
        [{ kind: 'picture', conversationId: 'p2p:carol' }, 'SEARCH_FILTER_INVALID']] as const).entries()) {
        o.alice.send({ type: 'search.fetch', reqId: `search-h${i}`, query: 'group', ...extra });
        assert.equal((await o.alice.next('error', (f) => f.reqId === `search-h${i}`)).name, name, JSON.stringify(extra));
        counts.frameChecks++;
      }
      o.alice.send({ type: 'search.fetch', reqId: 'search-fg0', query: '', conversationId: 'group:g', from: 'bob' });
      assert.equal((await o.alice.next('error', (f) => f.reqId === 'search-fg0')).name, 'NOT_MEMBER');
      o.alice.send({ type: 'search.fetch', reqId: 'search-fg', query: 'group', conversationId: 'group:g', from: 'bob' });
      assert.equal((await o.alice.next('error', (f) => f.reqId === 'search-fg')).name, 'NOT_MEMBER');
      counts.frameChecks++;
    },
  },
  'mute.set': {
    scope: "mute a conversation it is not in, or change or see anyone else's mutes",
    async check(_t, o) {
      o.alice.send({ type: 'mute.set', reqId: 'mute-g', conversationId: 'group:g', until: 0 });
      assert.equal((await o.alice.next('error', (f) => f.reqId === 'mute-g')).name, 'NOT_MEMBER');
      // alice's p2p:carol is alice↔carol, where nothing was sent: not bob↔carol.
      o.alice.send({ type: 'mute.set', reqId: 'mute-c', conversationId: 'p2p:carol', until: 0 });
      assert.equal((await o.alice.next('error', (f) => f.reqId === 'mute-c')).name, 'NOT_MEMBER');
      // Her own do-not-disturb reaches her devices only.
      o.alice.send({ type: 'mute.set', reqId: 'mute-dnd', until: 0 });
      await o.alice.next('ok', (f) => f.reqId === 'mute-dnd');
      await o.alice.next('mutes.updated');
      o.alice.send({ type: 'mute.set', reqId: 'mute-off', until: null });
      await o.alice.next('ok', (f) => f.reqId === 'mute-off');
      await Promise.all([o.bob.roundTrip(), o.carol.roundTrip()]);
      assert.ok(![...o.bob.received, ...o.carol.received].some((f) => f.type === 'mutes.updated'));
      counts.frameChecks += 3;
    },
  },
  'message.report': {
    scope: 'report a message of a conversation they are not in (or reach its reporters)',
    async check(t, o) {
      for (const [conversationId, messageId, name] of [['group:g', o.groupMsgId, 'NOT_MEMBER'], ['p2p:bob', o.bobCarolMsgId, 'MESSAGE_UNKNOWN'], ['p2p:carol', o.bobCarolMsgId, 'MESSAGE_UNKNOWN'], ['p2p:bob', o.groupMsgId, 'MESSAGE_UNKNOWN']] as const) {
        const reqId = cmid();
        o.alice.send({ type: 'message.report', reqId, conversationId, messageId, reason: 'spam' });
        assert.equal((await o.alice.next('error', (f) => f.reqId === reqId)).name, name, `${conversationId} ${messageId}`);
        counts.frameChecks++;
      }
      // Nothing was filed for admins to see.
      const listed = (await t.rest('GET', '/v1/reports?limit=200')).body.items as { reporter: string }[];
      assert.ok(!listed.some((r) => r.reporter === 'alice'));
    },
  },
  'blocklist.add': { scope: 'change anything but their own blocklist (no conversation scope)', check: ownBlocklistOnly },
  'blocklist.remove': { scope: 'change anything but their own blocklist (no conversation scope)', check: ownBlocklistOnly },
  'members.fetch': {
    scope: "list a conversation's members and read positions (nor, as a plain member, who is muted in a group)",
    async check(t, o) {
      for (const [conversationId, after] of [['group:g', undefined], ['group:does-not-exist', undefined], ['group:g', 'bob']] as const) {
        const reqId = cmid();
        o.alice.send({ type: 'members.fetch', reqId, conversationId, ...(after !== undefined && { after }) });
        assert.equal((await o.alice.next('error', (f) => f.reqId === reqId)).name, 'NOT_MEMBER', conversationId);
        counts.frameChecks++;
      }
      // alice's p2p:carol is alice↔carol: it names alice and carol only, never bob↔carol's positions.
      o.alice.send({ type: 'members.fetch', reqId: 'm-carol', conversationId: 'p2p:carol' });
      const answer = await o.alice.next('members', (f) => f.reqId === 'm-carol');
      assert.deepEqual(answer.members.map((m) => [m.id, m.readSeq]), [['alice', 0], ['carol', 0]]);
      assert.equal(o.alice.pending('members').length, 0);
      counts.frameChecks++;
      // Group mutes (issue 19) are shown to a group's owner and admins only: carol, a plain member
      // of g, sees bob's mute there in neither page. Put straight into moderation: no notice posted.
      await t.server.core.moderation.mute('bob', 'g', null);
      try {
        for (const after of [undefined, 'alice']) {
          const reqId = cmid();
          o.carol.send({ type: 'members.fetch', reqId, conversationId: 'group:g', ...(after !== undefined && { after }) });
          const page = await o.carol.next('members', (f) => f.reqId === reqId);
          assert.ok(page.members.some((m) => m.id === 'bob') && !page.members.some((m) => 'muted' in m), JSON.stringify(page.members));
          counts.frameChecks++;
        }
      } finally {
        await t.server.core.moderation.lift('bob', 'mute', 'g');
      }
    },
  },
  'group.create': {
    scope: 'take over, join or re-create an existing group by naming its id',
    async check(_t, o) {
      const reqId = cmid();
      o.alice.send({ type: 'group.create', reqId, groupId: 'g', name: 'Mine', members: ['bob'] });
      assert.equal((await o.alice.next('error', (f) => f.reqId === reqId)).name, 'GROUP_EXISTS');
      counts.frameChecks++;
      await groupRefused(o.alice, 'g', { kind: 'rename', name: 'still not mine' }, 'NOT_MEMBER');
    },
  },
  'group.change': {
    scope: "change a group's settings or members (nor, as a plain member, anything but leaving)",
    async check(_t, o) {
      const kinds = [
        { kind: 'rename', name: 'X' }, { kind: 'avatar', avatar: '/x.png' }, { kind: 'notice', notice: 'n' }, { kind: 'visibility', historyVisibility: 'all' },
        { kind: 'invite', userIds: ['alice'] }, { kind: 'remove', userId: 'bob' }, { kind: 'role', userId: 'alice', role: 'owner' }, { kind: 'leave' }, { kind: 'dismiss' },
        // Group mutes (SPEC §11): by the owner and admins only.
        { kind: 'mute', userId: 'bob', until: Date.now() + 60_000, reason: 'x' }, { kind: 'unmute', userId: 'bob' },
      ];
      for (const change of kinds) {
        await groupRefused(o.alice, 'g', change, 'NOT_MEMBER');
        await groupRefused(o.alice, 'does-not-exist', change, 'GROUP_UNKNOWN');
        // carol is a plain member of g (created by the site, no owner): only leaving is hers to do.
        if (change.kind !== 'leave') await groupRefused(o.carol, 'g', change, 'GROUP_ROLE_REQUIRED');
      }
      await o.bob.roundTrip();
      assert.ok(!o.bob.pending('message.new').some((f) => f.message.conversationId === 'group:g' && f.message.elem.type === 'system'), 'nothing was posted');
    },
  },
  'group.fetch': {
    scope: "read a group's settings",
    async check(_t, o) {
      for (const [groupId, name] of [['g', 'NOT_MEMBER'], ['does-not-exist', 'GROUP_UNKNOWN']] as const) {
        const reqId = cmid();
        o.alice.send({ type: 'group.fetch', reqId, groupId });
        assert.equal((await o.alice.next('error', (f) => f.reqId === reqId)).name, name, groupId);
        counts.frameChecks++;
      }
    },
  },
  'presence.watch': {
    scope: 'see the presence of anyone but its 1:1 peers and friends (carol, bob and carol\'s group)',
    async check(_t, o) {
      // carol shares a group alice is not in and a chat with bob, never one with alice: a stranger.
      for (const userIds of [['carol'], ['bob', 'carol']]) {
        const reqId = cmid();
        o.alice.send({ type: 'presence.watch', reqId, userIds });
        assert.equal((await o.alice.next('error', (f) => f.reqId === reqId)).name, 'PRESENCE_FORBIDDEN', userIds.join());
        counts.frameChecks++;
      }
      await o.alice.roundTrip();
      assert.equal(o.alice.pending('presence.updated').length, 0, 'no state leaked with the refusal');
    },
  },
  'presence.set': {
    scope: "change or read anyone else's presence visibility",
    async check(_t, o) {
      for (const visible of [false, true]) {
        const reqId = cmid();
        o.alice.send({ type: 'presence.set', reqId, visible });
        await o.alice.next('ok', (f) => f.reqId === reqId);
        assert.equal((await o.alice.next('presence.updated', (f) => f.visible !== undefined)).visible, visible);
      }
      await Promise.all([o.bob.roundTrip(), o.carol.roundTrip()]);
      assert.ok(![...o.bob.received, ...o.carol.received].some((f) => f.type === 'presence.updated' && f.visible !== undefined));
      counts.frameChecks += 2;
    },
  },
  'friends.list': {
    scope: "read someone else's friends or friend requests (the frame names no user: only the sender's own lists)",
    async check(t, o) {
      await t.rest('PUT', '/v1/users/bob/friends/carol');
      for (const list of ['friends', 'in', 'out']) {
        const reqId = cmid();
        o.alice.send({ type: 'friends.list', reqId, list });
        const page = await o.alice.next('friends', (f) => f.reqId === reqId);
        assert.ok(!page.items.some((i) => i.id === 'bob' || i.id === 'carol'), list);
        counts.frameChecks++;
      }
    },
  },
  'friend.add': {
    scope: "befriend in someone else's name: the frame names only the other side, so nobody but the sender and that user hears of it",
    check: ownFriendsOnly,
  },
  'friend.remove': {
    scope: "end a friendship between two others",
    async check(t, o) {
      await t.rest('PUT', '/v1/users/bob/friends/carol');
      await friendAnswer(o.alice, { type: 'friend.remove', userId: 'carol' }, 'ok');
      const reqId = cmid();
      o.bob.send({ type: 'friends.list', reqId });
      assert.ok((await o.bob.next('friends', (f) => f.reqId === reqId)).items.some((i) => i.id === 'carol'), 'bob and carol are still friends');
      counts.frameChecks++;
    },
  },
  'friend.accept': { scope: 'accept a friend request made to someone else', check: (_t, o) => notHerRequest(o, 'friend.accept') },
  'friend.decline': { scope: 'decline a friend request made to someone else', check: (_t, o) => notHerRequest(o, 'friend.decline') },
  'friend.cancel': { scope: 'withdraw a friend request someone else sent', check: (_t, o) => notHerRequest(o, 'friend.cancel') },
  ping: { scope: 'none' },
};

async function groupRefused(s: TestSocket, groupId: string, change: Record<string, unknown>, name: ErrorName): Promise<void> {
  const reqId = cmid();
  s.send({ type: 'group.change', reqId, groupId, change });
  const answer = await s.nextOf(['ok', 'error']);
  assert.ok(answer.type === 'error' && answer.reqId === reqId && answer.name === name, `${groupId} ${JSON.stringify(change)} -> ${answer.type === 'error' ? answer.name : 'accepted'}`);
  counts.frameChecks++;
}

async function friendAnswer(s: TestSocket, frame: Record<string, unknown>, name: ErrorName | 'ok'): Promise<void> {
  const reqId = cmid();
  s.send({ ...frame, reqId });
  const answer = await s.nextOf(['ok', 'error']);
  assert.ok(answer.reqId === reqId && (answer.type === 'error' ? answer.name : 'ok') === name, `${JSON.stringify(frame)} -> ${answer.type === 'error' ? answer.name : 'ok'}`);
  counts.frameChecks++;
}

/** Bob's request to carol: alice can neither accept, decline nor cancel it (no request of hers). */
async function notHerRequest(o: Outsider, type: string): Promise<void> {
  for (const userId of ['bob', 'carol']) await friendAnswer(o.alice, { type, userId }, 'FRIEND_REQUEST_UNKNOWN');
}

async function ownFriendsOnly(_t: TestServer, o: Outsider): Promise<void> {
  await friendAnswer(o.alice, { type: 'friend.add', userId: 'bob' }, 'ok');
  await friendAnswer(o.alice, { type: 'friend.remove', userId: 'bob' }, 'ok');
  await o.carol.roundTrip();
  assert.equal(o.carol.pending('friends.updated').filter((f) => f.user.id === 'alice').length, 0, 'carol hears nothing of it');
}

async function ownBlocklistOnly(_t: TestServer, o: Outsider): Promise<void> {
  o.alice.send({ type: 'blocklist.add', reqId: 'b1', userId: 'bob' });
  await o.alice.next('ok', (f) => f.reqId === 'b1');
  o.alice.send({ type: 'blocklist.remove', reqId: 'b2', userId: 'bob' });
  await o.alice.next('ok', (f) => f.reqId === 'b2');
  await o.bob.roundTrip();
  assert.equal(o.bob.pending('blocklist.updated').length, 0);
  counts.frameChecks += 2;
}

async function changeRefused(s: TestSocket, fields: Record<string, unknown>, names: ErrorName[]): Promise<void> {
  const changeId = cmid();
  s.send({ type: 'change.send', changeId, ...fields });
  const answer = await s.nextOf(['change.ack', 'change.error']);
  assert.ok(answer.type === 'change.error' && answer.changeId === changeId && names.includes(answer.name), `${JSON.stringify(fields)} -> ${answer.type === 'change.error' ? answer.name : 'accepted'}`);
  counts.frameChecks++;
}

async function refused(s: TestSocket, fields: Record<string, unknown>, names: ErrorName[]): Promise<void> {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, ...fields });
  const answer = await s.nextOf(['message.ack', 'message.error']);
  assert.equal(answer.type, 'message.error', `accepted: ${JSON.stringify(fields)}`);
  assert.ok(answer.type === 'message.error' && answer.clientMsgId === clientMsgId && names.includes(answer.name), `${JSON.stringify(fields)} -> ${answer.type === 'message.error' && answer.name}`);
  counts.frameChecks++;
}

/**
 * Every REST route and who may call it. `admin` routes refuse a user token, a wrong key and
 * no key alike (403 ADMIN_REQUIRED), so no REST route lets a user act on a conversation.
 */
const REST_MATRIX: Record<string, { access: 'admin' | 'public' | 'user'; sample: string; why?: string }> = {
  'GET /healthz': { access: 'public', sample: '/healthz', why: 'load balancer probe, no data' },
  'GET /v1/dev/token': { access: 'public', sample: '/v1/dev/token?user=alice', why: 'dev mode only (absent in production: see the last test)' },
  'GET /metrics': { access: 'admin', sample: '/metrics' },
  'PUT /v1/users/:id': { access: 'admin', sample: '/v1/users/alice' },
  'GET /v1/users/:id': { access: 'admin', sample: '/v1/users/alice', why: 'profiles of any user' },
  'DELETE /v1/users/:id': { access: 'admin', sample: '/v1/users/carol' },
  'PUT /v1/users/:id/friends/:other': { access: 'admin', sample: '/v1/users/alice/friends/bob' },
  'DELETE /v1/users/:id/friends/:other': { access: 'admin', sample: '/v1/users/alice/friends/bob' },
  'PUT /v1/users/:id/blocklist/:other': { access: 'admin', sample: '/v1/users/bob/blocklist/alice' },
  'DELETE /v1/users/:id/blocklist/:other': { access: 'admin', sample: '/v1/users/bob/blocklist/alice' },
  'GET /v1/users/:id/conversations': { access: 'admin', sample: '/v1/users/bob/conversations' },
  'GET /v1/users/:id/conversations/:conversationId/messages': { access: 'admin', sample: '/v1/users/bob/conversations/group:g/messages' },
  'GET /v1/users/:id/search': { access: 'admin', sample: '/v1/users/bob/search?q=group' },
  'POST /v1/tokens': { access: 'admin', sample: '/v1/tokens' },
  'POST /v1/groups': { access: 'admin', sample: '/v1/groups' },
  'PATCH /v1/groups/:id': { access: 'admin', sample: '/v1/groups/g' },
  'GET /v1/groups/:id': { access: 'admin', sample: '/v1/groups/g', why: 'any group, member or not' },
  'GET /v1/groups/:id/members': { access: 'admin', sample: '/v1/groups/g/members', why: 'members with read positions and mutes' },
  'PUT /v1/groups/:id/members/:userId': { access: 'admin', sample: '/v1/groups/g/members/alice' },
  'DELETE /v1/groups/:id/members/:userId': { access: 'admin', sample: '/v1/groups/g/members/bob' },
  'DELETE /v1/groups/:id': { access: 'admin', sample: '/v1/groups/g', why: 'dismiss (SPEC §13)' },
  'PUT /v1/groups/:id/roles/:userId': { access: 'admin', sample: '/v1/groups/g/roles/bob' },
  'POST /v1/messages': { access: 'admin', sample: '/v1/messages' },
  'DELETE /v1/messages/:messageId': { access: 'admin', sample: '/v1/messages/any-id?groupId=g', why: 'admin recall (SPEC §9)' },
  'PATCH /v1/messages/:messageId': { access: 'admin', sample: '/v1/messages/any-id?groupId=g', why: "admin edit of anyone's text (moderation)" },
  'PUT /v1/messages/:messageId/pin': { access: 'admin', sample: '/v1/messages/any-id/pin?groupId=g', why: 'admin pin, whatever NATTER_PIN says' },
  'DELETE /v1/messages/:messageId/pin': { access: 'admin', sample: '/v1/messages/any-id/pin?groupId=g' },
  'POST /v1/broadcasts': { access: 'admin', sample: '/v1/broadcasts' },
  'GET /v1/broadcasts': { access: 'admin', sample: '/v1/broadcasts' },
  'DELETE /v1/broadcasts/:id': { access: 'admin', sample: '/v1/broadcasts/any-id' },
  'PUT /v1/users/:id/ban': { access: 'admin', sample: '/v1/users/alice/ban', why: 'moderation (SPEC §11)' },
  'DELETE /v1/users/:id/ban': { access: 'admin', sample: '/v1/users/alice/ban' },
  'PUT /v1/users/:id/mute': { access: 'admin', sample: '/v1/users/alice/mute' },
  'DELETE /v1/users/:id/mute': { access: 'admin', sample: '/v1/users/alice/mute?groupId=g' },
  'GET /v1/users/:id/sanctions': { access: 'admin', sample: '/v1/users/alice/sanctions' },
  'GET /v1/reports': { access: 'admin', sample: '/v1/reports', why: 'message reports (SPEC §11): messages of any conversation and who reported them' },
  'POST /v1/reports/:id/resolve': { access: 'admin', sample: '/v1/reports/any-id/resolve' },
  'POST /v1/reports/:id/dismiss': { access: 'admin', sample: '/v1/reports/any-id/dismiss' },
  'GET /v1/wordlist': { access: 'admin', sample: '/v1/wordlist', why: 'the moderation word list (SPEC §11): site policy' },
  'PUT /v1/wordlist': { access: 'admin', sample: '/v1/wordlist' },
  'POST /v1/wordlist': { access: 'admin', sample: '/v1/wordlist' },
  'DELETE /v1/wordlist': { access: 'admin', sample: '/v1/wordlist?word=x' },
  'POST /v1/webhooks': { access: 'admin', sample: '/v1/webhooks', why: 'webhook endpoints (SPEC §11): where events go, and their secrets' },
  'GET /v1/webhooks': { access: 'admin', sample: '/v1/webhooks' },
  'DELETE /v1/webhooks/:id': { access: 'admin', sample: '/v1/webhooks/any-id' },
  'GET /v1/webhooks/failed': { access: 'admin', sample: '/v1/webhooks/failed', why: 'failed deliveries carry messages of any conversation' },
  'POST /v1/webhooks/failed/retry': { access: 'admin', sample: '/v1/webhooks/failed/retry' },
  'POST /v1/uploads': { access: 'user', sample: '/v1/uploads?conversationId=group:g', why: 'members of the conversation only (see "file access")' },
  'GET /v1/files/ticket': { access: 'user', sample: '/v1/files/ticket?file=00000000-0000-4000-8000-000000000000', why: 'a ticket for one file (`?file=<id>`), if the caller may read it' },
  'POST /v1/files/tickets': { access: 'user', sample: '/v1/files/tickets', why: 'one ticket per file named, for those the caller may read (see "file access")' },
  'GET /v1/push/vapid-public-key': { access: 'public', sample: '/v1/push/vapid-public-key', why: 'the VAPID public key is public by design (browsers subscribe with it)' },
  'POST /v1/push/subscriptions': { access: 'user', sample: '/v1/push/subscriptions', why: "stores a subscription for the token's user only (see \"push subscriptions\")" },
  'DELETE /v1/push/subscriptions': { access: 'user', sample: '/v1/push/subscriptions', why: "removes only the token's user's own endpoint (see \"push subscriptions\")" },
  'GET /v1/previews/images/*': { access: 'public', sample: '/v1/previews/images/aHR0cDovLzEwLjAuMC4xLw.AAAAAAAAAAAAAAAAAAAAAA', why: 'an <img> asks for it, without a token: the key (the picture URL signed by this server) is the authority; other keys 403 (see test/server/previews/preview-images)' },
  'POST /v1/previews': { access: 'user', sample: '/v1/previews', why: 'any signed-in user; a public web page only, no conversation involved (see test/server/previews)' },
  'GET /v1/files/:id/:name': { access: 'user', sample: '/v1/files/00000000-0000-4000-8000-000000000000/x', why: 'uploader and members of a conversation carrying it (see "file access")' },
};

describe('authorisation matrix', () => {
  let t: TestServer;
  let o: Outsider;
  before(async () => {
    t = await startServer({ dev: true });
    await createUsers(t, 'alice', 'bob', 'carol');
    await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['bob', 'carol'] });
    const bob = await t.login('bob');
    const carol = await t.login('carol');
    bob.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'group:g', elem: text('for the group') });
    const groupAck = await bob.next('message.ack');
    bob.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:carol', elem: text('bob to carol') });
    const p2pAck = await bob.next('message.ack');
    bob.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:alice', elem: text('bob to alice') });
    await bob.next('message.ack');
    const alice = await t.login('alice');
    o = { alice, bob, carol, groupMsgId: groupAck.id, bobCarolMsgId: p2pAck.id };
  });
  after(() => t.stop());

  it('has a row for every client frame type in ClientFrameSchema', () => {
    assert.deepEqual(Object.keys(FRAME_MATRIX).sort(), clientFrameTypes(), 'add the new frame type to FRAME_MATRIX with its check');
  });

  for (const [type, row] of Object.entries(FRAME_MATRIX)) {
    if (!row.check) continue;
    it(`${type}: an outsider cannot ${row.scope}`, async () => {
      await row.check!(t, o);
    });
  }

  it('delivers nothing of a conversation live to an outsider', async () => {
    const clientMsgId = cmid();
    o.bob.send({ type: 'message.send', clientMsgId, conversationId: 'group:g', elem: text('live') });
    await o.carol.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    await o.alice.roundTrip();
    assert.equal(o.alice.received.filter((f) => f.type === 'message.new' && f.message.conversationId === 'group:g').length, 0);
    counts.frameChecks++;
  });

  it('has a row for every REST route fastify registered', () => {
    assert.deepEqual(Object.keys(REST_MATRIX).sort(), registeredRoutes(t), 'add the new route to REST_MATRIX');
  });

  it('refuses every admin route to a user token (valid or expired), a wrong key, the key with a byte more, and no key with 403 ADMIN_REQUIRED', async () => {
    const userToken = await t.token('alice');
    const expired = await signUserToken(new TextEncoder().encode(SECRET), 'alice', { now: Date.now() - 7_200_000, ttlSeconds: 60 });
    const keys: [string | null, string][] = [[userToken, 'a user token'], [expired, 'an expired user token'], ['wrong-key-wrong-key-wrong', 'a wrong key'], [`${ADMIN_KEY}x`, 'the key with a byte more'], [null, 'no key']];
    for (const [route, row] of Object.entries(REST_MATRIX)) {
      if (row.access !== 'admin') continue;
      const method = route.split(' ')[0]!;
      const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? {} : undefined;
      for (const [key, which] of keys) {
        const res = await t.rest(method, row.sample, body, key);
        assert.deepEqual([res.status, res.body?.name], [403, 'ADMIN_REQUIRED'], `${route} with ${which}`);
        counts.restChecks++;
      }
    }
  });

  it('refuses link previews without a user token (none, the admin key, a forged one): 401', async () => {
    for (const key of [null, ADMIN_KEY, 'not-a-token']) {
      const res = await t.rest('POST', '/v1/previews', { url: 'https://example.com/' }, key);
      assert.equal(res.status, 401, `with ${key ?? 'no key'}`);
      counts.restChecks++;
    }
  });

  it('serves preview pictures only for keys this server signed: a made-up, altered or foreign key is 403 PREVIEW_IMAGE_INVALID, with or without a token', async () => {
    const token = await t.token('alice');
    const signed = (await startServer({ linkPreviews: { images: 'proxy' }, secret: 'another-server-secret-0123' }));
    try {
      const foreign = signed.server.core.linkPreviews!.images!.pathFor('http://10.0.0.1/a.png')!.slice('/v1/previews/images/'.length);
      const proxying = await startServer({ linkPreviews: { images: 'proxy' } });
      try {
        for (const key of [foreign, 'aHR0cDovLzEwLjAuMC4xLw.AAAAAAAAAAAAAAAAAAAAAA', 'x']) {
          for (const auth of [null, token, ADMIN_KEY]) {
            const res = await proxying.rest('GET', `/v1/previews/images/${key}`, undefined, auth);
            assert.deepEqual([res.status, res.body.name], [403, 'PREVIEW_IMAGE_INVALID'], `${key} with ${auth === token ? 'a user token' : auth ?? 'no key'}`);
            counts.restChecks++;
          }
        }
      } finally {
        await proxying.stop();
      }
    } finally {
      await signed.stop();
    }
  });

  it('refuses, over REST too, a history page of a group as seen by a non-member (NOT_MEMBER)', async () => {
    const res = await t.rest('GET', '/v1/users/alice/conversations/group:g/messages');
    assert.deepEqual([res.status, res.body.name], [403, 'NOT_MEMBER']);
    counts.restChecks++;
  });

  it('refuses, over REST too, a search of a group as a non-member (NOT_MEMBER) and finds none of its messages across all', async () => {
    const res = await t.rest('GET', '/v1/users/alice/search?q=group&conversationId=group:g');
    assert.deepEqual([res.status, res.body.name], [403, 'NOT_MEMBER']);
    const across = await t.rest('GET', '/v1/users/alice/search?q=for');
    assert.deepEqual(across.body.results, []);
    const filtered = await t.rest('GET', '/v1/users/alice/search?q=for&from=bob&after=0&kind=text');
    assert.deepEqual(filtered.body.results, [], 'a filter never widens the search');
    const filteredGroup = await t.rest('GET', '/v1/users/alice/search?q=group&conversationId=group:g&from=bob');
    assert.deepEqual([filteredGroup.status, filteredGroup.body.name], [403, 'NOT_MEMBER']);
    const noWords = await t.rest('GET', '/v1/users/alice/search?from=bob');
    assert.ok(noWords.body.results.every((r: SearchResult) => r.message.id !== o.groupMsgId && r.message.id !== o.bobCarolMsgId), 'without words neither');
    const noWordsGroup = await t.rest('GET', '/v1/users/alice/search?conversationId=group:g&kind=text');
    assert.deepEqual([noWordsGroup.status, noWordsGroup.body.name], [403, 'NOT_MEMBER']);
    counts.restChecks += 6;
  });

  it('locks a removed member out of sending, reading, history and live delivery', async () => {
    assert.deepEqual((await t.rest('DELETE', '/v1/groups/g/members/carol', undefined, ADMIN_KEY)).body, { removed: true });
    await o.carol.next('conversation.removed');
    await refused(o.carol, { conversationId: 'group:g', elem: text('still here?') }, ['NOT_MEMBER']);
    o.carol.send({ type: 'history.fetch', reqId: 'rm', conversationId: 'group:g', after: 0 });
    assert.equal((await o.carol.next('error', (f) => f.reqId === 'rm')).name, 'NOT_MEMBER');
    o.carol.send({ type: 'conversation.read', reqId: 'rm2', conversationId: 'group:g', seq: 1 });
    assert.equal((await o.carol.next('error', (f) => f.reqId === 'rm2')).name, 'NOT_MEMBER');
    o.carol.send({ type: 'search.fetch', reqId: 'rm3', query: 'for the group' });
    assert.deepEqual((await o.carol.next('search.results', (f) => f.reqId === 'rm3')).results, [], 'a conversation left is not searched');
    o.carol.send({ type: 'search.fetch', reqId: 'rm4', query: '', from: 'bob' });
    assert.ok(((await o.carol.next('search.results', (f) => f.reqId === 'rm4')).results as SearchResult[]).every((r) => r.message.conversationId !== 'group:g'), 'nor without words');
    const clientMsgId = cmid();
    o.bob.send({ type: 'message.send', clientMsgId, conversationId: 'group:g', elem: text('after carol left') });
    await o.bob.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    await o.carol.roundTrip();
    assert.ok(!o.carol.received.some((f) => f.type === 'message.new' && f.message.clientMsgId === clientMsgId));
    counts.frameChecks += 5;
  });

  it("keeps what came before a member's join from them in a since-join group (the default): replay, history, REST, forward, reply quotes", async () => {
    await t.rest('POST', '/v1/groups', { id: 'sj', name: 'SJ', members: ['bob'] });
    const clientMsgId = cmid();
    o.bob.send({ type: 'message.send', clientMsgId, conversationId: 'group:sj', elem: text('before the join') });
    const early = await o.bob.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    await t.rest('PUT', '/v1/groups/sj/members/alice');
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('alice'), cursors: { 'group:sj': 0 } });
    const replay = (await s.until('sync.done')).flatMap((f) => (f.type === 'sync.messages' ? f.messages : []));
    assert.ok(!replay.some((m) => m.id === early.id), 'not in the replay');
    s.send({ type: 'history.fetch', reqId: 'sj1', conversationId: 'group:sj', after: 0 });
    assert.ok(!(await s.next('history.page', (f) => f.reqId === 'sj1')).messages.some((m) => m.id === early.id), 'not in history');
    const rest = await t.rest('GET', '/v1/users/alice/conversations/group:sj/messages');
    assert.ok(!rest.body.messages.some((m: { id: string }) => m.id === early.id), 'not over REST');
    await refused(s, { conversationId: 'p2p:bob', forward: { conversationId: 'group:sj', messageIds: [early.id] } }, ['MESSAGE_UNKNOWN']);
    // Nor quoted: a reply's quote carries the message's sender and first line.
    await refused(s, { conversationId: 'group:sj', elem: text('re'), replyTo: early.id }, ['REPLY_INVALID']);
    // Pinned and reacted to by bob: neither its pin (with its excerpt) nor its reactions reach
    // alice, and she cannot change it (its id named by a guess or a leak).
    for (const change of [{ kind: 'pin', on: true }, { kind: 'reaction', emoji: '👍', on: true }]) {
      o.bob.send({ type: 'change.send', changeId: cmid(), conversationId: 'group:sj', messageId: early.id, change });
      await o.bob.next('change.ack');
    }
    s.send({ type: 'pins.fetch', reqId: 'sj-pins', conversationId: 'group:sj' });
    assert.deepEqual((await s.next('pins', (f) => f.reqId === 'sj-pins')).pins, [], 'not among the pins');
    s.send({ type: 'reactions.fetch', reqId: 'sj-rx', conversationId: 'group:sj', messageId: early.id, emoji: '👍' });
    assert.equal((await s.next('error', (f) => f.reqId === 'sj-rx')).name, 'MESSAGE_UNKNOWN', 'not its reactions');
    for (const change of [{ kind: 'reaction', emoji: '🎉', on: true }, { kind: 'pin', on: false }, { kind: 'hide' }]) {
      await changeRefused(s, { conversationId: 'group:sj', messageId: early.id, change }, ['MESSAGE_UNKNOWN']);
    }
    s.close();
    counts.frameChecks += 5;
    counts.restChecks++;
  });

  it('has no dev token route outside dev mode', async () => {
    const prod = await startServer();
    try {
      assert.ok(!registeredRoutes(prod).includes('GET /v1/dev/token'));
      assert.equal((await prod.rest('GET', '/v1/dev/token?user=alice', undefined, null)).status, 404);
      counts.restChecks++;
    } finally {
      await prod.stop();
    }
  });
});

describe('file access', () => {
  const PNG = Buffer.from('89504e470d0a1a0a', 'hex');
  let t: TestServer;
  let bob: TestSocket;
  let alice: TestSocket;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol', 'dave');
    await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['bob', 'carol'] });
    [alice, bob] = await Promise.all([t.login('alice'), t.login('bob')]);
  });
  after(() => t.stop());

  const upload = async (user: string, conversationId: string) => {
    const res = await fetch(`${t.url}/v1/uploads?conversationId=${conversationId}&name=a.png`, {
      method: 'POST', headers: { authorization: `Bearer ${await t.token(user)}`, 'content-type': 'image/png' }, body: PNG,
    });
    return { status: res.status, body: (await res.json()) as { url: string; name?: string; size: number } };
  };
  /** Fetches with the file's own ticket, asked for in a batch (a file the user may not read gets none: then a user token tells why). */
  const fetchAs = async (user: string, url: string) => {
    const auth = `Bearer ${await t.token(user)}`;
    const id = new URL(url).pathname.split('/')[3]!;
    const asked = await fetch(`${t.url}/v1/files/tickets`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ files: [id] }) });
    const ticket = ((await asked.json()) as { tickets: Record<string, { ticket: string }> }).tickets[id]?.ticket;
    const res = ticket ? await fetch(`${url}?ticket=${ticket}`) : await fetch(url, { headers: { authorization: auth } });
    counts.restChecks++;
    return [res.status, res.ok ? 'ok' : ((await res.json()) as { name: string }).name];
  };
  const image = (f: { url: string; size: number }) => ({ type: 'image', url: f.url, width: 1, height: 1, size: f.size, mime: 'image/png' });

  it('a non-member cannot upload into a conversation (403 NOT_MEMBER)', async () => {
    const res = await upload('alice', 'group:g');
    assert.deepEqual([res.status, res.body.name], [403, 'NOT_MEMBER']);
    counts.restChecks++;
  });

  it('a non-member cannot fetch a file shared in a conversation; its members and uploader can', async () => {
    const f = (await upload('bob', 'group:g')).body;
    assert.equal((await send(bob, { conversationId: 'group:g', elem: image(f) })).type, 'message.ack');
    assert.deepEqual(await fetchAs('bob', f.url), [200, 'ok']);
    assert.deepEqual(await fetchAs('carol', f.url), [200, 'ok']);
    assert.deepEqual(await fetchAs('alice', f.url), [403, 'FILE_FORBIDDEN']);
  });

  it('a per-file ticket (?file=) is refused for a file the caller cannot read, and opens no other file', async () => {
    const f = (await upload('bob', 'group:g')).body;
    const other = (await upload('bob', 'group:g')).body;
    const asker = async (user: string, url: string) => fetch(`${t.url}/v1/files/ticket?file=${new URL(url).pathname.split('/')[3]}`, { headers: { authorization: `Bearer ${await t.token(user)}` } });
    const refused = await asker('alice', f.url);
    assert.deepEqual([refused.status, ((await refused.json()) as { name: string }).name], [403, 'FILE_FORBIDDEN']);
    const ticket = ((await (await asker('bob', f.url)).json()) as { ticket: string }).ticket;
    assert.equal((await fetch(`${f.url}?ticket=${ticket}`)).status, 200);
    const res = await fetch(`${other.url}?ticket=${ticket}`);
    assert.deepEqual([res.status, ((await res.json()) as { name: string }).name], [401, 'TOKEN_INVALID']);
    counts.restChecks += 3;
  });

  it("a user cannot reference another's file they cannot fetch (FILE_FORBIDDEN), not even in a merger", async () => {
    const f = (await upload('bob', 'group:g')).body;
    assert.equal((await send(bob, { conversationId: 'group:g', elem: image(f) })).type, 'message.ack');
    assert.deepEqual(await send(alice, { conversationId: 'p2p:dave', elem: image(f) }), { type: 'message.error', name: 'FILE_FORBIDDEN' });
    const merger = { type: 'merger', title: 't', abstractList: [], messages: [{ id: 'x', conversationId: 'group:g', seq: 1, clientMsgId: 'cm00000001', sender: 'bob', senderProfile: {}, time: 1, elem: image(f) }] };
    // A merger elem from a client is refused before its files are looked at: only the server builds mergers.
    assert.deepEqual(await send(alice, { conversationId: 'p2p:dave', elem: merger }), { type: 'message.error', name: 'MERGER_FORGED' });
    assert.deepEqual(await fetchAs('dave', f.url), [403, 'FILE_FORBIDDEN']);
    counts.frameChecks += 2;
  });

  it("a forwarded file becomes fetchable by the target conversation's members", async () => {
    const f = (await upload('bob', 'group:g')).body;
    const sent = await send(bob, { conversationId: 'group:g', elem: image(f) });
    assert.deepEqual(await fetchAs('dave', f.url), [403, 'FILE_FORBIDDEN']);
    assert.equal((await send(bob, { conversationId: 'p2p:dave', forward: { conversationId: 'group:g', messageIds: [sent.id!] } })).type, 'message.ack');
    assert.deepEqual(await fetchAs('dave', f.url), [200, 'ok']);
    assert.deepEqual(await fetchAs('alice', f.url), [403, 'FILE_FORBIDDEN']);
  });

  async function send(s: TestSocket, frame: Record<string, unknown>): Promise<{ type: string; name?: string; id?: string }> {
    const clientMsgId = cmid();
    s.send({ type: 'message.send', clientMsgId, ...frame });
    const answer = await s.nextOf(['message.ack', 'message.error']);
    return answer.type === 'message.ack' ? { type: answer.type, id: answer.id } : { type: answer.type, name: answer.name };
  }
});

describe('blocked users and friends-only', () => {
  it('never gives the blocker a blocked sender\'s p2p message: not live, not in the replay, not in history', async () => {
    const t = await startServer();
    try {
      await createUsers(t, 'alice', 'bob');
      assert.equal((await t.rest('PUT', '/v1/users/bob/blocklist/alice')).status, 204);
      const bob = await t.login('bob');
      const alice = await t.login('alice');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const clientMsgId = cmid();
        ids.push(clientMsgId);
        alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text(`blocked ${i}`) });
        await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
      }
      await bob.roundTrip();
      assert.equal(bob.pending('message.new').length, 0);
      const again = await t.connect();
      again.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('bob'), cursors: { 'p2p:alice': 0 } });
      const replay = await again.until('sync.done');
      const seen = replay.flatMap((f) => (f.type === 'sync.messages' ? f.messages : [])).filter((m) => ids.includes(m.clientMsgId ?? ''));
      assert.deepEqual(seen, []);
      again.send({ type: 'history.fetch', reqId: 'h', conversationId: 'p2p:alice', after: 0 });
      assert.deepEqual((await again.next('history.page')).messages, []);
      counts.frameChecks += ids.length * 3;
      for (const s of [alice, bob, again]) s.close();
    } finally {
      await t.stop();
    }
  });

  it('holds friends-only for sends and forwards, and again once a friendship ends', async () => {
    const t = await startServer({ friendsOnly: true });
    try {
      await createUsers(t, 'alice', 'bob', 'carol');
      await t.rest('PUT', '/v1/users/alice/friends/bob');
      const alice = await t.login('alice');
      alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text('hi friend') });
      const ack = await alice.next('message.ack');
      await refused(alice, { conversationId: 'p2p:carol', elem: text('hi stranger') }, ['NOT_FRIENDS']);
      await refused(alice, { conversationId: 'p2p:carol', forward: { conversationId: 'p2p:bob', messageIds: [ack.id] } }, ['NOT_FRIENDS']);
      assert.equal((await t.rest('DELETE', '/v1/users/alice/friends/bob')).status, 204);
      await refused(alice, { conversationId: 'p2p:bob', elem: text('still friends?') }, ['NOT_FRIENDS']);
      alice.close();
    } finally {
      await t.stop();
    }
  });
});

describe('push subscriptions', () => {
  it('take a user token only (not the admin key), store for that user, and remove only their own endpoint', async () => {
    const t = await startServer({ push: { allowLoopback: true, agentOptions: { ca: loopbackCert().cert } } });
    try {
      await createUsers(t, 'alice', 'bob');
      const endpoint = 'https://127.0.0.1:9/bob';
      const body = fakeBrowser().subscription(endpoint, 'b1');
      for (const key of [ADMIN_KEY, null, 'not-a-token']) {
        const res = await t.rest('POST', '/v1/push/subscriptions', body, key);
        assert.equal(res.status, 401, `POST with ${key ?? 'no key'}`);
        assert.equal((await t.rest('DELETE', '/v1/push/subscriptions', { endpoint }, key)).status, 401, `DELETE with ${key ?? 'no key'}`);
        counts.restChecks += 2;
      }
      assert.equal((await t.rest('POST', '/v1/push/subscriptions', body, await t.token('bob'))).status, 204);
      const stolen = await t.rest('DELETE', '/v1/push/subscriptions', { endpoint }, await t.token('alice'));
      assert.deepEqual([stolen.status, stolen.body.name], [404, 'NOT_FOUND']);
      assert.deepEqual((await t.server.store.pushSubscriptionsOf(['alice', 'bob'])).map((s) => [s.userId, s.endpoint]), [['bob', endpoint]]);
      counts.restChecks += 2;
    } finally {
      await t.stop();
    }
  });
});
