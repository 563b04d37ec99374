import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { newMessageId } from '../../../src/server/core/message-id.js';
import { OPEN_TURN, OPEN_TURN_ROWS, REPLAY_TURN_MESSAGES, UNLISTED_REPLAY } from '../../../src/server/core/sync.js';
import { UNREAD_COUNT_MAX } from '../../../src/server/core/types.js';
import { perTurn } from '../helpers/turns.js';
import { createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import { draft } from '../store/store-contract.js';

/** A server where alice and bob share `conversations` groups, each with `messages` from bob that alice has not read. */
async function serverWith(conversations: number, messages: number): Promise<TestServer> {
  const t = await startServer();
  await createUsers(t, 'alice', 'bob');
  const drafts = [];
  for (let g = 0; g < conversations; g++) {
    await t.server.store.createGroup({ id: `g${g}`, name: `Group ${g}`, createdAt: 1, historyVisibility: 'all' }, ['alice', 'bob']);
    for (let k = 0; k < messages; k++) drafts.push(draft(groupKey(`g${g}`), 'bob', { id: newMessageId(), elem: { type: 'text', text: `hello ${g} ${k}` } }));
  }
  await t.server.store.commitMessages(drafts);
  return t;
}

/**
 * A session's catch-up read every conversation of the user in one turn of the event loop on
 * SQLite (its reads are synchronous): a user in 1,000 conversations held every other socket of the
 * node for the whole open (measured 0.4–0.8 s wall, 110–170 ms of CPU, another user's ping up to
 * 0.6 s, at load 15–17). The summaries and the replay now take turns, OPEN_TURN conversations a
 * turn; what the client receives is the same.
 */
describe('session.open of a user in many conversations takes turns with the other sockets', () => {
  const C = 200;
  let t: TestServer;
  before(async () => {
    t = await serverWith(C, 3);
  });
  after(() => t.stop());

  it(`summarizes and replays at most ${OPEN_TURN} conversations a turn, and still sends every conversation and message once`, async () => {
    const store = t.server.core.store;
    const unreadState = store.unreadState.bind(store);
    const readRange = store.readRange.bind(store);
    // Reads between two turns of the event loop, and the most seen in one.
    const turns = perTurn('summaries', 'replays');
    const most = turns.most;
    store.unreadState = (...args) => (turns.count('summaries'), unreadState(...args));
    store.readRange = (...args) => (turns.count('replays'), readRange(...args));
    try {
      const alice = await t.login('alice');
      const conversations = alice.received.filter((f) => f.type === 'sync.conversations').flatMap((f) => f.type === 'sync.conversations' ? f.items.map((i) => i.id) : []);
      const messages = alice.received.flatMap((f) => (f.type === 'sync.messages' ? f.messages.map((m) => m.id) : []));
      assert.equal(new Set(conversations).size, C, 'every conversation summarized once');
      assert.equal(conversations.length, C);
      assert.equal(new Set(messages).size, C * 3, 'every message replayed');
      assert.equal(messages.length, C * 3, 'once');
      alice.close();
    } finally {
      turns.stop();
      store.unreadState = unreadState;
      store.readRange = readRange;
    }
    assert.ok(most.summaries <= OPEN_TURN, `${most.summaries} conversations summarized in one turn`);
    assert.ok(most.replays <= OPEN_TURN, `${most.replays} conversations replayed in one turn`);
  });
});

/**
 * A summary counts up to UNREAD_COUNT_MAX unread rows: 25 conversations of 1,000 unread each made
 * one turn of 60–150 ms on SQLite, and a user reopening sessions held another user's ping 255 ms.
 * A turn now takes conversations until the rows above their read positions reach OPEN_TURN_ROWS.
 */
describe('session.open of a user with many unread messages in many conversations takes turns by rows', () => {
  const C = 30;
  let t: TestServer;
  before(async () => {
    t = await serverWith(C, UNREAD_COUNT_MAX + 1);
  });
  after(() => t.stop());

  it(`counts at most about ${OPEN_TURN_ROWS} unread rows and replays about ${REPLAY_TURN_MESSAGES} messages a turn, and every conversation still once with its count`, async () => {
    const store = t.server.core.store;
    const unreadState = store.unreadState.bind(store);
    const readRange = store.readRange.bind(store);
    const turns = perTurn('rows', 'replayed');
    store.unreadState = async (...args) => {
      const r = await unreadState(...args);
      turns.count('rows', r.unread);
      return r;
    };
    store.readRange = async (...args) => {
      const r = await readRange(...args);
      turns.count('replayed', r.length);
      return r;
    };
    try {
      const alice = await t.login('alice');
      const items = alice.received.flatMap((f) => (f.type === 'sync.conversations' ? f.items : []));
      assert.equal(items.length, C, 'every conversation summarized');
      assert.equal(new Set(items.map((i) => i.id)).size, C, 'once');
      assert.ok(items.every((i) => i.unread === UNREAD_COUNT_MAX), 'each counted up to UNREAD_COUNT_MAX');
      alice.close();
    } finally {
      turns.stop();
      store.unreadState = unreadState;
      store.readRange = readRange;
    }
    assert.ok(turns.most.rows <= OPEN_TURN_ROWS + UNREAD_COUNT_MAX, `${turns.most.rows} unread rows counted in one turn`);
    assert.ok(turns.most.replayed <= REPLAY_TURN_MESSAGES + UNLISTED_REPLAY, `${turns.most.replayed} messages replayed in one turn`);
  });
});
