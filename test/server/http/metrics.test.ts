import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';

const METRICS_KEY = 'test-metrics-key-0123456789';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(t: TestServer, key: string | null = METRICS_KEY): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(`${t.url}/metrics`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

describe('GET /metrics', () => {
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    // Two servers in one process: each must count only its own traffic.
    [a, b] = await Promise.all([startServer({ metricsKey: METRICS_KEY }), startServer({ metricsKey: METRICS_KEY })]);
    await createUsers(a, 'alice', 'bob');
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });

  it('refuses a scrape without the metrics or admin key, and with a user token (403)', async () => {
    for (const key of [null, 'wrong-key-wrong-key-wrong', await a.token('alice')]) {
      const res = await scrape(a, key);
      assert.equal(res.status, 403);
      assert.equal(JSON.parse(res.body).name, 'ADMIN_REQUIRED');
    }
  });

  it('accepts the admin key too, but the metrics key opens no admin route', async () => {
    assert.equal((await scrape(a, ADMIN_KEY)).status, 200);
    assert.equal((await a.rest('GET', '/v1/users/alice/conversations', undefined, METRICS_KEY)).status, 403);
  });

  it('answers in the Prometheus text format with the chat series and the default process metrics', async () => {
    const res = await scrape(a);
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/plain; version=0\.0\.4/);
    for (const series of [
      'natter_connections', 'natter_sessions', 'natter_messages_total{outcome="committed"}',
      'natter_ack_latency_seconds_count', 'natter_bus_errors_total{operation="publish"}',
      'natter_store_errors_total{operation="commit"}', 'natter_store_up', 'natter_bus_up',
      'natter_resync_connections_total', 'process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds',
    ]) {
      assert.notEqual(sample(res.body, series), undefined, `${series} is exported`);
    }
    assert.match(res.body, /^# TYPE natter_ack_latency_seconds histogram$/m);
    assert.deepEqual([sample(res.body, 'natter_store_up'), sample(res.body, 'natter_bus_up')], [1, 1]);
  });

  it('counts connections, acked messages and their latency on the server that handled them only', async () => {
    const before = await scrape(a);
    const alice = await a.login('alice');
    const ids = [cmid(), cmid(), cmid()];
    for (const clientMsgId of ids) alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('hi') });
    for (const clientMsgId of ids) await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    // A resend is acked as a duplicate and counted apart.
    alice.send({ type: 'message.send', clientMsgId: ids[0]!, conversationId: 'p2p:bob', elem: text('hi') });
    await alice.next('message.ack', (f) => f.duplicate === true);
    const after = await scrape(a);
    const delta = (series: string) => (sample(after.body, series) ?? 0) - (sample(before.body, series) ?? 0);
    assert.equal(delta('natter_messages_total{outcome="committed"}'), 3);
    assert.equal(delta('natter_messages_total{outcome="duplicate"}'), 1);
    assert.equal(delta('natter_ack_latency_seconds_count'), 4);
    // The histogram in Prometheus' shape: cumulative buckets by bound, +Inf as the count, the sum of the latencies.
    const bounds = ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
    const buckets = bounds.map((le) => sample(after.body, `natter_ack_latency_seconds_bucket{le="${le}"}`));
    assert.ok(buckets.every((n, i) => n !== undefined && (i === 0 || n >= buckets[i - 1]!)), `cumulative buckets: ${buckets.join(', ')}`);
    assert.equal(buckets.at(-1), sample(after.body, 'natter_ack_latency_seconds_count'));
    assert.ok(delta('natter_ack_latency_seconds_sum') > 0);
    assert.equal(sample(after.body, 'natter_connections'), 1);
    assert.equal(sample(after.body, 'natter_sessions'), 1);
    const other = await scrape(b);
    assert.equal(sample(other.body, 'natter_messages_total{outcome="committed"}'), 0);
    assert.equal(sample(other.body, 'natter_connections'), 0);
    alice.close();
  });

  it('counts refused sends by error name', async () => {
    const alice = await a.login('alice');
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:nobody', elem: text('hi') });
    await alice.next('message.error');
    const res = await scrape(a);
    assert.equal(sample(res.body, 'natter_send_errors_total{error="USER_UNKNOWN"}'), 1);
    alice.close();
  });
});
