import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatError } from '../../src/protocol/index.js';
import { synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer({ reportsPerHour: 2 });
const { uid, connect, group } = ctx;

const nameOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: ChatError) => e.name);

describe('client.report', () => {
  test('reports a message the user sees; a repeat resolves too; admins list it once with the note', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const team = await group([a, b], 'Team');
    const alice = await connect(a);
    const bob = await connect(b);
    await Promise.all([synced(alice), synced(bob)]);
    const m = await alice.send(team, 'spam spam spam');
    await until(() => bob.messages(team).get().some((x) => x.id === m.id), 'bob has the message');
    await bob.report(team, m.id, 'spam', '  every day  ');
    await bob.report(team, m.id, 'abuse');
    const listed = (await (await ctx.srv.admin('GET', '/v1/reports?limit=200')).json()) as { items: { messageId: string; reporter: string; reason: string; note?: string }[] };
    assert.deepEqual(listed.items.filter((r) => r.messageId === m.id).map((r) => [r.reporter, r.reason, r.note]), [[b, 'spam', 'every day']]);
  });

  test('rejects with the server\'s stable errors: own message, and past the hourly budget', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const team = await group([a, b], 'Team');
    const alice = await connect(a);
    await synced(alice);
    const own = await alice.send(team, 'mine');
    assert.equal(await nameOf(alice.report(team, own.id, 'other')), 'REPORT_OWN_MESSAGE');
    const bob = await connect(b);
    await synced(bob);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await alice.send(team, `m${i}`)).id);
    assert.equal(await nameOf(bob.report(team, ids[0]!, 'spam')), 'ok');
    assert.equal(await nameOf(bob.report(team, ids[1]!, 'spam')), 'ok');
    assert.equal(await nameOf(bob.report(team, ids[2]!, 'spam')), 'REPORTS_RATE_LIMITED');
  });
});
