// A moderator's edit and pins over REST (PATCH /v1/messages/:id, PUT/DELETE …/pin) reach every
// client of the conversation as changes: the new text with its "edited" mark, the pin in
// `pins()`, live and on a device that was away.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryStorage, type ChatMessage } from '../../src/client/index.js';
import { shown, synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, connect, group } = ctx;

const textOf = (m: ChatMessage | undefined) => (m?.elem.type === 'text' ? m.elem.text : m?.elem.type);

describe("a moderator's changes over REST", () => {
  test('an edit shows its text, marked edited, on every device, also on one that was away; a pin shows in pins()', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const id = await group([a, b]);
    const groupId = id.slice('group:'.length);
    const alice = await connect(a);
    const storage = createMemoryStorage();
    const bobPhone = await connect(b, { storage });
    await Promise.all([synced(alice), synced(bobPhone)]);
    const m = await alice.send(id, 'my number is 555-0199');
    await until(() => shown(bobPhone, id, m.id) !== undefined, 'bob holds it');
    const unread = bobPhone.$conversations.get().find((c) => c.id === id)?.unread;
    assert.ok(unread !== undefined && unread > 0);
    // Bob's phone goes away before the moderator acts.
    await bobPhone.close();

    const edit = await ctx.srv.admin('PATCH', `/v1/messages/${m.id}?groupId=${groupId}`, { text: 'my number is [removed]' });
    assert.equal(edit.status, 200);
    await until(() => textOf(shown(alice, id, m.id)) === 'my number is [removed]', "the new text on alice's client");
    assert.equal(typeof shown(alice, id, m.id)!.edited, 'number');

    const pin = await ctx.srv.admin('PUT', `/v1/messages/${m.id}/pin?groupId=${groupId}`);
    assert.equal(pin.status, 200);
    await until(() => shown(alice, id, m.id)?.pinned !== undefined, 'the pin on the message');
    assert.equal(shown(alice, id, m.id)!.pinned!.by, 'system');
    assert.deepEqual((await alice.pins(id)).map((p) => p.messageId), [m.id]);

    // The phone back, from its cursor: it catches up on both changes.
    const back = await connect(b, { storage });
    await synced(back);
    await until(() => textOf(shown(back, id, m.id)) === 'my number is [removed]' && shown(back, id, m.id)?.pinned !== undefined, 'both changes on the phone');
    assert.equal(typeof shown(back, id, m.id)!.edited, 'number');
    // Neither change counts as unread.
    assert.equal(back.$conversations.get().find((c) => c.id === id)?.unread, unread);
  });
});
