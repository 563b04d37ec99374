import assert from 'node:assert/strict';
import { it } from 'node:test';
import { groupKey, p2pKey } from '../../../src/server/core/conversation-key.js';
import type { Store } from '../../../src/server/core/store.js';
import type { OutboxRow } from '../../../src/server/webhooks/types.js';
import { changeDraft } from './store-changes-contract.js';
import { draft } from './store-contract.js';
import { until } from '../helpers/webhook-receiver.js';

let n = 0;
/** A fresh endpoint id; each test deletes its endpoints at the end, which drops their rows. */
const endpointId = () => `ep-${++n}-${Math.random().toString(36).slice(2, 8)}`;
const mine = (rows: OutboxRow[], ...endpoints: string[]) => rows.filter((r) => endpoints.includes(r.endpointId));
const event = (endpoint: string, key: string, id: string, time = 100) =>
  ({ eventId: id, endpointId: endpoint, type: 'group.members' as const, key, time, payload: `{"n":"${id}"}` });

/** The webhook part of the Store contract (SPEC §11): registered inside storeContract's describe. */
export function webhooksContract(store: () => Store): void {
  it('creates, lists and deletes webhook endpoints; deleting one drops the events queued for it', async () => {
    const s = store();
    const [a, b] = [endpointId(), endpointId()];
    await s.createWebhookEndpoint({ id: a, url: 'http://127.0.0.1:1/a', secret: 'sa', events: ['message.created'], createdAt: 5 });
    await s.createWebhookEndpoint({ id: b, url: 'https://example.test/b', secret: 'sb', events: [], createdAt: 6 });
    const listed = (await s.listWebhookEndpoints()).filter((e) => e.id === a || e.id === b);
    assert.deepEqual(listed, [
      { id: a, url: 'http://127.0.0.1:1/a', secret: 'sa', events: ['message.created'], createdAt: 5 },
      { id: b, url: 'https://example.test/b', secret: 'sb', events: [], createdAt: 6 },
    ]);
    await s.enqueueWebhooks([event(a, 'k', 'e1')]);
    assert.equal(await s.deleteWebhookEndpoint(a), true);
    assert.equal(await s.deleteWebhookEndpoint(a), false);
    assert.deepEqual(mine(await s.claimWebhooks('o', 1000, 100, 1000), a), []);
    assert.deepEqual((await s.listWebhookEndpoints()).filter((e) => e.id === a).length, 0);
    await s.deleteWebhookEndpoint(b);
  });

  it('queues message.created in the commit for each endpoint named, never for a duplicate or a draft without endpoints', async () => {
    const s = store();
    const [a, b] = [endpointId(), endpointId()];
    const k = p2pKey('wa', 'wb');
    const d1 = { ...draft(k, 'wa'), webhooks: [a, b] };
    const [o1] = await s.commitMessages([d1, draft(k, 'wb')]);
    const again = await s.commitMessages([{ ...d1, message: { ...d1.message, id: 'other-id' } }]);
    assert.equal(again[0]!.status, 'duplicate');
    const committed = o1!.status === 'committed' ? o1!.message : assert.fail();
    const rows = mine(await s.claimWebhooks('o', 10_000_000, 100, 1000), a, b);
    assert.deepEqual(rows.map((r) => [r.endpointId, r.eventId, r.type, r.key, r.time, r.attempts, r.state]), [
      [a, committed.id, 'message.created', k, committed.time, 0, 'pending'],
      [b, committed.id, 'message.created', k, committed.time, 0, 'pending'],
    ]);
    const data = JSON.parse(rows[0]!.payload);
    assert.equal(data.conversation, k);
    assert.deepEqual(data.message, { ...committed });
    await s.deleteWebhookEndpoint(a);
    await s.deleteWebhookEndpoint(b);
  });

  it('queues a change event with the event and the changed message in the change transaction', async () => {
    const s = store();
    const a = endpointId();
    await s.createGroup({ id: 'wg1', name: 'W', createdAt: 1 }, ['a', 'b']);
    const k = groupKey('wg1');
    const [m] = await s.commitMessages([draft(k, 'a')]);
    const target = m!.status === 'committed' ? m!.message : assert.fail();
    const out = await s.commitChange({ ...changeDraft(k, 'a', target.id, { kind: 'edit', text: 'edited!' }), webhooks: { type: 'message.edited', endpoints: [a] } });
    const ev = out.status === 'committed' ? out.message : assert.fail();
    const [row, ...rest] = mine(await s.claimWebhooks('o', 10_000_000, 100, 1000), a);
    assert.deepEqual(rest, []);
    assert.equal(row!.type, 'message.edited');
    assert.equal(row!.eventId, ev.id);
    const data = JSON.parse(row!.payload);
    assert.equal(data.event.seq, ev.seq);
    assert.equal(data.message.id, target.id);
    assert.equal(data.message.edited !== undefined || data.message.elem.text === 'edited!', true);
    await s.deleteWebhookEndpoint(a);
  });

  it('claims only the oldest pending event of each (endpoint, key), leases it, and hands out the next once it is delivered', async () => {
    const s = store();
    const [a, b] = [endpointId(), endpointId()];
    await s.enqueueWebhooks([event(a, 'k1', 'x1'), event(a, 'k1', 'x2'), event(a, 'k2', 'y1'), event(b, 'k1', 'z1')]);
    const first = mine(await s.claimWebhooks('n1', 1000, 1000, 1000), a, b);
    assert.deepEqual(first.map((r) => r.eventId), ['x1', 'y1', 'z1']);
    // Leased to n1 for 1000 ms: another node gets none of them, nor x2 behind x1.
    assert.deepEqual(mine(await s.claimWebhooks('n2', 1100, 1000, 1000), a, b), []);
    await s.settleWebhooks('n1', [{ seq: first[0]!.seq, outcome: { status: 'delivered' } }]);
    const x2 = mine(await s.claimWebhooks('n2', 1200, 3000, 1000), a, b);
    assert.deepEqual(x2.map((r) => r.eventId), ['x2']);
    // n1's leases run out (by the time passed here; PostgreSQL's leases by its own clock, so
    // there the claim is repeated until they have), x2's not: n2 takes over y1 and z1, and n1's
    // late settlement changes nothing.
    let over: OutboxRow[] = [];
    await until(async () => (over = mine(await s.claimWebhooks('n2', 2100, 3000, 1000), a, b)).length > 0, 'n1\'s leases running out');
    assert.deepEqual(over.map((r) => r.eventId), ['y1', 'z1']);
    await s.settleWebhooks('n1', [{ seq: first[1]!.seq, outcome: { status: 'delivered' } }]);
    await s.settleWebhooks('n2', [...x2, ...over].map((r) => ({ seq: r.seq, outcome: { status: 'released' } })));
    assert.deepEqual(mine(await s.claimWebhooks('n3', 2200, 500, 1000), a, b).map((r) => r.eventId), ['x2', 'y1', 'z1']);
    await s.deleteWebhookEndpoint(a);
    await s.deleteWebhookEndpoint(b);
  });

  it('retries after the given time, counts attempts, and keeps a failed event for admins without blocking its key', async () => {
    const s = store();
    const a = endpointId();
    await s.enqueueWebhooks([event(a, 'k', 'r1'), event(a, 'k', 'r2')]);
    const [r1] = mine(await s.claimWebhooks('n', 1000, 100, 1000), a);
    // Due 1000 ms after the settlement (PostgreSQL: by its clock, so there the claim is repeated until then).
    await s.settleWebhooks('n', [{ seq: r1!.seq, outcome: { status: 'retry', nextAt: 2000, error: 'HTTP 500' } }], 1000);
    assert.deepEqual(mine(await s.claimWebhooks('n', 1999, 100, 1000), a), []);
    let again: OutboxRow | undefined;
    await until(async () => ([again] = mine(await s.claimWebhooks('n', 2000, 100, 1000), a)).length > 0, 'the retry to be due');
    assert.equal(again!.eventId, 'r1');
    assert.equal(again!.attempts, 1);
    assert.equal(again!.lastError, 'HTTP 500');
    await s.settleWebhooks('n', [{ seq: again!.seq, outcome: { status: 'failed', error: 'timeout' } }]);
    const failed = mine(await s.listFailedWebhooks(1000), a);
    assert.deepEqual(failed.map((r) => [r.eventId, r.state, r.attempts, r.lastError]), [['r1', 'failed', 2, 'timeout']]);
    // r2 goes out although r1 failed before it.
    const [r2] = mine(await s.claimWebhooks('n', 6000, 100, 1000), a);
    assert.equal(r2!.eventId, 'r2');
    await s.settleWebhooks('n', [{ seq: r2!.seq, outcome: { status: 'delivered' } }]);
    assert.equal(await s.retryWebhooks(7000, [failed[0]!.seq]), 1);
    assert.deepEqual(mine(await s.listFailedWebhooks(1000), a), []);
    const [back] = mine(await s.claimWebhooks('n', 7000, 100, 1000), a);
    assert.deepEqual([back!.eventId, back!.attempts, back!.retryFrom, back!.state], ['r1', 0, 7000, 'pending']);
    await s.settleWebhooks('n', [{ seq: back!.seq, outcome: { status: 'failed', error: 'again' } }]);
    assert.equal(await s.retryWebhooks(8000), 1);
    await s.deleteWebhookEndpoint(a);
  });

  it('queues the events a draft carries, and a broadcast\'s, in their commits; none for a refused broadcast', async () => {
    const s = store();
    const a = endpointId();
    await s.createGroup({ id: 'wg2', name: 'W', createdAt: 1 }, ['a']);
    const k = groupKey('wg2');
    const d = { ...draft(k, 'a'), outbox: [event(a, k, 'group-evt')] };
    await s.commitMessages([d]);
    await s.commitMessages([d]);
    const quota = { now: 50_000, perMinute: 1, perDay: 10, keep: 10 };
    const b = { id: 'b-hook', content: 'hi', time: 50_000, offline: false };
    assert.equal((await s.addBroadcast(b, { ...quota, outbox: [event(a, 'broadcast', 'b-evt')] })).ok, true);
    assert.equal((await s.addBroadcast({ ...b, id: 'b-hook-2' }, { ...quota, outbox: [event(a, 'broadcast', 'b-evt-2')] })).ok, false);
    const rows = mine(await s.claimWebhooks('o', 10_000_000, 100, 1000), a);
    assert.deepEqual(rows.map((r) => [r.eventId, r.key, r.payload]), [['group-evt', k, '{"n":"group-evt"}'], ['b-evt', 'broadcast', '{"n":"b-evt"}']]);
    await s.deleteWebhookEndpoint(a);
  });

  it('claims a chain of each due (endpoint, key) from its head on, perKey at most, and releases what was not attempted', async () => {
    const s = store();
    const a = endpointId();
    await s.enqueueWebhooks([event(a, 'k1', 'c1'), event(a, 'k1', 'c2'), event(a, 'k1', 'c3'), event(a, 'k2', 'd1'), event(a, 'k3', 'e1')]);
    // Two keys at most, two rows of each.
    const got = mine(await s.claimWebhooks('n1', 1000, 500, 2, 2), a);
    assert.deepEqual(got.map((r) => r.eventId), ['c1', 'c2', 'd1']);
    // k1 and k2 are leased (c3 too waits behind its head); k3 is free.
    assert.deepEqual(mine(await s.claimWebhooks('n2', 1000, 500, 10, 10), a).map((r) => r.eventId), ['e1']);
    await s.settleWebhooks('n1', [{ seq: got[0]!.seq, outcome: { status: 'delivered' } }]);
    await s.settleWebhooks('n1', [{ seq: got[1]!.seq, outcome: { status: 'released' } }]);
    const next = mine(await s.claimWebhooks('n2', 1100, 500, 10, 10), a);
    assert.deepEqual(next.map((r) => [r.eventId, r.attempts]), [['c2', 0], ['c3', 0]]);
    await s.deleteWebhookEndpoint(a);
  });
}
