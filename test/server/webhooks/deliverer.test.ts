/**
 * The webhook deliverer's own scheduling (SPEC §11), on a real PostgreSQL outbox and a real
 * receiver. The interleavings that matter are made explicit: the test owns the clock the leases
 * are reckoned by, and holds a claim open until it has poked the deliverer again.
 */
import assert from 'node:assert/strict';
import { setImmediate as macrotask } from 'node:timers/promises';
import { test } from 'node:test';
import { silentLogger } from '../../../src/server/core/logger.js';
import type { Store } from '../../../src/server/core/store.js';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { WebhookDeliverer } from '../../../src/server/webhooks/deliverer.js';
import { WebhookEndpoints } from '../../../src/server/webhooks/endpoints.js';
import type { OutboxEvent } from '../../../src/server/webhooks/types.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';
import { startReceiver, until } from '../helpers/webhook-receiver.js';

await requirePostgres();

const SECRET = 'deliverer-secret-0123456789';
const event = (eventId: string): OutboxEvent => ({ eventId, endpointId: 'env-0', type: 'message.created', key: 'p2p:a|b', time: 1, payload: '{}' });

test('a commit that pokes while a poked look finds nothing due does not stop the polling: the event is sent once its lease runs out', async () => {
  const db = await freshSchema();
  const store: Store = await createPostgresStore({ connectionString: db.url });
  const receiver = await startReceiver(SECRET);
  let now = 1_000_000;
  const clock = () => now;
  // Claims go through the real store; one of them can be held open until the test lets it go.
  let hold: { entered: () => void; release: Promise<void> } | undefined;
  let claims = 0;
  const claimWebhooks: Store['claimWebhooks'] = async (...args) => {
    const held = hold;
    hold = undefined;
    held?.entered();
    await held?.release;
    const rows = await store.claimWebhooks(...args);
    claims++;
    return rows;
  };
  const endpoints = new WebhookEndpoints({ store, env: [{ id: 'env-0', url: receiver.url, secret: SECRET, events: [], createdAt: 0 }], clock, logger: silentLogger });
  const deliverer = new WebhookDeliverer({ store: { ...store, claimWebhooks }, endpoints, clock, logger: silentLogger, timeoutMs: 4000, pollMs: 100 });
  try {
    // Another node claimed the conversation's first event and died holding it (its lease: 2 s,
    // by PostgreSQL's clock);
    // this node's commit queued the next one behind it.
    await store.enqueueWebhooks([event('one')]);
    assert.equal((await store.claimWebhooks('dead-node', now, 2000, 16, 20)).length, 1);
    await store.enqueueWebhooks([event('two')]);
    // The commit pokes (not start(): no poll timer runs, so the held claim is surely the poked
    // look's). That look finds nothing due, the lease being held; a second commit pokes while
    // it is under way.
    let entered!: () => void;
    const claiming = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    hold = { entered, release: new Promise<void>((r) => (release = r)) };
    deliverer.poke();
    await claiming;
    deliverer.poke();
    release();
    await until(() => claims === 1, 'the poked look');
    await macrotask();
    await until(() => receiver.accepted().length >= 2, 'both events once the lease ran out');
    assert.ok(claims > 1, 'the deliverer kept looking at the queue');
    assert.deepEqual(receiver.requests.map((r) => r.id), ['one', 'two'], 'each once, in commit order');
  } finally {
    await deliverer.stop();
    await receiver.close();
    await store.close();
    await db.drop();
  }
});

/** Two nodes on one PostgreSQL outbox, each with its own clock (`skewMs` apart) and receiver-bound deliverer. */
async function twoNodes(skewMs: number, options: { backoffMs?: number } = {}) {
  const db = await freshSchema();
  const stores: Store[] = [await createPostgresStore({ connectionString: db.url }), await createPostgresStore({ connectionString: db.url })];
  const receiver = await startReceiver(SECRET);
  /** Per node: claims made, and rows they returned. */
  const claims = [0, 0];
  const claimed = [0, 0];
  const deliverers = stores.map((store, i) => {
    const clock = () => Date.now() + i * skewMs;
    const claimWebhooks: Store['claimWebhooks'] = async (...args) => {
      const rows = await store.claimWebhooks(...args);
      claims[i]!++;
      claimed[i]! += rows.length;
      return rows;
    };
    const endpoints = new WebhookEndpoints({ store, env: [{ id: 'env-0', url: receiver.url, secret: SECRET, events: [], createdAt: 0 }], clock, logger: silentLogger });
    return new WebhookDeliverer({ store: { ...store, claimWebhooks }, endpoints, clock, logger: silentLogger, timeoutMs: 4000, pollMs: 50, ...options });
  });
  return {
    stores, receiver, deliverers, claims, claimed,
    async close() {
      for (const d of deliverers) await d.stop();
      await receiver.close();
      for (const s of stores) await s.close();
      await db.drop();
    },
  };
}

