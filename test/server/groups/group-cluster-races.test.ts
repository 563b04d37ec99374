/**
 * Group changes sent at once on two nodes sharing PostgreSQL and Redis (SPEC §13's one owner, one
 * notification per change). Each node runs a group's changes one at a time, but not the other
 * node's: the store checks the roles again at its write (Store.changeGroupRole), and a removal's
 * notice is keyed by the membership it ends, so the second of two is a duplicate.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/index.js';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import { twoNodes } from '../helpers/two-nodes.js';
import { createUsers, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { ask, change, create } from './group-helpers.js';

await requirePostgres();
await requireRedis();

const TRIES = 8;

describe('group changes sent at once on two nodes', () => {
  const nodes = twoNodes();
  let a: TestServer;
  let aliceA: TestSocket;
  let aliceB: TestSocket;
  let bobB: TestSocket;
  // Each creates some groups: group creation has a rate limit per user.
  let daveA: TestSocket;
  let daveB: TestSocket;
  before(async () => {
    a = nodes.a;
    await createUsers(a, 'alice', 'bob', 'carol', 'dave');
    aliceA = await a.login('alice');
    aliceB = await nodes.b.login('alice');
    bobB = await nodes.b.login('bob');
    daveA = await a.login('dave');
    daveB = await nodes.b.login('dave');
  });

  const state = async (id: string) => {
    const res = await a.rest('GET', `/v1/users/alice/conversations/group:${id}/messages?limit=50`);
    const notices = (res.body.messages as Message[]).flatMap((m) => (m.elem.type === 'system' ? [m.elem.event] : []));
    return { notices };
  };

  async function owners(id: string): Promise<string[]> {
    aliceA.send({ type: 'members.fetch', reqId: `m-${id}`, conversationId: `group:${id}` });
    const { members } = await aliceA.next('members', (f) => f.reqId === `m-${id}`);
    return members.filter((m) => m.role === 'owner').map((m) => m.id).sort();
  }

  it(`keeps one owner when the owner hands the group to two members at once, one on each node (${TRIES} tries)`, async () => {
    for (let i = 0; i < TRIES; i++) {
      const id = `own${i}`;
      assert.equal(await create(aliceA, id, ['bob', 'carol', 'dave']), 'ok');
      const answers = (await Promise.all([
        change(aliceA, id, { kind: 'role', userId: 'carol', role: 'owner' }),
        change(aliceB, id, { kind: 'role', userId: 'dave', role: 'owner' }),
      ])).sort();
      assert.deepEqual(answers, ['GROUP_ROLE_REQUIRED', 'ok'], `try ${i}: one transfer refused`);
      const now = await owners(id);
      assert.equal(now.length, 1, `try ${i}: one owner, not ${now.join(' and ')}`);
      const { notices } = await state(id);
      assert.equal(notices.filter((e) => e === 'owner-changed').length, 1, `try ${i}: ${notices.join(', ')}`);
    }
  });

  it(`tells the group once when the owner and an admin remove the same member at once, one on each node (${TRIES} tries)`, async () => {
    for (let i = 0; i < TRIES; i++) {
      const id = `rm${i}`;
      assert.equal(await create(aliceA, id, ['bob', 'carol']), 'ok');
      assert.equal(await change(aliceA, id, { kind: 'role', userId: 'bob', role: 'admin' }), 'ok');
      const answers = await Promise.all([
        change(aliceA, id, { kind: 'remove', userId: 'carol' }),
        change(bobB, id, { kind: 'remove', userId: 'carol' }),
      ]);
      assert.deepEqual(answers, ['ok', 'ok']);
      const { notices } = await state(id);
      assert.equal(notices.filter((e) => e === 'member-removed').length, 1, `try ${i}: ${notices.join(', ')}`);
    }
  });

  it(`keeps an owner when the owner hands the group to a member who leaves at once, one on each node (${TRIES} tries)`, async () => {
    for (let i = 0; i < TRIES; i++) {
      const id = `lv${i}`;
      assert.equal(await create(daveA, id, ['alice', 'bob', 'carol']), 'ok');
      const [handed, left] = await Promise.all([
        change(daveA, id, { kind: 'role', userId: 'bob', role: 'owner' }),
        change(bobB, id, { kind: 'leave' }),
      ]);
      // Either order is fine, as long as it is one: handed over then refused (an owner cannot
      // leave), or left then the handover refused (not a member).
      assert.ok((handed === 'ok' && left === 'OWNER_CANNOT_LEAVE') || (handed === 'NOT_MEMBER' && left === 'ok'), `try ${i}: ${handed}, ${left}`);
      const now = await owners(id);
      assert.equal(now.length, 1, `try ${i}: one owner, not ${now.join(' and ') || 'none'}`);
      if (left === 'ok') assert.equal(await change(daveB, id, { kind: 'invite', userIds: ['bob'] }), 'ok');
    }
  });

  it('tells the group once when its owner dismisses it on both nodes at once', async () => {
    for (let i = 0; i < 4; i++) {
      const id = `dis.${i}@x`; // `.` and `@`, which a clientMsgId may not hold
      assert.equal(await create(daveA, id, ['alice']), 'ok');
      const before = await state(id);
      const answers = (await Promise.all([change(daveA, id, { kind: 'dismiss' }), change(daveB, id, { kind: 'dismiss' })])).sort();
      // The second is a no-op or GROUP_DISMISSED, depending on when it reads the group.
      assert.ok(answers[1] === 'ok' && ['GROUP_DISMISSED', 'ok'].includes(answers[0]!), `try ${i}: ${answers.join(', ')}`);
      await aliceA.roundTrip();
      const told = aliceA.received.filter((f) => f.type === 'message.new' && f.message.conversationId === `group:${id}` && f.message.elem.type === 'system' && f.message.elem.event === 'group-dismissed');
      assert.equal(new Set(told.map((f) => (f as { message: { seq: number } }).message.seq)).size, 1, `try ${i}: one notice (${before.notices.join(', ')})`);
    }
  });

  it('tells the group again when a member removed, invited back, is removed again (a new membership, a new notice)', async () => {
    assert.equal(await create(daveA, 'again', ['alice', 'carol']), 'ok');
    assert.equal(await change(daveA, 'again', { kind: 'remove', userId: 'carol' }), 'ok');
    assert.equal(await change(daveB, 'again', { kind: 'invite', userIds: ['carol'] }), 'ok');
    assert.equal(await change(daveB, 'again', { kind: 'remove', userId: 'carol' }), 'ok');
    const { notices } = await state('again');
    assert.equal(notices.filter((e) => e === 'member-removed').length, 2, notices.join(', '));
  });
});
