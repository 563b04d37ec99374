// A group's name is what its members find it by in their conversation list (SPEC §13). One made
// only of characters drawn as nothing (spaces, zero-width and bidi controls, Hangul fillers, the
// blank Braille pattern) listed as an empty row: the widget's own dialog trims its spaces, a
// hostile client sent it as is. Refused at decode, over the frames and over REST; a name with a
// visible character keeps its invisible ones (the elements isolate and render them inert).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { change, create } from './group-helpers.js';

const BLANK = [' ', '   ', '\u3000', '\u200b', '\u200b\u200d\ufeff', '\u202e', '\u2066\u2069', '\u00ad', '\u3164', '\u115f\u1160', '\u2800', '\u00a0'];
const VISIBLE = ['a', ' a ', '\u202eabc', 'zero\u200bwidth', '群', '🙂'];

describe('group names that show nothing', () => {
  let t: TestServer;
  let owner: TestSocket;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'owner', 'bob');
    owner = await t.login('owner');
    assert.equal(await create(owner, 'named', ['bob']), 'ok');
  });
  after(() => t.stop());

  it('are refused BAD_FRAME in group.create and a rename, and nothing is created or renamed', async () => {
    for (const [i, name] of BLANK.entries()) {
      assert.equal(await create(owner, `blank${i}`, ['bob'], { name }), 'BAD_FRAME', JSON.stringify(name));
      assert.equal(await change(owner, 'named', { kind: 'rename', name }), 'BAD_FRAME', JSON.stringify(name));
    }
    const groups = (await t.rest('GET', '/v1/groups/blank0')).status;
    assert.equal(groups, 404, 'not created');
    assert.equal((await t.rest('GET', '/v1/groups/named')).body.name, 'Group named', 'not renamed');
  });

  it('are refused 400 BAD_REQUEST naming the name over REST (create and change)', async () => {
    for (const name of BLANK) {
      const made = await t.rest('POST', '/v1/groups', { id: 'restblank', name, members: ['bob'] });
      assert.deepEqual([made.status, made.body.name], [400, 'BAD_REQUEST'], JSON.stringify(name));
      assert.match(made.body.message, /at name: a name needs a visible character/);
      const patched = await t.rest('PATCH', '/v1/groups/named', { name });
      assert.deepEqual([patched.status, patched.body.name], [400, 'BAD_REQUEST'], JSON.stringify(name));
    }
  });

  it('a name with a visible character is taken as given, invisible ones and all', async () => {
    for (const [i, name] of VISIBLE.entries()) {
      assert.equal(await create(owner, `seen${i}`, ['bob'], { name }), 'ok', JSON.stringify(name));
      assert.equal((await t.rest('GET', `/v1/groups/seen${i}`)).body.name, name);
    }
  });
});
