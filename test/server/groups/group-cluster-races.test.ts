/**
 * Group changes sent at once on two nodes sharing PostgreSQL and Redis (SPEC §13's one owner, one
 * notification per change). Each node runs a group's changes one at a time, but not the other
 * node's: the store checks the roles again at its write (Store.changeGroupRole, updateGroup,
 * addGroupMembers, putSanction), and a removal's notice is keyed by the membership it ends, so
 * the second of two is a duplicate.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import pg from 'pg';
import type { GroupChange, Message } from '../../../src/protocol/index.js';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import { twoNodes } from '../helpers/two-nodes.js';
import { createUsers, type TestServer } from '../helpers/test-server.js';
import { until } from '../helpers/webhook-receiver.js';
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
  // The owner of the groups below (alice has used her budget of group changes by then).
  let olgaA: TestSocket;
  let olgaB: TestSocket;
  before(async () => {
    a = nodes.a;
    await createUsers(a, 'alice', 'bob', 'carol', 'dave', 'adam', 'erin', 'olga');
    aliceA = await a.login('alice');
    aliceB = await nodes.b.login('alice');
    bobB = await nodes.b.login('bob');
    daveA = await a.login('dave');
    daveB = await nodes.b.login('dave');
    olgaA = await a.login('olga');
    olgaB = await nodes.b.login('olga');
  });

  const state = async (id: string) => {
    const res = await a.rest('GET', `/v1/users/alice/conversations/group:${id}/messages?limit=50`);
    const notices = (res.body.messages as Message[]).flatMap((m) => (m.elem.type === 'system' ? [m.elem.event] : []));
    return { notices };
  };

  let asked = 0;
  async function members(id: string) {
    const reqId = `m-${id}-${++asked}`;
    aliceA.send({ type: 'members.fetch', reqId, conversationId: `group:${id}` });
    return (await aliceA.next('members', (f) => f.reqId === reqId)).members;
  }

  async function owners(id: string): Promise<string[]> {
    return (await members(id)).filter((m) => m.role === 'owner').map((m) => m.id).sort();
  }

  /** The group's settings as alice sees them on node B (where the change under test runs). */
  async function settingsOf(id: string) {
    const reqId = `i-${id}-${++asked}`;
    aliceB.send({ type: 'group.fetch', reqId, groupId: id });
    const { group } = await aliceB.next('group.info', (f) => f.reqId === reqId);
    return { ...group, role: undefined };
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
      // The second is refused at its write GROUP_DISMISSED, or before it NOT_MEMBER: its
      // membership read gone while its node still held the group as it was (another node's
      // changes to what a node holds arrive over the bus).
      assert.ok(answers[1] === 'ok' && ['GROUP_DISMISSED', 'NOT_MEMBER'].includes(answers[0]!), `try ${i}: ${answers.join(', ')}`);
      await aliceA.roundTrip();
      const told = aliceA.received.filter((f) => f.type === 'message.new' && f.message.conversationId === `group:${id}` && f.message.elem.type === 'system' && f.message.elem.event === 'group-dismissed');
      assert.equal(new Set(told.map((f) => (f as { message: { seq: number } }).message.seq)).size, 1, `try ${i}: one notice (${before.notices.join(', ')})`);
    }
  });

  /**
   * Runs `pending` (a change on node B) while a transaction of the test's own holds what its write
   * needs (`held`, statements run in it), so that it has passed its first check and waits at its
   * write; runs `meanwhile` (a role change on node A, which those locks do not hold up); then
   * rolls back, letting B's write go on. Answers B's answer. Without the lock, the same order
   * comes from two nodes' timing (rarely enough to miss in a test).
   */
  async function atTheWrite(held: [string, unknown[]][], pending: () => Promise<string>, meanwhile: () => Promise<void>): Promise<string> {
    const c = new pg.Client({ connectionString: nodes.databaseUrl });
    await c.connect();
    try {
      await c.query('BEGIN');
      for (const [sql, params] of held) await c.query(sql, params);
      const answer = pending();
      const waiting = async () => (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))')).rows[0]!.n > 0;
      await until(waiting, "node B's write waiting on the test's locks");
      await meanwhile();
      await c.query('ROLLBACK');
      return await answer;
    } finally {
      await c.end();
    }
  }

  const groupRow = (id: string): [string, unknown[]] => ['SELECT 1 FROM groups WHERE id = $1 FOR UPDATE', [id]];

  /** A group owned by olga, with alice (who reads it), bob an admin and `others`, made by the site. */
  async function adminGroup(id: string, others: string[]): Promise<void> {
    assert.equal((await a.rest('POST', '/v1/groups', { id, name: `Group ${id}`, owner: 'olga', members: ['alice', 'bob', ...others] })).status, 201);
    assert.equal(await change(olgaA, id, { kind: 'role', userId: 'bob', role: 'admin' }), 'ok');
  }

  const demoteBob = (id: string) => async () => assert.equal(await change(olgaA, id, { kind: 'role', userId: 'bob', role: 'member' }), 'ok');

  const settings: [string, GroupChange, string][] = [
    ['rename', { kind: 'rename', name: 'Renamed' }, 'group-renamed'],
    ['avatar', { kind: 'avatar', avatar: 'https://example.com/a.png' }, 'group-avatar'],
    ['notice', { kind: 'notice', notice: 'Read this' }, 'group-notice'],
    ['visibility', { kind: 'visibility', historyVisibility: 'all' }, 'group-visibility'],
  ];
  for (const [kind, c, event] of settings) {
    it(`refuses an admin's ${kind} on one node that reaches its write after their demotion on the other, and posts nothing`, async () => {
      const id = `set-${kind}`;
      await adminGroup(id, ['carol']);
      const before = await settingsOf(id);
      const answer = await atTheWrite([groupRow(id)], () => change(bobB, id, c), demoteBob(id));
      assert.equal(answer, 'GROUP_ROLE_REQUIRED');
      const { notices } = await state(id);
      assert.deepEqual(notices.filter((e) => e === event), [], notices.join(', '));
      assert.deepEqual(await settingsOf(id), before, 'nothing changed');
    });
  }

  it("refuses an admin's invite on one node that reaches its write after their demotion on the other: nobody added, nothing posted", async () => {
    await adminGroup('inv', ['carol']);
    // The invitee's membership row, written and not committed: the invite's insert waits on it too.
    const answer = await atTheWrite(
      [groupRow('inv'), ["INSERT INTO memberships (user_id, conv_key) VALUES ('erin', 'group:inv')", []]],
      () => change(bobB, 'inv', { kind: 'invite', userIds: ['erin'] }),
      demoteBob('inv'),
    );
    assert.equal(answer, 'GROUP_ROLE_REQUIRED');
    const { notices } = await state('inv');
    assert.deepEqual(notices.filter((e) => e === 'member-joined'), [], notices.join(', '));
    assert.deepEqual((await members('inv')).map((m) => m.id).sort(), ['alice', 'bob', 'carol', 'olga']);
  });

  // adam sorts before bob: a mute's write locks adam's membership first and waits there, not yet
  // holding bob's, which the demotion locks.
  const adamsRow = (id: string): [string, unknown[]] => [`SELECT 1 FROM memberships WHERE conv_key = 'group:${id}' AND user_id = 'adam' FOR UPDATE`, []];
  const adamsMutes = async () => (await a.rest('GET', '/v1/users/adam/sanctions')).body.items as { scope: string }[];

  it("refuses an admin's mute on one node that reaches its write after their demotion on the other: no mute, nothing posted", async () => {
    await adminGroup('mut', ['adam']);
    // The mute's row, written and not committed: the mute's insert waits on it too.
    const held = [adamsRow('mut'), ["INSERT INTO sanctions (user_id, kind, scope, until, created_at) VALUES ('adam', 'mute', 'mut', NULL, 1)", []] as [string, unknown[]]];
    assert.equal(await atTheWrite(held, () => change(bobB, 'mut', { kind: 'mute', userId: 'adam' }), demoteBob('mut')), 'GROUP_ROLE_REQUIRED');
    assert.deepEqual((await adamsMutes()).filter((m) => m.scope === 'mut'), []);
    const { notices } = await state('mut');
    assert.deepEqual(notices.filter((e) => e === 'member-muted'), [], notices.join(', '));
  });

  it("refuses an admin's unmute on one node that reaches its write after their demotion on the other: still muted, nothing posted", async () => {
    await adminGroup('unm', ['adam']);
    assert.equal(await change(bobB, 'unm', { kind: 'mute', userId: 'adam' }), 'ok');
    const held = [adamsRow('unm'), ["SELECT 1 FROM sanctions WHERE user_id = 'adam' AND scope = 'unm' FOR UPDATE", []] as [string, unknown[]]];
    assert.equal(await atTheWrite(held, () => change(bobB, 'unm', { kind: 'unmute', userId: 'adam' }), demoteBob('unm')), 'GROUP_ROLE_REQUIRED');
    assert.equal((await adamsMutes()).filter((m) => m.scope === 'unm').length, 1, 'still muted');
    const { notices } = await state('unm');
    assert.deepEqual(notices.filter((e) => e === 'member-unmuted'), [], notices.join(', '));
  });

  it('refuses a dismissal on one node that reaches its write after the owner handed the group over on the other: not dismissed, nothing posted', async () => {
    assert.equal((await a.rest('POST', '/v1/groups', { id: 'dis-handed', name: 'D', owner: 'olga', members: ['alice', 'carol'] })).status, 201);
    const answer = await atTheWrite(
      [groupRow('dis-handed')],
      () => change(olgaB, 'dis-handed', { kind: 'dismiss' }),
      async () => assert.equal(await change(olgaA, 'dis-handed', { kind: 'role', userId: 'carol', role: 'owner' }), 'ok'),
    );
    assert.equal(answer, 'GROUP_ROLE_REQUIRED');
    const { notices } = await state('dis-handed');
    assert.deepEqual(notices.filter((e) => e === 'group-dismissed'), [], notices.join(', '));
    assert.equal(await ask(olgaA, { type: 'group.fetch', groupId: 'dis-handed' }), 'group.info', 'olga is still a member');
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
