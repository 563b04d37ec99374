import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../../src/server/core/store.js';
import { createMemoryRateLimiter, type RateLimiter } from '../../../src/server/core/rate-limiter.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

type Read = 'getUser' | 'getGroup' | 'isGroupMember' | 'isBlocked' | 'areFriends';

/**
 * What each check of a send takes, as a rate limiter and a database far from the node would:
 * ms by read (and `limiter`), a read in `failing` rejecting after its time. Empty between cases.
 */
const slow: { ms: Partial<Record<Read | 'limiter', number>>; failing: Set<Read> } = { ms: {}, failing: new Set() };
const wait = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/**
 * The real SQLite store, its point reads answered after `slow.ms` (a site's own Store could be this
 * far), none of them held (`Store.held`: answered at once, they would skip the delays).
 */
function slowedStore(store: Store): Store {
  const slowed = Object.create(store) as Store;
  Object.defineProperty(slowed, 'held', { value: undefined });
  for (const read of ['getUser', 'getGroup', 'isGroupMember', 'isBlocked', 'areFriends'] as const) {
    const real = store[read] as (...args: unknown[]) => Promise<unknown>;
    (slowed as unknown as Record<Read, unknown>)[read] = async (...args: unknown[]) => {
      const answer = await real.apply(store, args);
      await wait(slow.ms[read]);
      if (slow.failing.has(read)) throw new Error(`${read} failed (test)`);
      return answer;
    };
  }
  return slowed;
}

/** A site's own send limiter (option `rateLimiter`): `limit` sends a minute, answered after `slow.ms.limiter`. */
function slowedLimiter(limit: number): RateLimiter {
  const counts = createMemoryRateLimiter(limit);
  return {
    async consume(key, now, max) {
      const decision = counts.consume(key, now, max);
      await wait(slow.ms.limiter);
      return decision;
    },
  };
}

/** Sends one message and answers its ack or error, with the time it took. */
async function timedSend(s: TestSocket, conversationId: string, extra: Record<string, unknown> = {}) {
  const clientMsgId = cmid();
  const started = performance.now();
  s.send({ type: 'message.send', clientMsgId, conversationId, elem: text('checked'), ...extra });
  const answer = await s.nextOf(['message.ack', 'message.error']);
  return { answer, ms: performance.now() - started };
}

const CHECK_MS = 300;

describe('a send\'s checks run at once and refuse in their order', () => {
  let t: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'natter-send-checks-'));
  let alice: TestSocket;
  before(async () => {
    t = await startServer({
      store: () => slowedStore(createSqliteStore(join(dir, 'natter.db'))),
      // dave spends his budget in the refusals' case; the others never reach theirs.
      rateLimiter: slowedLimiter(20),
      friendsOnly: true,
      blockedSenderSeesError: true,
    });
    await createUsers(t, 'alice', 'bob', 'carol', 'dave', 'erin');
    await t.rest('PUT', '/v1/users/alice/friends/bob');
    await t.rest('POST', '/v1/groups', { id: 'team', name: 'Team', members: ['alice', 'bob', 'dave'] });
    alice = await t.login('alice');
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the rate limiter, the peer and the block of a 1:1 send at once', async () => {
    slow.ms = { limiter: CHECK_MS, getUser: CHECK_MS, isBlocked: CHECK_MS, areFriends: CHECK_MS };
    try {
      const { answer, ms } = await timedSend(alice, 'p2p:bob');
      assert.equal(answer.type, 'message.ack');
      // One after another they would take four times as long; any two in a row take twice (the bound).
      assert.ok(ms < CHECK_MS * 1.9, `a 1:1 send checked ${CHECK_MS} ms four times answered in ${Math.round(ms)} ms`);
    } finally {
      slow.ms = {};
    }
  });

  it('takes the rate limiter, the group, the membership and the receiver of a group send at once', async () => {
    slow.ms = { limiter: CHECK_MS, getGroup: CHECK_MS, isGroupMember: CHECK_MS };
    try {
      const { answer, ms } = await timedSend(alice, 'group:team', { receiver: 'bob' });
      assert.equal(answer.type, 'message.ack');
      assert.ok(ms < CHECK_MS * 1.9, `a group send checked ${CHECK_MS} ms four times answered in ${Math.round(ms)} ms`);
    } finally {
      slow.ms = {};
    }
  });

  it('refuses a send refused by several checks for the first of them in order, however soon the later ones answer', async () => {
    // The first checks answer last: a refusal taken as it comes would name a later one.
    slow.ms = { limiter: 150, getUser: 100, getGroup: 100, areFriends: 50, isBlocked: 0, isGroupMember: 0 };
    const dave = await t.login('dave');
    const erin = await t.login('erin');
    try {
      await t.rest('PUT', '/v1/users/carol/blocklist/alice');
      await t.rest('PUT', '/v1/users/bob/blocklist/erin');
      await t.rest('PUT', '/v1/users/erin/friends/bob');
      const refusals = [
        // carol blocked alice, who is not her friend: not friends comes first.
        [alice, 'p2p:carol', {}, 'NOT_FRIENDS'],
        // bob blocked erin, his friend.
        [erin, 'p2p:bob', {}, 'BLOCKED'],
        // No such user; nor is alice his friend.
        [alice, 'p2p:nobody', {}, 'USER_UNKNOWN'],
        // No such group, and alice is no member of it.
        [alice, 'group:none', {}, 'GROUP_UNKNOWN'],
        // carol is not a member of team.
        [alice, 'group:team', { receiver: 'carol' }, 'NOT_MEMBER'],
      ] as const;
      for (const [from, to, extra, name] of refusals) {
        const { answer } = await timedSend(from, to, extra);
        assert.equal(answer.type === 'message.error' && answer.name, name, `${to}`);
      }
      // dave spends his budget quickly, then sends over it to a group that does not exist.
      slow.ms = {};
      for (let i = 0; i < 20; i++) await timedSend(dave, 'group:team');
      slow.ms = { limiter: 150, getGroup: 50, isGroupMember: 0 };
      const { answer } = await timedSend(dave, 'group:none');
      assert.equal(answer.type === 'message.error' && answer.name, 'RATE_LIMITED');
    } finally {
      slow.ms = {};
      dave.close();
      erin.close();
    }
  });

  it('refuses for the conversation when a read started beside it fails, and stays up', async () => {
    slow.ms = { getUser: 100 };
    slow.failing = new Set(['isBlocked', 'areFriends']);
    try {
      const { answer } = await timedSend(alice, 'p2p:nobody');
      assert.equal(answer.type === 'message.error' && answer.name, 'USER_UNKNOWN');
      // The failed reads were not left unhandled: the server still answers.
      slow.failing = new Set();
      const again = await timedSend(alice, 'p2p:bob');
      assert.equal(again.answer.type, 'message.ack');
    } finally {
      slow.ms = {};
      slow.failing = new Set();
    }
  });
});
