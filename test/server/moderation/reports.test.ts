/** Message reports (SPEC §11) end to end: real sockets, admin REST, a webhook receiver, a real server. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationId } from '../../../src/protocol/index.js';
import { cmid, createUsers, SECRET, startServer, text, type TestServer } from '../helpers/test-server.js';
import { startReceiver, until } from '../helpers/webhook-receiver.js';
import type { TestSocket } from '../helpers/ws-client.js';

let req = 0;
/** Sends a `message.report` and answers `ok` or the error's name (with the error frame). */
async function report(s: TestSocket, conversationId: string, messageId: string, reason = 'spam', note?: string): Promise<{ name: string; frame: any }> {
  const reqId = `rep${++req}`;
  s.send({ type: 'message.report', reqId, conversationId, messageId, reason, ...(note !== undefined && { note }) } as never);
  const f = await s.nextOf(['ok', 'error']);
  assert.equal(f.reqId, reqId);
  return { name: f.type === 'ok' ? 'ok' : f.name, frame: f };
}

async function sendAs(s: TestSocket, conversationId: ConversationId, words: string, options: Record<string, unknown> = {}): Promise<{ id: string; seq: number }> {
  s.send({ type: 'message.send', clientMsgId: cmid(), conversationId, elem: text(words), ...options });
  const ack = await s.next('message.ack');
  return { id: ack.id, seq: ack.seq };
}