test('a node whose clock runs 10 minutes ahead does not take over a lease still running on another node', async () => {
  const nodes = await twoNodes(600_000);
  const [a, b] = nodes.deliverers as [WebhookDeliverer, WebhookDeliverer];
  try {
    // Node a sends the event to an endpoint that does not answer yet: a holds its lease (9 s).
    nodes.receiver.respond = () => 'hold';
    await nodes.stores[0]!.enqueueWebhooks([event('one')]);
    a.start();
    await until(() => nodes.receiver.requests.length === 1, 'node a sending');
    // Node b, 10 minutes ahead, polls the outbox many times while a's request is open.
    b.start();
    await until(() => nodes.claimed[1]! > 0 || nodes.claims[1]! >= 10, 'node b polling');
    assert.equal(nodes.claimed[1], 0, 'node b claimed nothing while a held the lease');
    assert.deepEqual(nodes.receiver.requests.map((r) => r.id), ['one'], 'sent once');
  } finally {
    await nodes.close();
  }
});

test('a node whose clock runs 10 minutes behind takes over the lease of a node that died once it runs out, not 10 minutes later', async () => {
  const nodes = await twoNodes(-600_000);
  const b = nodes.deliverers[1]!;
  try {
    // Node a (10 minutes ahead of b) claimed the event with a 1 s lease and died.
    await nodes.stores[0]!.enqueueWebhooks([event('one')]);
    assert.equal((await nodes.stores[0]!.claimWebhooks('dead-node', Date.now(), 1000, 16, 20)).length, 1);
    b.start();
    await until(() => nodes.receiver.accepted().length === 1, 'node b sending once the lease ran out');
    assert.deepEqual(nodes.receiver.requests.map((r) => r.id), ['one']);
  } finally {
    await nodes.close();
  }
});

test('a node whose clock runs 10 minutes behind sends the events another node committed at once, not 10 minutes later', async () => {
  const nodes = await twoNodes(-600_000);
  try {
    // Committed on node a (its clock on time, 10 minutes ahead of b's); only b delivers.
    await nodes.stores[0]!.enqueueWebhooks([{ ...event('one'), time: Date.now() }]);
    nodes.deliverers[1]!.start();
    await until(() => nodes.receiver.accepted().length === 1, 'node b sending the event');
    assert.deepEqual(nodes.receiver.requests.map((r) => r.id), ['one']);
  } finally {
    await nodes.close();
  }
});

test('a retry that a node settled is not sent early by a node whose clock runs 10 minutes ahead', async () => {
  const backoffMs = 2000;
  const nodes = await twoNodes(600_000, { backoffMs });
  try {
    let answers = 0;
    nodes.receiver.respond = () => (answers++ === 0 ? 500 : 200);
    await nodes.stores[0]!.enqueueWebhooks([{ ...event('one'), time: Date.now() }]);
    // Node a attempts first (and schedules the retry by its clock); then b, 10 minutes ahead, polls too.
    nodes.deliverers[0]!.start();
    await until(() => nodes.receiver.requests.length === 1, 'the first attempt');
    const failedAt = Date.now();
    nodes.deliverers[1]!.start();
    await until(() => nodes.receiver.accepted().length === 1, 'the retry');
    const waited = Date.now() - failedAt;
    // The backoff is jittered down to 0.8 of it.
    assert.ok(waited >= backoffMs * 0.8 - 100, `retried ${waited} ms after the failure`);
    assert.deepEqual(nodes.receiver.requests.map((r) => [r.id, r.attempt]), [['one', 1], ['one', 2]]);
  } finally {
    await nodes.close();
  }
});
