import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../../src/server/core/store.js';
import { createMemoryStore } from '../../../src/server/store/memory-store.js';
import { createUsers, startServer, type TestServer } from '../helpers/test-server.js';

/**
 * A big group's create reads each member's conversation and name a few at a time. It read them
 * all at once: 10,000 members asked PostgreSQL's pool (10 connections) for 10,000 at once, those
 * still queued after its 5 s connect timeout failed, and `POST /v1/groups` answered 500 after the
 * group was committed (a retry then met GROUP_EXISTS). The real store, its reads counted in flight.
 */
const READS = ['getConversation', 'getUser', 'listMembers'] as const;

function countingStore(): { store: Store; most: Record<(typeof READS)[number], number> } {
  const store = createMemoryStore();
  const most = { getConversation: 0, getUser: 0, listMembers: 0 };
  for (const name of READS) {
    const read = store[name].bind(store) as (...args: unknown[]) => Promise<unknown>;
    let inFlight = 0;
    (store as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      most[name] = Math.max(most[name], ++inFlight);
      try {
        return await read(...args);
      } finally {
        inFlight--;
      }
    };
  }
  return { store, most };
}

describe('a big group\'s create', () => {
  let t: TestServer;
  const { store, most } = countingStore();
  const members = Array.from({ length: 300 }, (_, i) => `m${i}`);
  before(async () => {
    t = await startServer({ store });
    await createUsers(t, ...members);
  });
  after(() => t.stop());

  it('reads its members a few at a time, below the PostgreSQL pool\'s size, and answers 201', async () => {
    const res = await t.rest('POST', '/v1/groups', { id: 'big', name: 'Big', members: members.slice(1), owner: members[0] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.ok(most.getConversation <= 8 && most.getUser <= 8, `at most in flight: ${JSON.stringify(most)}`);
    const page = await t.rest('GET', '/v1/groups/big/members?limit=1000');
    assert.equal(page.body.items.length, 300);
  });

  it('is read by GET /v1/groups/:id as a count and its owner, without listing its members', async () => {
    most.listMembers = 0;
    const res = await t.rest('GET', '/v1/groups/big');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.memberCount, 300);
    assert.equal(res.body.owner, 'm0');
    assert.equal(most.listMembers, 0);
  });
});
