/**
 * Mentions added by an edit notify (SPEC §9): an edit that adds an @mention calls
 * `onOfflineMessage` like a new mentioning message does, for the newly mentioned who are offline
 * only (never those mentioned before, the sender, the online, or someone who deleted it for
 * themselves); `@all` added reaches every offline member; a retried edit calls nothing more.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Change, ConversationId } from '../../../src/protocol/index.js';
import type { OfflineMessageEvent } from '../../../src/server/core/offline-push.js';
import { editMentionRecipients } from '../../../src/server/core/offline-push.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { GUARD_MS } from '../../guard.js';

const g = 'group:ed' as ConversationId;

async function sendText(s: TestSocket, body: string, extra: Record<string, unknown> = {}) {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, conversationId: g, elem: text(body), ...extra });
  return s.next('message.ack', (f) => f.clientMsgId === clientMsgId);
}

async function change(s: TestSocket, messageId: string, c: Change, changeId = cmid()) {
  s.send({ type: 'change.send', changeId, conversationId: g, messageId, change: c });
  const answer = await s.nextOf(['change.ack', 'change.error']);
  assert.equal(answer.type, 'change.ack', JSON.stringify(answer));
  return answer as { seq: number; duplicate?: boolean };
}

describe('mentions added by an edit notify offline members', () => {
  let t: TestServer;
  const calls: OfflineMessageEvent[] = [];
  before(async () => {
    t = await startServer({ onOfflineMessage: (e) => void calls.push(e), changes: { editWindowSeconds: 600 } });
    await createUsers(t, 'alice', 'bob', 'carol', 'dave', 'erin');
    await t.rest('POST', '/v1/groups', { id: 'ed', name: 'Ed', members: ['alice', 'bob', 'carol', 'dave', 'erin'] });
  });
  after(() => t.stop());

  /** Calls about `id` once a later marker message was handed over (the hook runs off the send path, in order). */
  async function callsFor(alice: TestSocket, id: string): Promise<OfflineMessageEvent[]> {
    const marker = await sendText(alice, 'marker');
    const end = Date.now() + GUARD_MS;
    while (!calls.some((c) => c.message.id === marker.id)) {
      if (Date.now() > end) throw new Error('the marker never reached the hook');
      await new Promise((r) => setTimeout(r, 10));
    }
    return calls.filter((c) => c.message.id === id);
  }

  it('calls the hook for the newly mentioned offline only, with the edited text', async () => {
    const alice = await t.login('alice');
    const erin = await t.login('erin');
    const m = await sendText(alice, 'hi @Bob', { groupAtUserList: ['bob'] });
    await callsFor(alice, m.id);
    calls.length = 0;

    // bob was mentioned already, carol and erin are new (erin is online), dave is not mentioned.
    await change(alice, m.id, { kind: 'edit', text: 'hi @Bob @Carol @Erin', groupAtUserList: ['bob', 'carol', 'erin'] });
    const [call, ...more] = await callsFor(alice, m.id);
    assert.equal(more.length, 0);
    assert.deepEqual(call!.recipients, ['carol']);
    assert.equal(call!.message.elem.type, 'text');
    assert.equal((call!.message.elem as { text: string }).text, 'hi @Bob @Carol @Erin');
    assert.ok(call!.message.edited);
    assert.equal(call!.message.seq, m.seq, 'the edited message, not the change event');
    assert.deepEqual([call!.message.conversationId, call!.message.sender], [g, 'alice']);

    // An edit that mentions no one new calls nothing; neither does a retry of the same change.
    const changeId = cmid();
    calls.length = 0;
    await change(alice, m.id, { kind: 'edit', text: 'hi @Carol', groupAtUserList: ['carol'] }, changeId);
    const again = await change(alice, m.id, { kind: 'edit', text: 'hi @Carol', groupAtUserList: ['carol'] }, changeId);
    assert.equal(again.duplicate, true);
    assert.deepEqual(await callsFor(alice, m.id), []);
    alice.close();
    erin.close();
  });

  it('@all added reaches every offline member who can see it, not one who deleted it for themselves', async () => {
    const alice = await t.login('alice');
    const m = await sendText(alice, 'plans');
    const dave = await t.login('dave');
    await change(dave, m.id, { kind: 'hide' });
    dave.close();
    await new Promise((r) => setTimeout(r, 50));
    calls.length = 0;
    await change(alice, m.id, { kind: 'edit', text: 'plans @all', groupAtUserList: ['@all'] });
    const [call] = await callsFor(alice, m.id);
    assert.deepEqual(call!.recipients.sort(), ['bob', 'carol', 'erin']);
    alice.close();
  });

  it('editMentionRecipients: named members who see it, never the sender', () => {
    const members = ['a', 'b', 'c', 'd'];
    assert.deepEqual(editMentionRecipients(members, 'a', { added: ['a', 'b', 'x'] }), ['b']);
    assert.deepEqual(editMentionRecipients(members, 'a', { added: ['@all'], hiddenFor: ['c'] }), ['b', 'd']);
    assert.deepEqual(editMentionRecipients(members, 'a', { added: ['b', 'c'], visibleTo: ['a', 'c'] }), ['c']);
  });
});
