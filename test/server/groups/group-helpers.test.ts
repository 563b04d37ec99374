/**
 * The group tests' own helper: `ask` matches its answer by reqId. Taking the first `ok` or
 * `error` on the socket, it gave one request another's answer (or failed on it) when two were
 * asked at once on one socket, or an answer to an earlier frame was still unread.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import { ask, change, create } from './group-helpers.js';

describe('group-helpers ask()', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol');
  });
  after(() => t.stop());

  it("answers its own request when another request's ok is still unread on the socket", async () => {
    const alice = await t.login('alice');
    alice.send({ type: 'mute.set', reqId: 'not-asked', until: 0 });
    await alice.roundTrip();
    assert.equal(alice.pending('ok').length, 1, "the mute's ok is queued, unread");
    assert.equal(await ask(alice, { type: 'group.fetch', groupId: 'does-not-exist' }), 'GROUP_UNKNOWN');
    assert.equal(alice.pending('ok').length, 1, "the mute's ok is still there for whoever asked");
    alice.close();
  });

  it('gives each of several requests asked at once on one socket its own answer', async () => {
    const alice = await t.login('alice');
    assert.equal(await create(alice, 'h', ['bob', 'carol']), 'ok');
    const answers = await Promise.all([
      ask(alice, { type: 'group.fetch', groupId: 'nope' }),
      change(alice, 'h', { kind: 'rename', name: 'Renamed' }),
      ask(alice, { type: 'group.fetch', groupId: 'h' }),
      change(alice, 'nope', { kind: 'leave' }),
    ]);
    assert.deepEqual(answers, ['GROUP_UNKNOWN', 'ok', 'group.info', 'GROUP_UNKNOWN']);
    alice.close();
  });
});
