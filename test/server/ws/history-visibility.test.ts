import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROTOCOL_VERSION, type ServerFrame } from '../../../src/protocol/index.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { summarize } from '../../../src/server/core/summaries.js';
import { createMemoryStore } from '../../../src/server/store/memory-store.js';
import { draft } from '../store/store-contract.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

/** Texts of the messages in replay batches and history pages among `frames`. */
const textsIn = (frames: ServerFrame[]) =>
  frames.flatMap((f) => (f.type === 'sync.messages' || f.type === 'history.page' ? f.messages : [])).flatMap((m) => (m.elem.type === 'text' ? [m.elem.text] : []));

async function page(s: TestSocket, extra: Record<string, unknown>, conversationId = 'group:g') {
  const reqId = cmid();
  s.send({ type: 'history.fetch', reqId, conversationId, ...extra });
  return s.next('history.page', (f) => f.reqId === reqId);
}

async function sendAs(s: TestSocket, conversationId: string, body: string): Promise<{ id: string; seq: number }> {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, conversationId, elem: text(body) });
  return s.next('message.ack', (f) => f.clientMsgId === clientMsgId);
}

describe('group history visibility', () => {
  let t: TestServer;
  let bob: TestSocket;
  let early: { id: string; seq: number };
  before(async () => {
    t = await startServer();
    await createUsers(t, 'bob', 'carol', 'dave', 'erin');
    assert.equal((await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['bob', 'carol'] })).status, 201);
    bob = await t.login('bob');
    early = await sendAs(bob, 'group:g', 'before dave 1');
    await sendAs(bob, 'group:g', 'before dave 2');
    assert.deepEqual((await t.rest('PUT', '/v1/groups/g/members/dave')).body, { added: true });
  });
  after(() => t.stop());

  it('is since-join by default: a member added later gets nothing from before the join, by replay, history or REST', async () => {
    const after1 = await sendAs(bob, 'group:g', 'after dave');
    for (const cursors of [undefined, { 'group:g': 0 }]) {
      const s = await t.connect();
      s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('dave'), ...(cursors && { cursors }) });
      const frames = await s.until('sync.done');
      assert.deepEqual(textsIn(frames), ['after dave'], `replay with cursors ${JSON.stringify(cursors)}`);
      const summary = frames.flatMap((f) => (f.type === 'sync.conversations' ? f.items : [])).find((c) => c.id === 'group:g');
      assert.ok(summary && summary.lastMessage && summary.lastMessage.seq > early.seq);
      s.close();
    }
    const dave = await t.login('dave');
    for (const extra of [{}, { before: after1.seq }, { after: 0 }, { after: 0, limit: 200 }, { before: 3 }]) {
      const p = await page(dave, extra);
      assert.ok(!textsIn([p]).some((x) => x.startsWith('before dave')), JSON.stringify(extra));
      assert.equal(p.hasMore, false, `no older history to offer: ${JSON.stringify(extra)}`);
    }
    const rest = await t.rest('GET', '/v1/users/dave/conversations/group:g/messages?limit=200');
    assert.equal(rest.status, 200);
    assert.deepEqual(textsIn([{ type: 'history.page', reqId: 'x', ...rest.body }]), ['after dave']);
    assert.equal(rest.body.hasMore, false);
    // carol, a first member, still reads everything.
    const carol = await t.login('carol');
    assert.deepEqual(textsIn([await page(carol, { limit: 200 })]), ['before dave 1', 'before dave 2', 'after dave']);
  });

  it('does not serve a later member the files of messages from before the join', async () => {
    assert.equal((await t.rest('POST', '/v1/groups', { id: 'files', name: 'F', members: ['bob', 'carol'] })).status, 201);
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const upload = async () => {
      const res = await fetch(`${t.url}/v1/uploads?conversationId=group:files&name=a.png`, { method: 'POST', headers: { authorization: `Bearer ${await t.token('bob')}`, 'content-type': 'image/png' }, body: png });
      assert.equal(res.status, 201);
      return (await res.json()) as { url: string; size: number; mime: string };
    };
    const sendImage = async (f: { url: string; size: number; mime: string }) => {
      const clientMsgId = cmid();
      bob.send({ type: 'message.send', clientMsgId, conversationId: 'group:files', elem: { type: 'image', url: f.url, width: 1, height: 1, size: f.size, mime: f.mime } });
      await bob.next('message.ack', (a) => a.clientMsgId === clientMsgId);
    };
    const before = await upload();
    await sendImage(before);
    assert.deepEqual((await t.rest('PUT', '/v1/groups/files/members/erin')).body, { added: true });
    const after = await upload();
    await sendImage(after);
    const get = async (user: string, url: string) => (await fetch(url, { headers: { authorization: `Bearer ${await t.token(user)}` } })).status;
    assert.equal(await get('carol', before.url), 200, 'a first member reads it');
    assert.equal(await get('erin', before.url), 403, 'a later member does not');
    assert.equal(await get('erin', after.url), 200, 'what came after the join is theirs to read');
  });

  it('does not let a later member forward what they cannot read', async () => {
    const dave = await t.login('dave');
    const clientMsgId = cmid();
    dave.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', forward: { conversationId: 'group:g', messageIds: [early.id] } });
    const refused = await dave.nextOf(['message.ack', 'message.error']);
    assert.ok(refused.type === 'message.error' && refused.name === 'MESSAGE_UNKNOWN', JSON.stringify(refused));
    const merged = cmid();
    dave.send({ type: 'message.send', clientMsgId: merged, conversationId: 'p2p:bob', forward: { conversationId: 'group:g', messageIds: [early.id], merge: { title: 'x' } } });
    const refusedMerge = await dave.nextOf(['message.ack', 'message.error']);
    assert.ok(refusedMerge.type === 'message.error' && refusedMerge.name === 'MESSAGE_UNKNOWN');
    // What came after the join forwards as usual.
    const later = await sendAs(bob, 'group:g', 'forward me');
    const ok = cmid();
    dave.send({ type: 'message.send', clientMsgId: ok, conversationId: 'p2p:bob', forward: { conversationId: 'group:g', messageIds: [later.id] } });
    assert.equal((await dave.nextOf(['message.ack', 'message.error'])).type, 'message.ack');
  });

  it("is settable at creation ('all') and by PATCH; switching back hides pre-join history again", async () => {
    assert.equal((await t.rest('POST', '/v1/groups', { id: 'open', name: 'Open', members: ['bob'], historyVisibility: 'all' })).status, 201);
    await sendAs(bob, 'group:open', 'old news');
    await t.rest('PUT', '/v1/groups/open/members/erin');
    const erin = await t.login('erin');
    assert.deepEqual(textsIn([await page(erin, {}, 'group:open')]), ['old news']);

    const patched = await t.rest('PATCH', '/v1/groups/open', { historyVisibility: 'since-join' });
    assert.deepEqual([patched.status, patched.body], [200, { id: 'open', name: 'Open', historyVisibility: 'since-join' }]);
    assert.deepEqual(textsIn([await page(erin, {}, 'group:open')]), []);
    assert.equal((await t.rest('PATCH', '/v1/groups/open', { historyVisibility: 'all' })).body.historyVisibility, 'all');
    assert.deepEqual(textsIn([await page(erin, {}, 'group:open')]), ['old news']);
  });

  it('refuses a bad setting (400 BAD_REQUEST), an unknown field (400) and an unknown group (404 GROUP_UNKNOWN), changing nothing', async () => {
    for (const [path, method, body] of [
      ['/v1/groups', 'POST', { id: 'bad', name: 'Bad', members: [], historyVisibility: 'everyone' }],
      ['/v1/groups/g', 'PATCH', { historyVisibility: 'everyone' }],
      ['/v1/groups/g', 'PATCH', { colour: 'red' }],
    ] as const) {
      const res = await t.rest(method, path, body);
      assert.deepEqual([res.status, res.body.name], [400, 'BAD_REQUEST'], `${method} ${path} ${JSON.stringify(body)}`);
    }
    const unknown = await t.rest('PATCH', '/v1/groups/nope', { historyVisibility: 'all' });
    assert.deepEqual([unknown.status, unknown.body.name], [404, 'GROUP_UNKNOWN']);
    const dave = await t.login('dave');
    assert.ok(!textsIn([await page(dave, { limit: 200 })]).some((x) => x.startsWith('before dave')), 'g is still since-join');
  });

  it('never previews a message from before the join as the last message of a since-join member', async () => {
    // Straight on a store: through the server a join always posts a "joined" notification after it.
    const store = createMemoryStore();
    const k = groupKey('quiet');
    await store.createGroup({ id: 'quiet', name: 'Q', createdAt: 1 }, ['bob']);
    await store.commitMessages([draft(k, 'bob')]);
    await store.addGroupMember('quiet', 'dave');
    const summary = await summarize(store, 'dave', (await store.getConversation('dave', k))!);
    assert.equal(summary.lastMessage, undefined);
    assert.equal((await summarize(store, 'bob', (await store.getConversation('bob', k))!)).lastMessage?.seq, 1);
  });
});
