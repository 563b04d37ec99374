import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { newMessageId } from '../../../src/server/core/message-id.js';
import { OPEN_TURN } from '../../../src/server/core/sync.js';
import { perTurn } from '../helpers/turns.js';
import { createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import { draft } from '../store/store-contract.js';

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
    t = await startServer();
    await createUsers(t, 'alice', 'bob');
    const drafts = [];
    for (let g = 0; g < C; g++) {
      await t.server.store.createGroup({ id: `g${g}`, name: `Group ${g}`, createdAt: 1, historyVisibility: 'all' }, ['alice', 'bob']);
      for (let k = 0; k < 3; k++) drafts.push(draft(groupKey(`g${g}`), 'bob', { id: newMessageId(), elem: { type: 'text', text: `hello ${g} ${k}` } }));
    }
    await t.server.store.commitMessages(drafts);
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
