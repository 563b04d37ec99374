import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ChatError, groupConversation, p2pConversation } from '../../../src/protocol/index.js';
import { drive } from '../../../src/server/core/maybe-sync.js';
import { prepareSend, type SendPolicy, type SendRequest } from '../../../src/server/core/send-message.js';
import type { Store } from '../../../src/server/core/store.js';
import { createMemoryStore } from '../../../src/server/store/memory-store.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';

const newId = () => 'm1';
const policy = (o: Partial<SendPolicy> = {}): SendPolicy => ({ friendsOnly: false, blockedSenderSeesError: false, admin: false, ...o });
const req = (sender: string, conversationId: string, options: SendRequest['options'] = {}): SendRequest => ({
  sender, senderProfile: { name: sender }, conversationId: conversationId as SendRequest['conversationId'], clientMsgId: 'c1', elem: { type: 'text', text: 'hi' }, options,
});

/** alice, bob, carol; group g of alice and bob; bob blocked carol; alice and bob are friends. */
async function seeded(store: Store): Promise<Store> {
  for (const u of ['alice', 'bob', 'carol']) await store.putUser(u, { name: u }, 1);
  await store.createGroup({ id: 'g', name: 'G', createdAt: 1 }, ['alice', 'bob']);
  await store.setBlocked('bob', 'carol', true);
  await store.setFriends('alice', 'bob', true);
  return store;
}

/** What prepareSend answers: the draft's key and visibility, or the refusal's code. */
const outcome = async (store: Store, r: SendRequest, p: SendPolicy) => {
  try {
    const { draft } = await prepareSend(store, r, p, 1000, newId);
    return { key: draft.key, visibleTo: draft.visibleTo };
  } catch (err) {
    assert.ok(err instanceof ChatError, String(err));
    return { refused: err.name };
  }
};

const cases: [string, SendRequest, SendPolicy][] = [
  ['group member', req('alice', groupConversation('g')), policy()],
  ['unknown group', req('alice', groupConversation('nope')), policy()],
  ['not a member', req('carol', groupConversation('g')), policy()],
  ['receiver not a member', req('alice', groupConversation('g'), { receiver: 'carol' }), policy()],
  ['targeted receiver', req('alice', groupConversation('g'), { receiver: 'bob' }), policy()],
  ['1:1', req('alice', p2pConversation('bob')), policy()],
  ['unknown peer', req('alice', p2pConversation('nobody')), policy()],
  ['blocked, sender sees success', req('carol', p2pConversation('bob')), policy()],
  ['blocked, sender sees the error', req('carol', p2pConversation('bob')), policy({ blockedSenderSeesError: true })],
  ['friends only, friends', req('alice', p2pConversation('bob')), policy({ friendsOnly: true })],
  ['friends only, strangers', req('alice', p2pConversation('carol')), policy({ friendsOnly: true })],
  ['admin outside the group', req('carol', groupConversation('g')), policy({ admin: true })],
];

describe('a send’s checks (prepareSend)', () => {
  it('answer on the SQLite store on the send’s own turn, refusals thrown, as the async store answers', async () => {
    const sqlite = await seeded(createSqliteStore(':memory:'));
    const memory = await seeded(createMemoryStore());
    try {
      for (const [name, r, p] of cases) {
        let answer: unknown;
        try {
          answer = prepareSend(sqlite, r, p, 1000, newId);
        } catch (err) {
          answer = err;
        }
        assert.ok(!(answer instanceof Promise), `${name}: no promise on SQLite`);
        assert.deepEqual(await outcome(sqlite, r, p), await outcome(memory, r, p), name);
      }
      // Every outcome is among them: a send, a targeted one, a sender-only one, and each refusal.
      const seen = new Set((await Promise.all(cases.map(([, r, p]) => outcome(memory, r, p)))).map((o) => ('refused' in o ? o.refused : o.visibleTo ? 'visible' : 'sent')));
      assert.deepEqual([...seen].sort(), ['BLOCKED', 'GROUP_UNKNOWN', 'NOT_FRIENDS', 'NOT_MEMBER', 'USER_UNKNOWN', 'sent', 'visible']);
    } finally {
      await sqlite.close();
      await memory.close();
    }
  });

  it('see a change the SQLite store made before the next send (nothing answered from before it)', async () => {
    const store = await seeded(createSqliteStore(':memory:'));
    try {
      assert.deepEqual(await outcome(store, req('carol', groupConversation('g')), policy()), { refused: 'NOT_MEMBER' });
      await store.addGroupMember('g', 'carol');
      assert.deepEqual(await outcome(store, req('carol', groupConversation('g')), policy()), { key: 'group:g', visibleTo: undefined });
      await store.setBlocked('bob', 'carol', false);
      assert.deepEqual(await outcome(store, req('carol', p2pConversation('bob')), policy()), { key: 'p2p:bob|carol', visibleTo: undefined });
    } finally {
      await store.close();
    }
  });
});

