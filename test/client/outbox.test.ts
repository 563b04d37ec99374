import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatError, ERRORS, type ErrorName, type MessageSendFrame } from '../../src/protocol/index.js';
import { createOutbox, type LocalEntry } from '../../src/client/outbox.js';
import { createMemoryStorage } from '../../src/client/storage-memory.js';
import type { ClientStorage, OutboxEntry } from '../../src/client/types.js';
import { GUARD_MS } from '../guard.js';

let counter = 0;
function entry(overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  counter++;
  return {
    clientMsgId: `cmid-${String(counter).padStart(6, '0')}`,
    conversationId: 'p2p:bob',
    elem: { type: 'text', text: `hello ${counter}` },
    options: {},
    createdAt: counter,
    state: 'pending',
    ...overrides,
  };
}

function errorBody(name: ErrorName, retryAfterMs?: number) {
  return { code: ERRORS[name].code, name, message: ERRORS[name].message, ...(retryAfterMs ? { retryAfterMs } : {}) };
}

function setup(options: { storage?: ClientStorage; ackTimeoutMs?: number } = {}) {
  const storage = options.storage ?? createMemoryStorage();
  const sent: MessageSendFrame[] = [];
  const failed: LocalEntry[] = [];
  const outbox = createOutbox({
    storage,
    ackTimeoutMs: options.ackTimeoutMs ?? 60_000,
    lockName: 'test',
    transmit: (frame) => void sent.push(frame as MessageSendFrame),
    onChange: () => {},
    onFailed: (local) => void failed.push(local),
  });
  return { storage, sent, failed, outbox };
}

/** An outbox of a ready session that sent one entry `e` and waits for its ack; `p` is its `add` (unhandled, as the test settles it). */
async function inFlight() {
  const setUp = setup();
  setUp.outbox.setReady(true, 'alice');
  const e = entry();
  const p = setUp.outbox.add(e);
  await waitUntil(() => setUp.sent.length === 1);
  return { ...setUp, e, p };
}

