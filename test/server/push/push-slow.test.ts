/** Pushes never hold up sends (SPEC §2 comes first): a push service that does not answer at all changes nothing for senders. */
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { fakeBrowser, loopbackCert } from '../helpers/push-receiver.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';

describe('a push service that never answers', () => {
  let t: TestServer;
  let hung: https.Server;
  let requests = 0;
  before(async () => {
    // Takes each request and never answers it.
    hung = https.createServer(loopbackCert(), () => void requests++);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const port = (hung.address() as { port: number }).port;
    t = await startServer({ push: { allowLoopback: true, agentOptions: { ca: loopbackCert().cert }, timeoutMs: 60_000, concurrency: 2, maxQueued: 20 } });
    await createUsers(t, 'alice', 'bob', 'carol');
    await t.rest('POST', '/v1/groups', { id: 'slow', name: 'Slow', members: ['alice', 'bob', 'carol'] });
    for (const u of ['bob', 'carol']) {
      const res = await t.rest('POST', '/v1/push/subscriptions', fakeBrowser().subscription(`https://127.0.0.1:${port}/${u}`, 'd'), await t.token(u));
      assert.equal(res.status, 204);
    }
  });
  after(async () => {
    await t.stop();
    hung.closeAllConnections();
    hung.close();
  });

  it('acks every send at once while its pushes wait, and drops pushes past the queue bound', async () => {
    const alice = await t.login('alice');
    const started = performance.now();
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      const clientMsgId = cmid();
      const t0 = performance.now();
      alice.send({ type: 'message.send', clientMsgId, conversationId: 'group:slow', elem: text(`m${i}`) });
      await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
      times.push(performance.now() - t0);
    }
    const total = performance.now() - started;
    times.sort((a, b) => a - b);
    console.log(`# 100 sends with a hung push service: median ack ${times[50]!.toFixed(1)} ms, p99 ${times[98]!.toFixed(1)} ms, total ${total.toFixed(0)} ms`);
    assert.ok(total < 10_000, `100 sends took ${total} ms`);
    const counts = t.server.push!.queue.counts;
    // Two in flight (hung), at most 20 waiting, the rest dropped: nothing grows without bound.
    assert.ok(requests <= 2, `${requests} requests in flight`);
    assert.ok(counts.dropped >= 200 - 22, `dropped ${counts.dropped}`);
    alice.close();
  });
});