describe('the SQLite store\'s held reads (Store.held)', () => {
  it('answer as its async methods do, before and after each change', async () => {
    const store = await seeded(createSqliteStore(join(mkdtempSync(join(tmpdir(), 'natter-held-')), 'natter.db')));
    const held = store.held!;
    try {
      const same = async (what: string) => {
        assert.deepEqual(held.getUser('carol'), await store.getUser('carol'), `${what}: user`);
        assert.deepEqual(held.getUser('nobody'), await store.getUser('nobody'), `${what}: no user`);
        assert.deepEqual(held.getGroup('g'), await store.getGroup('g'), `${what}: group`);
        assert.equal(held.isGroupMember('g', 'carol'), await store.isGroupMember('g', 'carol'), `${what}: member`);
        assert.equal(held.isBlocked('bob', 'carol'), await store.isBlocked('bob', 'carol'), `${what}: block`);
        assert.equal(held.areFriends('bob', 'carol'), await store.areFriends('bob', 'carol'), `${what}: friends`);
      };
      await same('at first');
      await store.addGroupMember('g', 'carol');
      await store.setBlocked('bob', 'carol', false);
      await store.setFriends('bob', 'carol', true);
      await store.updateGroup('g', { name: 'G2' });
      await same('after the changes');
      assert.deepEqual([held.isGroupMember('g', 'carol'), held.isBlocked('bob', 'carol'), held.areFriends('bob', 'carol'), held.getGroup('g')?.name], [true, false, true, 'G2']);
      await store.deleteUser('carol');
      await same('after a deletion');
      assert.equal(held.getUser('carol')?.deleted, true);
    } finally {
      await store.close();
    }
  });
});

describe('drive (checks that read a value now or a promise)', () => {
  function* reads(values: unknown[]): Generator<unknown, unknown[], unknown> {
    const got: unknown[] = [];
    for (const v of values) got.push(yield v);
    return got;
  }

  it('answers on this turn while every read is a value, and through a promise from the first promise on, in order', async () => {
    assert.deepEqual(drive(reads([1, 2])), [1, 2]);
    const later = drive(reads([1, Promise.resolve(2), 3, Promise.resolve(4)]));
    assert.ok(later instanceof Promise);
    assert.deepEqual(await later, [1, 2, 3, 4]);
  });

  it('throws a refusal before any promise synchronously, and a failed read where it was read', async () => {
    function* refuses(): Generator<unknown, void, unknown> {
      yield 1;
      throw new ChatError('NOT_MEMBER');
    }
    assert.throws(() => drive(refuses()), { name: 'NOT_MEMBER' });
    function* recovers(): Generator<unknown, string, unknown> {
      try {
        yield Promise.reject(new Error('read failed'));
        return 'read';
      } catch (err) {
        return `caught ${(err as Error).message}`;
      }
    }
    assert.equal(await drive(recovers()), 'caught read failed');
    function* fails(): Generator<unknown, string, unknown> {
      yield Promise.resolve(1);
      yield Promise.reject(new Error('second read failed'));
      return 'never';
    }
    await assert.rejects(async () => drive(fails()), { message: 'second read failed' });
  });
});
