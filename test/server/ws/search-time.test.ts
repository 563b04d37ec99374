import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SearchResult } from '../../../src/protocol/search-schema.js';
import { gnuThree, search, texts } from '../helpers/search.js';
import { startServer, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

// Its own file (its own process): the server's clock runs an hour ahead, and message ids stay
// monotonic within a process, so the ids minted here would sit ahead of other files' clocks.
const AHEAD = 3_600_000;

const gnuTexts = async (s: TestSocket, extra: Record<string, unknown>) => texts(await search(s, 'gnu', extra));
/** The millisecond a UUIDv7 id carries in its first 48 bits. */
const idMs = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('a search bound at a message’s time (SPEC §12): the time its ack carries is the one search compares', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ clock: () => Date.now() + AHEAD });
  });
  after(() => t.stop());

  it('puts a message on neither side of its own time, whatever the clock says', async () => {
    const { dave, erin, a1, a2, a3 } = await gnuThree(t);
    for (const a of [a1, a2, a3]) assert.equal(idMs(a.id), a.time, 'the id’s millisecond is the time');
    assert.deepEqual(await gnuTexts(erin, { after: a2.time }), ['gnu three'], 'strictly after it');
    assert.deepEqual(await gnuTexts(erin, { before: a2.time }), ['gnu one'], 'strictly before it');
    assert.deepEqual(await gnuTexts(erin, { after: a1.time, before: a3.time }), ['gnu two']);
    assert.deepEqual(await gnuTexts(erin, { after: a3.time }), []);
    const rest = await t.rest('GET', `/v1/users/erin/search?q=gnu&after=${a1.time}&before=${a3.time}`);
    assert.deepEqual(rest.body.results.map((r: SearchResult) => (r.message.elem as { text: string }).text), ['gnu two']);
    dave.close();
    erin.close();
  });
});