describe('outbox', () => {
  test('an entry is persisted before it is sent', async () => {
    const log: string[] = [];
    const memory = createMemoryStorage();
    const storage: ClientStorage = {
      ...memory,
      putOutbox: async (e) => {
        await memory.putOutbox(e);
        log.push('persisted');
      },
    };
    const outbox = createOutbox({
      storage,
      ackTimeoutMs: 60_000,
      lockName: 'test',
      transmit: () => void log.push('sent'),
      onChange: () => {},
      onFailed: () => {},
    });
    outbox.setReady(true, 'alice');
    const e = entry({ userId: 'alice' });
    const done = outbox.add(e);
    await waitUntil(() => log.length >= 2);
    assert.deepEqual(log, ['persisted', 'sent']);
    outbox.settle(e.clientMsgId, 'acked');
    assert.equal(await done, 'acked');
  });

  test('an entry added offline shows as sending and is not sent', async () => {
    const { sent, outbox } = setup();
    const e = entry();
    void outbox.add(e).catch(() => {});
    await waitUntil(() => outbox.get(e.clientMsgId) !== undefined);
    assert.equal(outbox.get(e.clientMsgId)?.status, 'sending');
    assert.equal(sent.length, 0);
    outbox.close();
  });

  test('pending entries are sent once when the session becomes ready, in creation order', async () => {
    const { sent, outbox } = setup();
    const a = entry();
    const b = entry();
    const pa = outbox.add(a);
    const pb = outbox.add(b);
    await waitUntil(() => outbox.entries('p2p:bob').length === 2);
    outbox.setReady(true, 'alice');
    await waitUntil(() => sent.length === 2);
    assert.deepEqual(sent.map((f) => f.clientMsgId), [a.clientMsgId, b.clientMsgId]);
    outbox.settle(a.clientMsgId, 1);
    outbox.settle(b.clientMsgId, 2);
    assert.deepEqual(await Promise.all([pa, pb]), [1, 2]);
  });

  test('an ack deletes the entry from storage and from the thread', async () => {
    const { storage, outbox } = setup();
    outbox.setReady(true, 'alice');
    const e = entry();
    const p = outbox.add(e);
    await waitUntil(() => outbox.get(e.clientMsgId) !== undefined);
    outbox.settle(e.clientMsgId, 'ok');
    await p;
    assert.equal(outbox.get(e.clientMsgId), undefined);
    await waitUntil(async () => (await storage.loadOutbox()).length === 0);
  });

  test('no ack within the timeout fails the send with TIMEOUT but keeps it pending', async () => {
    const { storage, failed, outbox } = setup({ ackTimeoutMs: 20 });
    const e = entry();
    await assert.rejects(outbox.add(e), (error: ChatError) => error.name === 'TIMEOUT');
    assert.equal(outbox.get(e.clientMsgId)?.status, 'failed');
    assert.equal(outbox.get(e.clientMsgId)?.error?.name, 'TIMEOUT');
    assert.equal((await storage.loadOutbox())[0].state, 'pending');
    assert.equal(failed.length, 1);
    outbox.close();
  });

  test('a timed-out entry is sent again with the same clientMsgId when the session reopens', async () => {
    const { sent, outbox } = setup({ ackTimeoutMs: 20 });
    const e = entry();
    await outbox.add(e).catch(() => {});
    outbox.setReady(true, 'alice');
    await waitUntil(() => sent.length === 1);
    assert.equal(sent[0].clientMsgId, e.clientMsgId);
    assert.equal(outbox.get(e.clientMsgId)?.status, 'sending');
    outbox.close();
  });

  test('a lost session re-sends in-flight entries on the next one', async () => {
    const { sent, outbox } = setup();
    outbox.setReady(true, 'alice');
    const e = entry();
    void outbox.add(e).catch(() => {});
    await waitUntil(() => sent.length === 1);
    outbox.setReady(false);
    outbox.setReady(true, 'alice');
    await waitUntil(() => sent.length === 2);
    assert.equal(sent[1].clientMsgId, e.clientMsgId);
    outbox.close();
  });

  test('a non-transient error rejects the entry; it waits for resend', async () => {
    const { storage, sent, outbox, e, p } = await inFlight();
    outbox.fail(e.clientMsgId, errorBody('BLOCKED'));
    await assert.rejects(p, (error: ChatError) => error.name === 'BLOCKED');
    assert.equal((await storage.loadOutbox())[0].state, 'rejected');
    outbox.setReady(false);
    outbox.setReady(true, 'alice');
    await outbox.flush();
    assert.equal(sent.length, 1, 'a rejected entry is not retried automatically');
    outbox.close();
  });

  test('RATE_LIMITED is rejected and carries retryAfterMs', async () => {
    const { outbox, e, p } = await inFlight();
    outbox.fail(e.clientMsgId, errorBody('RATE_LIMITED', 1500));
    await assert.rejects(p, (error: ChatError) => error.name === 'RATE_LIMITED' && error.retryAfterMs === 1500);
    assert.equal(outbox.get(e.clientMsgId)?.entry.state, 'rejected');
    outbox.close();
  });

  test('RATE_LIMITED records when a resend can succeed, persisted with the entry; resend clears it', async () => {
    const { sent, storage, outbox } = setup();
    outbox.setReady(true, 'alice');
    const e = entry();
    const p = outbox.add(e).catch(() => undefined);
    await waitUntil(() => sent.length === 1);
    const before = Date.now();
    outbox.fail(e.clientMsgId, errorBody('RATE_LIMITED', 1500));
    await p;
    const retryAt = outbox.get(e.clientMsgId)!.entry.retryAt!;
    assert.ok(retryAt >= before + 1500 && retryAt <= Date.now() + 1500, `retryAt ${retryAt}`);
    await waitUntil(async () => (await storage.loadOutbox())[0]?.retryAt === retryAt);
    void outbox.resend(e.clientMsgId).catch(() => undefined);
    await waitUntil(() => sent.length === 2);
    assert.equal(outbox.get(e.clientMsgId)!.entry.retryAt, undefined);
    outbox.close();
  });

  test('a transient error keeps the entry pending for the next session', async () => {
    const { sent, outbox, e, p } = await inFlight();
    outbox.fail(e.clientMsgId, errorBody('UNAVAILABLE'));
    await assert.rejects(p, (error: ChatError) => error.name === 'UNAVAILABLE');
    assert.equal(outbox.get(e.clientMsgId)?.entry.state, 'pending');
    outbox.setReady(false);
    outbox.setReady(true, 'alice');
    await waitUntil(() => sent.length === 2);
    outbox.close();
  });

  test('UNAVAILABLE with retryAfterMs (a saturated store) is sent again on the same session once that has passed', async () => {
    const { sent, outbox, e, p } = await inFlight();
    const refusedAt = Date.now();
    outbox.fail(e.clientMsgId, errorBody('UNAVAILABLE', 300));
    await assert.rejects(p, (error: ChatError) => error.name === 'UNAVAILABLE');
    assert.equal(outbox.get(e.clientMsgId)?.status, 'failed');
    await waitUntil(() => sent.length === 2);
    assert.ok(Date.now() - refusedAt >= 290, `sent again after ${Date.now() - refusedAt} ms, the server asked for 300`);
    assert.deepEqual([sent[1]!.clientMsgId, outbox.get(e.clientMsgId)?.status], [e.clientMsgId, 'sending']);
    outbox.settle(e.clientMsgId, 'acked');
    assert.equal(outbox.get(e.clientMsgId), undefined);
    outbox.close();
  });

  test('resend sends a rejected entry again with the same clientMsgId', async () => {
    const { sent, outbox, e, p } = await inFlight();
    outbox.fail(e.clientMsgId, errorBody('NOT_FRIENDS'));
    await p.catch(() => {});
    const again = outbox.resend(e.clientMsgId);
    await waitUntil(() => sent.length === 2);
    assert.equal(sent[1].clientMsgId, e.clientMsgId);
    assert.equal(outbox.get(e.clientMsgId)?.status, 'sending');
    outbox.settle(e.clientMsgId, 'done');
    assert.equal(await again, 'done');
  });

  test('resend of an entry already in flight does not send it twice', async () => {
    const { sent, outbox, e } = await inFlight();
    const again = outbox.resend(e.clientMsgId);
    outbox.settle(e.clientMsgId, 'x');
    assert.equal(await again, 'x');
    assert.equal(sent.length, 1);
  });

  test('discard removes a failed entry; a sending one cannot be discarded', async () => {
    const { storage, outbox, e, p } = await inFlight();
    await assert.rejects(outbox.discard(e.clientMsgId), (error: ChatError) => error.name === 'BAD_REQUEST');
    outbox.fail(e.clientMsgId, errorBody('BLOCKED'));
    await p.catch(() => {});
    await outbox.discard(e.clientMsgId);
    assert.equal(outbox.get(e.clientMsgId), undefined);
    assert.deepEqual(await storage.loadOutbox(), []);
  });

  test('entries restored from storage show (pending as sending, rejected as failed) and pending ones are sent', async () => {
    const storage = createMemoryStorage();
    const pending = entry();
    const rejected = entry({ state: 'rejected', error: errorBody('BLOCKED') });
    await storage.putOutbox(pending);
    await storage.putOutbox(rejected);
    const { sent, outbox } = setup({ storage });
    await outbox.restore();
    assert.equal(outbox.get(pending.clientMsgId)?.status, 'sending');
    assert.equal(outbox.get(rejected.clientMsgId)?.status, 'failed');
    outbox.setReady(true, 'alice');
    await waitUntil(() => sent.length === 1);
    assert.equal(sent[0].clientMsgId, pending.clientMsgId);
    outbox.close();
  });

  test('an entry settled by another client sharing the storage is dropped, not sent', async () => {
    const storage = createMemoryStorage();
    const e = entry();
    await storage.putOutbox(e);
    const { sent, outbox } = setup({ storage });
    await outbox.restore();
    await storage.deleteOutbox(e.clientMsgId); // the other tab got the ack
    outbox.setReady(true, 'alice');
    await outbox.flush();
    assert.equal(sent.length, 0);
    assert.equal(outbox.get(e.clientMsgId), undefined);
  });

  test("another user's entries are never sent", async () => {
    const storage = createMemoryStorage();
    await storage.putOutbox(entry({ userId: 'mallory' }));
    const { sent, outbox } = setup({ storage });
    await outbox.restore();
    outbox.setReady(true, 'alice');
    await outbox.flush();
    assert.equal(sent.length, 0);
    outbox.close();
  });

  test('the frame carries the entry content and options', async () => {
    const { sent, outbox } = setup();
    outbox.setReady(true, 'alice');
    const e = entry({ options: { priority: 'high', cloudCustomData: 'x' } });
    void outbox.add(e).catch(() => {});
    await waitUntil(() => sent.length === 1);
    assert.deepEqual(sent[0], {
      type: 'message.send',
      clientMsgId: e.clientMsgId,
      conversationId: 'p2p:bob',
      elem: e.elem,
      priority: 'high',
      cloudCustomData: 'x',
    });
    outbox.close();
  });

  test('close rejects waiting sends with CANCELLED and keeps entries persisted', async () => {
    const { storage, outbox } = setup();
    const e = entry();
    const p = outbox.add(e);
    await waitUntil(() => outbox.get(e.clientMsgId) !== undefined);
    outbox.close();
    await assert.rejects(p, (error: ChatError) => error.name === 'CANCELLED');
    assert.equal((await storage.loadOutbox()).length, 1);
  });
});

async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs = GUARD_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
