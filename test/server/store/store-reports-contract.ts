import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Store } from '../../../src/server/core/store.js';
import type { ReportRecord } from '../../../src/server/moderation/report-types.js';
import type { OutboxEvent } from '../../../src/server/webhooks/types.js';

let n = 0;
/** A report with a fresh id that sorts after every earlier one (as UUIDv7 ids do). */
function report(messageId: string, reporter: string, createdAt: number, extra: Partial<ReportRecord> = {}): ReportRecord {
  return { id: `rep-${String(++n).padStart(6, '0')}`, key: 'group:rg', messageId, reporter, reason: 'spam', status: 'open', createdAt, ...extra };
}
const LIMIT = { since: 0, max: 100 };

/** The report part of the Store contract (SPEC §11): registered inside storeContract's describe. */
export function reportsContract(store: () => Store): void {
  it('adds a report once per reporter and message: a repeat answers the first and writes nothing', async () => {
    const s = store();
    const first = report('rm1', 'ann', 10, { reason: 'abuse', note: 'rude' });
    assert.deepEqual(await s.addReport(first, { limit: LIMIT }), { status: 'added', report: first });
    const again = await s.addReport(report('rm1', 'ann', 11, { reason: 'other' }), { limit: LIMIT });
    assert.deepEqual(again, { status: 'duplicate', report: first });
    assert.deepEqual(await s.getReport(first.id), first);
    assert.equal(await s.getReport('rep-none'), undefined);
    // Another reporter of the same message is a report of its own.
    assert.equal((await s.addReport(report('rm1', 'bea', 12), { limit: LIMIT })).status, 'added');
  });

  it('refuses a report past the limit of the window, naming the oldest report in it; repeats still answer', async () => {
    const s = store();
    const a = report('rl1', 'lim', 100);
    await s.addReport(a, { limit: { since: 0, max: 2 } });
    await s.addReport(report('rl2', 'lim', 200), { limit: { since: 0, max: 2 } });
    assert.deepEqual(await s.addReport(report('rl3', 'lim', 300), { limit: { since: 50, max: 2 } }), { status: 'limited', oldest: 100 });
    // Older reports left the window: room again.
    assert.equal((await s.addReport(report('rl3', 'lim', 300), { limit: { since: 150, max: 2 } })).status, 'added');
    assert.equal((await s.addReport(report('rl1', 'lim', 400), { limit: { since: 0, max: 1 } })).status, 'duplicate');
  });

  it('queues the webhook events of a report with it, and none for a repeat or a refusal', async () => {
    const s = store();
    const event = (eventId: string): OutboxEvent => ({ eventId, endpointId: 'rep-ep', type: 'message.reported', key: 'group:rw', time: 1, payload: '{"x":1}' });
    await s.addReport(report('rw1', 'hook', 1, { key: 'group:rw' }), { limit: LIMIT, outbox: [event('ev-1')] });
    await s.addReport(report('rw1', 'hook', 2, { key: 'group:rw' }), { limit: LIMIT, outbox: [event('ev-2')] });
    await s.addReport(report('rw2', 'hook', 3, { key: 'group:rw' }), { limit: { since: 0, max: 1 }, outbox: [event('ev-3')] });
    const claimed = await s.claimWebhooks('owner-r', 10, 60_000, 1000, 1000);
    const mine = claimed.filter((r) => r.endpointId === 'rep-ep');
    assert.deepEqual(mine.map((r) => [r.eventId, r.type, r.key, r.payload]), [['ev-1', 'message.reported', 'group:rw', '{"x":1}']]);
    await s.settleWebhooks('owner-r', claimed.map((r) => ({ seq: r.seq, outcome: { status: 'released' } })));
  });

  it('lists newest first, by status, paged by id, with how many reported each message', async () => {
    const s = store();
    const a = report('lm1', 'l1', 1, { key: 'p2p:l1|l2' });
    const b = report('lm1', 'l3', 2, { key: 'p2p:l1|l2' });
    const c = report('lm2', 'l1', 3, { key: 'p2p:l1|l2' });
    for (const r of [a, b, c]) await s.addReport(r, { limit: LIMIT });
    const all = (await s.listReports({ limit: 1000 })).filter((r) => r.messageId.startsWith('lm'));
    assert.deepEqual(all.map((r) => [r.id, r.reporters]), [[c.id, 1], [b.id, 2], [a.id, 2]]);
    assert.deepEqual(all[2], { ...a, reporters: 2 });
    const page = await s.listReports({ limit: 1, before: c.id });
    assert.equal(page[0]!.id, b.id);
    assert.deepEqual((await s.listReports({ limit: 1000, before: a.id })).filter((r) => r.messageId.startsWith('lm')), []);
  });

  it('closes every open report of the message as resolved or dismissed, once', async () => {
    const s = store();
    const a = report('cm1', 'c1', 1);
    const b = report('cm1', 'c2', 2);
    const other = report('cm2', 'c1', 3);
    for (const r of [a, b, other]) await s.addReport(r, { limit: LIMIT });
    assert.equal(await s.closeReports(b.id, 'resolved', 'mod-1', 50), 2);
    assert.deepEqual(await s.getReport(a.id), { ...a, status: 'resolved', resolvedBy: 'mod-1', resolvedAt: 50 });
    assert.equal((await s.getReport(other.id))!.status, 'open');
    assert.equal(await s.closeReports(a.id, 'dismissed', 'mod-2', 60), 0);
    assert.equal((await s.getReport(a.id))!.status, 'resolved');
    assert.equal(await s.closeReports('rep-none', 'dismissed', 'mod-2', 60), 0);
    const resolved = (await s.listReports({ status: 'resolved', limit: 1000 })).map((r) => r.id);
    assert.ok(resolved.includes(a.id) && resolved.includes(b.id) && !resolved.includes(other.id));
    assert.ok((await s.listReports({ status: 'open', limit: 1000 })).some((r) => r.id === other.id));
  });
}