describe('message reports', () => {
  let t: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let alice: TestSocket;
  let bob: TestSocket;
  let carol: TestSocket;
  before(async () => {
    receiver = await startReceiver(SECRET);
    t = await startServer({ reportsPerHour: 6, webhooks: { urls: [receiver.url], secret: SECRET, events: ['message.reported'], pollMs: 50 } });
    await createUsers(t, 'alice', 'bob', 'carol', 'dave');
    await t.rest('POST', '/v1/groups', { id: 'rg', name: 'Reports', members: ['alice', 'bob', 'carol'] });
    [alice, bob, carol] = [await t.login('alice'), await t.login('bob'), await t.login('carol')];
  });
  after(async () => {
    await t.stop();
    await receiver.close();
  });

  it('takes a report of a message the user can see; admins list it with the message, reporter, reason and note', async () => {
    const m = await sendAs(alice, 'p2p:bob', 'buy cheap watches');
    assert.equal((await report(bob, 'p2p:alice', m.id, 'spam', '  third time today  ')).name, 'ok');
    const list = await t.rest('GET', '/v1/reports?status=open');
    assert.equal(list.status, 200);
    const item = list.body.items.find((r: { messageId: string }) => r.messageId === m.id);
    assert.equal(item.reporter, 'bob');
    assert.equal(item.reason, 'spam');
    assert.equal(item.note, 'third time today');
    assert.equal(item.status, 'open');
    assert.equal(item.reporters, 1);
    // The message as bob's history shows it (the conversation named as bob sees it).
    assert.equal(item.conversation, 'p2p:alice');
    assert.equal(item.message.conversationId, 'p2p:alice');
    assert.equal(item.message.seq, m.seq);
    assert.deepEqual(item.message.elem, text('buy cheap watches'));
  });

  it('is idempotent per reporter and message: a repeat answers ok and adds nothing; other reporters count', async () => {
    const m = await sendAs(alice, 'group:rg', 'a group message');
    assert.equal((await report(bob, 'group:rg', m.id, 'abuse')).name, 'ok');
    assert.equal((await report(bob, 'group:rg', m.id, 'other', 'changed my mind')).name, 'ok');
    assert.equal((await report(carol, 'group:rg', m.id, 'harassment')).name, 'ok');
    const items = (await t.rest('GET', '/v1/reports')).body.items.filter((r: { messageId: string }) => r.messageId === m.id);
    assert.deepEqual(items.map((r: { reporter: string; reason: string; reporters: number }) => [r.reporter, r.reason, r.reporters]), [['carol', 'harassment', 2], ['bob', 'abuse', 2]]);
  });

  it('refuses what the user cannot see or may not report, with stable codes', async () => {
    const own = await sendAs(bob, 'p2p:alice', 'mine');
    const r1 = await report(bob, 'p2p:alice', own.id);
    assert.deepEqual([r1.name, r1.frame.code], ['REPORT_OWN_MESSAGE', 4024]);
    assert.equal((await report(bob, 'p2p:alice', 'no-such-message')).name, 'MESSAGE_UNKNOWN');
    // A message of another conversation, named through this one.
    const elsewhere = await sendAs(alice, 'p2p:carol', 'for carol');
    assert.equal((await report(bob, 'p2p:alice', elsewhere.id)).name, 'MESSAGE_UNKNOWN');
    // Not a member of the group.
    const dave = await t.login('dave');
    const inGroup = await sendAs(alice, 'group:rg', 'members only');
    assert.equal((await report(dave, 'group:rg', inGroup.id)).name, 'NOT_MEMBER');
    assert.equal((await report(dave, 'p2p:alice', inGroup.id)).name, 'MESSAGE_UNKNOWN');
    // A targeted group message is only for its receiver (and sender).
    const targeted = await sendAs(alice, 'group:rg', 'psst carol', { receiver: 'carol' });
    assert.equal((await report(bob, 'group:rg', targeted.id)).name, 'MESSAGE_UNKNOWN');
    assert.equal((await report(carol, 'group:rg', targeted.id)).name, 'ok');
    // From before a member joined a `since-join` group: not theirs to see.
    await t.rest('POST', '/v1/groups', { id: 'rf', name: 'Floor', members: ['alice', 'bob'] });
    const early = await sendAs(alice, 'group:rf', 'before carol');
    await t.rest('PUT', '/v1/groups/rf/members/carol');
    const late = await sendAs(alice, 'group:rf', 'after carol');
    assert.equal((await report(carol, 'group:rf', early.id)).name, 'MESSAGE_UNKNOWN');
    assert.equal((await report(carol, 'group:rf', late.id, 'other')).name, 'ok');
    // Recalled: nothing left to report.
    const recalled = await sendAs(alice, 'p2p:bob', 'oops');
    alice.send({ type: 'change.send', changeId: cmid(), conversationId: 'p2p:bob', messageId: recalled.id, change: { kind: 'recall' } });
    await alice.next('change.ack');
    assert.equal((await report(bob, 'p2p:alice', recalled.id)).name, 'MESSAGE_RECALLED');
    // Bad shapes never reach the core.
    assert.equal((await report(bob, 'p2p:alice', own.id, 'boring')).name, 'BAD_FRAME');
    assert.equal((await report(bob, 'p2p:alice', own.id, 'other', 'x'.repeat(501))).name, 'BAD_FRAME');
  });

  it('limits reports per user and hour: past the budget REPORTS_RATE_LIMITED with when to retry; repeats still answer ok', async () => {
    // The server allows 6 an hour; carol has made 3 so far.
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await sendAs(alice, 'group:rg', `spam ${i}`)).id);
    for (const id of ids.slice(0, 3)) assert.equal((await report(carol, 'group:rg', id)).name, 'ok');
    const refused = await report(carol, 'group:rg', ids[3]!);
    assert.deepEqual([refused.name, refused.frame.code], ['REPORTS_RATE_LIMITED', 5012]);
    assert.ok(refused.frame.retryAfterMs > 3_500_000 && refused.frame.retryAfterMs <= 3_600_000);
    assert.equal((await report(carol, 'group:rg', ids[0]!)).name, 'ok');
    // Others are not limited by carol's budget.
    assert.equal((await report(bob, 'group:rg', ids[3]!)).name, 'ok');
  });

  it('sends message.reported to the webhook, signed, with the report and the message as stored', async () => {
    const m = await sendAs(alice, 'p2p:bob', 'webhook me');
    assert.equal((await report(bob, 'p2p:alice', m.id, 'harassment', 'see above')).name, 'ok');
    await until(() => receiver.accepted().some((r) => r.data.message?.id === m.id), 'the message.reported event');
    const events = receiver.accepted().filter((r) => r.data.message?.id === m.id);
    assert.equal(events.length, 1);
    const e = events[0]!;
    assert.equal(e.type, 'message.reported');
    assert.ok(e.verified);
    assert.equal(e.data.conversation, 'p2p:alice|bob');
    assert.deepEqual({ ...e.data.report, id: undefined, time: undefined }, { id: undefined, time: undefined, reporter: 'bob', reason: 'harassment', note: 'see above' });
    assert.deepEqual(e.data.message.elem, text('webhook me'));
    // A repeat queues nothing new.
    assert.equal((await report(bob, 'p2p:alice', m.id)).name, 'ok');
    const listed = (await t.rest('GET', '/v1/reports')).body.items.find((r: { messageId: string }) => r.messageId === m.id);
    assert.equal(listed.id, e.data.report.id, 'the event id names the report');
    assert.equal(e.id, listed.id);
  });

  it('resolves with deleteMessage: the message is recalled for everyone and every open report of it closes', async () => {
    // Carol used up her budget above: dave reports in a group of his.
    await t.rest('POST', '/v1/groups', { id: 'rh', name: 'Other', members: ['alice', 'bob', 'dave'] });
    const dave = await t.login('dave');
    const m = await sendAs(alice, 'group:rh', 'delete me');
    assert.equal((await report(bob, 'group:rh', m.id, 'abuse')).name, 'ok');
    assert.equal((await report(dave, 'group:rh', m.id, 'abuse')).name, 'ok');
    const [first] = (await t.rest('GET', '/v1/reports?status=open')).body.items.filter((r: { messageId: string }) => r.messageId === m.id);
    const res = await t.rest('POST', `/v1/reports/${first.id}/resolve`, { deleteMessage: true, by: 'mod-jo' });
    assert.equal(res.status, 200);
    assert.equal(res.body.closed, 2);
    assert.deepEqual([res.body.report.status, res.body.report.resolvedBy, res.body.report.conversation], ['resolved', 'mod-jo', 'group:rh']);
    // Every member's devices hear of the recall; history holds it recalled.
    const recall = await bob.next('message.new', (f) => f.message.elem.type === 'change' && f.message.elem.target === m.id);
    assert.deepEqual(recall.message.elem, { type: 'change', target: m.id, change: { kind: 'recall' } });
    const listed = (await t.rest('GET', '/v1/reports?status=resolved')).body.items.filter((r: { messageId: string }) => r.messageId === m.id);
    assert.equal(listed.length, 2);
    assert.ok(listed.every((r: { message: { recalled?: unknown; elem: { type: string } } }) => r.message.elem.type === 'recalled'));
    // Closed once: again is REPORT_CLOSED, for either report.
    const again = await t.rest('POST', `/v1/reports/${listed[1].id}/dismiss`, {});
    assert.deepEqual([again.status, again.body.name, again.body.code], [409, 'REPORT_CLOSED', 4026]);
  });

  it('dismisses without touching the message; unknown ids and bad bodies are refused', async () => {
    const m = await sendAs(alice, 'p2p:bob', 'harmless');
    assert.equal((await report(bob, 'p2p:alice', m.id, 'other')).name, 'ok');
    const [r] = (await t.rest('GET', '/v1/reports?status=open')).body.items.filter((x: { messageId: string }) => x.messageId === m.id);
    const res = await t.rest('POST', `/v1/reports/${r.id}/dismiss`);
    assert.deepEqual([res.status, res.body.report.status, res.body.report.resolvedBy], [200, 'dismissed', 'admin']);
    const listed = (await t.rest('GET', '/v1/reports?status=dismissed')).body.items.find((x: { id: string }) => x.id === r.id);
    assert.deepEqual(listed.message.elem, text('harmless'));
    const unknown = await t.rest('POST', '/v1/reports/nope/resolve', {});
    assert.deepEqual([unknown.status, unknown.body.name, unknown.body.code], [404, 'REPORT_UNKNOWN', 4025]);
    assert.equal((await t.rest('POST', `/v1/reports/${r.id}/resolve`, { deleteMessage: 'yes' })).status, 400);
    assert.equal((await t.rest('POST', `/v1/reports/${r.id}/resolve`, { extra: 1 })).status, 400);
    assert.equal((await t.rest('GET', '/v1/reports?status=maybe')).status, 400);
    assert.equal((await t.rest('GET', '/v1/reports?limit=0')).status, 400);
  });

  it('pages newest first with the cursor it answers', async () => {
    const all = (await t.rest('GET', '/v1/reports?limit=200')).body.items.map((r: { id: string }) => r.id);
    assert.ok(all.length >= 10);
    assert.deepEqual([...all].sort().reverse(), all);
    const paged: string[] = [];
    let cursor = '';
    for (;;) {
      const page = await t.rest('GET', `/v1/reports?limit=3${cursor && `&cursor=${cursor}`}`);
      paged.push(...page.body.items.map((r: { id: string }) => r.id));
      if (!page.body.next) break;
      cursor = page.body.next;
    }
    assert.deepEqual(paged, all);
  });
});
