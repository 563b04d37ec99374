/**
 * Webhooks (SPEC §11): a server whose one endpoint holds every delivery open acks sends as fast
 * as a server without webhooks. Out of webhooks.test.ts, as its bound is a ratio of two timings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import { startReceiver, until } from '../helpers/webhook-receiver.js';

const SECRET = 'webhook-secret-0123456789';

describe('webhooks: a slow endpoint never slows sends', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let t: TestServer;
  before(async () => {
    receiver = await startReceiver(SECRET);
    // Every request is held open until the receiver closes: the slowest endpoint there is.
    receiver.respond = () => 'hold';
    t = await startServer({ sendsPerMinute: 100_000, webhooks: { urls: [receiver.url], secret: SECRET, timeoutMs: 30_000 } });
    await createUsers(t, 'alice', 'bob');
  });
  after(async () => {
    await t.stop().catch(() => undefined);
    await receiver.close();
  });

  /** Milliseconds for 200 sends, each waiting for its ack, over one socket. */
  async function sendTime(server: TestServer): Promise<number> {
    const alice = await server.login('alice');
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      const clientMsgId = cmid();
      alice.send({ type: 'message.send', conversationId: 'p2p:bob', clientMsgId, elem: text(`m${i}`) });
      await alice.next('message.ack', (a) => a.clientMsgId === clientMsgId);
    }
    alice.close();
    return performance.now() - started;
  }

  it('acks sends as fast as a server without webhooks while every delivery hangs', async () => {
    const plain = await startServer({ sendsPerMinute: 100_000 });
    await createUsers(plain, 'alice', 'bob');
    await sendTime(plain);
    await sendTime(t);
    // Measured after a warm-up round each, alternating, the median of three.
    const a: number[] = [];
    const b: number[] = [];
    for (let round = 0; round < 3; round++) {
      a.push(await sendTime(plain));
      b.push(await sendTime(t));
    }
    await plain.stop();
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[1]!;
    await until(() => receiver.requests.length >= 1, 'a delivery in flight');
    // One conversation: one delivery in flight, held open; the sends did not wait for it.
    assert.equal(receiver.requests.length, 1);
    console.log(`# 200 sequential sends: ${Math.round(median(a))} ms without webhooks, ${Math.round(median(b))} ms with a hanging endpoint (medians of 3)`);
    assert.ok(median(b) < median(a) * 2 + 300, `with ${median(b)} ms, without ${median(a)} ms`);
    await receiver.close();
  });
});
