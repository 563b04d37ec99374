import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { OPEN_STEPS_PER_TURN } from '../../../src/server/core/open-turns.js';
import { perTurn } from '../helpers/turns.js';
import { startServer, type TestServer } from '../helpers/test-server.js';

/**
 * A burst of new connections each opening a session ran every open's steps back to back: once the
 * writer had committed their users in one batch, every open's blocklist, `session.ready` and
 * catch-up ran in one turn of the event loop while the node's other sockets waited (another
 * user's ping 260–310 ms behind 500 connects on SQLite). Opens now take turns, a few steps a turn.
 */
describe('a burst of session opens takes turns with the other sockets', () => {
  const N = 120;
  let t: TestServer;
  before(async () => {
    t = await startServer({ maxConnectionsPerIp: 10_000 });
  });
  after(() => t.stop());

  it(`verifies and readies at most ${OPEN_STEPS_PER_TURN} opens a turn, and every open is readied and synced`, async () => {
    const store = t.server.core.store;
    const moderation = t.server.core.moderation;
    const checkSession = moderation.checkSession.bind(moderation);
    const listBlocked = store.listBlocked.bind(store);
    const turns = perTurn('verified', 'readied');
    const most = turns.most;
    // Once an open's token is verified (each open checks its user's bans then, once), and once it is readied.
    moderation.checkSession = (...args) => (turns.count('verified'), checkSession(...args));
    store.listBlocked = (...args) => (turns.count('readied'), listBlocked(...args));
    try {
      // Connected and signed first, then every open sent at once: the node reads them in one go.
      const sockets = await Promise.all(Array.from({ length: N }, () => t.connect()));
      const tokens = await Promise.all(sockets.map((_, i) => t.token(`burst${i}`)));
      sockets.forEach((s, i) => s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: tokens[i]! }));
      for (const s of sockets) {
        await s.next('session.ready');
        await s.next('sync.done');
      }
      // Each socket had its `session.ready`, then its `sync.done`, and no other of either nor an error.
      assert.equal(new Set(sockets).size, N);
      for (const s of sockets) {
        assert.deepEqual(s.received.filter((f) => f.type === 'error' || f.type === 'session.ready' || f.type === 'sync.done'), [], 'each once, no error');
        s.close();
      }
    } finally {
      turns.stop();
      moderation.checkSession = checkSession;
      store.listBlocked = listBlocked;
    }
    assert.ok(most.verified <= OPEN_STEPS_PER_TURN, `${most.verified} tokens verified in one turn`);
    assert.ok(most.readied <= OPEN_STEPS_PER_TURN, `${most.readied} sessions readied in one turn`);
  });
});
