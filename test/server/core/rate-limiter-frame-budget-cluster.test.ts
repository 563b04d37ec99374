/**
 * Frame budgets across two nodes sharing Redis: the write classes (blocklist, read marks) count
 * against one cluster-wide budget; cheap frames (ping) are budgeted per node.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import { dropRedisKeys, REDIS_URL, requireRedis, uniqueName } from '../helpers/services.js';
import type { TestSocket } from '../helpers/ws-client.js';

await requireRedis();

const redisPrefix = `${uniqueName('natter_test')}:`;
const nodes: TestServer[] = [];
after(async () => {
  for (const n of nodes) await n.stop();
  await dropRedisKeys(redisPrefix);
});

async function answers(s: TestSocket, frames: Record<string, unknown>[]): Promise<string[]> {
  for (const f of frames) s.send(f);
  const out: string[] = [];
  for (let i = 0; i < frames.length; i++) {
    const f = (await s.nextOf(['ok', 'pong', 'error'])) as { type: string; name?: string };
    out.push(f.type === 'error' ? String(f.name) : f.type);
  }
  return out.sort();
}

describe('frame budgets in a cluster', () => {
  it('counts blocklist changes against one budget on every node, and pings per node', async () => {
    for (let i = 0; i < 2; i++) {
      const t = await startServer({ redisUrl: REDIS_URL, redisPrefix, frameBudgets: { blocklist: 3, ping: 2 } });
      nodes.push(t);
      await createUsers(t, 'mallory', 'bob');
    }
    const [a, b] = [await nodes[0]!.login('mallory'), await nodes[1]!.login('mallory')];
    const block = (i: number) => ({ type: i % 2 ? 'blocklist.remove' : 'blocklist.add', reqId: `b${i}`, userId: 'bob' });
    assert.deepEqual(await answers(a, [0, 1, 2].map(block)), ['ok', 'ok', 'ok']);
    // Node B has its own budget left, but the cluster's is spent.
    assert.deepEqual(await answers(b, [3, 4].map(block)), ['RATE_LIMITED', 'RATE_LIMITED']);
    const ping = (i: number) => ({ type: 'ping', reqId: `p${i}` });
    assert.deepEqual(await answers(a, [0, 1, 2].map(ping)), ['RATE_LIMITED', 'pong', 'pong']);
    assert.deepEqual(await answers(b, [3, 4].map(ping)), ['pong', 'pong']);
  });
});
