import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryStorage } from '../../src/client/index.js';
import type { ChatMessage } from '../../src/client/types.js';
import { connectClient, synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, connect, track } = ctx;

/** Alice's group "Team" with Bob in it, both connected and synced, Bob holding it. */
async function aliceAndBobInGroup() {
  const [a, b] = [uid('alice'), uid('bob')];
  for (const id of [a, b]) assert.equal((await ctx.srv.admin('PUT', `/v1/users/${id}`, { name: id })).ok, true);
  const alice = await connect(a);
  const bob = await connect(b);
  await Promise.all([synced(alice), synced(bob)]);
  const id = await (await alice.groups()).createGroup({ name: 'Team', members: [b] });
  await until(() => bob.$conversations.get().some((c) => c.id === id), 'bob has it');
  return { alice, bob, id };
}

/** What `console.warn` was called with while `run` ran. */
async function warningsDuring(run: () => Promise<void>): Promise<string[]> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    await run();
  } finally {
    console.warn = warn;
  }
  return warnings;
}

describe('groups in the client (SPEC §13)', () => {
  test('creates a group, follows its rename and picture, and keeps it, marked left, once removed', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    for (const id of [a, b]) assert.equal((await ctx.srv.admin('PUT', `/v1/users/${id}`, { name: id })).ok, true);
    const alice = await connect(a);
    const bob = await connect(b);
    await Promise.all([synced(alice), synced(bob)]);
    const groups = await alice.groups();
    const id = await groups.createGroup({ name: 'Before', members: [b] });
    await until(() => bob.$conversations.get().some((c) => c.id === id && c.name === 'Before'), 'bob has it');
    await groups.changeGroup(id.slice(6), { kind: 'rename', name: 'After' });
    await groups.changeGroup(id.slice(6), { kind: 'avatar', avatar: 'https://cdn.example.com/g.png' });
    await until(() => bob.$conversations.get().find((c) => c.id === id)?.avatar === 'https://cdn.example.com/g.png', 'the picture follows');
    assert.equal(bob.$conversations.get().find((c) => c.id === id)?.name, 'After');
    assert.deepEqual(await groups.groupInfo(id.slice(6)), { id: id.slice(6), name: 'After', avatar: 'https://cdn.example.com/g.png', historyVisibility: 'since-join', memberCount: 2, role: 'owner' });
    await groups.changeGroup(id.slice(6), { kind: 'remove', userId: b });
    await until(() => bob.$conversations.get().find((c) => c.id === id)?.left === true, 'bob keeps it, marked left');
    assert.ok(bob.messages(id).get().some((m) => m.elem.type === 'system' && m.elem.event === 'member-removed'), 'with the notification');
  });

  test('a device away while removed finds the group marked left when it syncs again', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    for (const id of [a, b]) assert.equal((await ctx.srv.admin('PUT', `/v1/users/${id}`, { name: id })).ok, true);
    const alice = await connect(a);
    const storage = createMemoryStorage();
    const token = await ctx.srv.token(b);
    const first = connectClient(ctx.srv, token, { storage });
    await Promise.all([synced(alice), synced(first)]);
    const id = await (await alice.groups()).createGroup({ name: 'Team', members: [b] });
    await until(() => first.$conversations.get().some((c) => c.id === id), 'bob has it');
    await first.close();
    await (await alice.groups()).changeGroup(id.slice(6), { kind: 'remove', userId: b });
    const again = track(connectClient(ctx.srv, token, { storage }));
    await synced(again);
    await until(() => again.$conversations.get().find((c) => c.id === id)?.left === true, 'marked left after the sync');
  });
  test('marking a group read after leaving it clears it here and sends the server nothing (no NOT_MEMBER error)', async () => {
    const { alice, bob, id } = await aliceAndBobInGroup();
    await (await bob.groups()).changeGroup(id.slice(6), { kind: 'leave' });
    await until(() => bob.$conversations.get().find((c) => c.id === id)?.left === true, 'marked left');
    await alice.send(id, 'after bob left');
    const warnings = await warningsDuring(async () => {
      bob.markRead(id);
      assert.equal(bob.$conversations.get().find((c) => c.id === id)?.unread, 0);
      // A read the server refused would come back as an error frame within a round trip.
      await bob.groups();
      await new Promise((r) => setTimeout(r, 200));
    });
    assert.deepEqual(warnings.filter((w) => /NOT_MEMBER/.test(w)), []);
  });

  test('the notification that this user left marks the group left as it arrives: reading it then sends the server nothing', async () => {
    const { alice, bob, id } = await aliceAndBobInGroup();
    // What the thread does: it marks read what it shows, here as soon as the notification comes
    // (before the `conversation.removed` behind it).
    let seen = 0;
    bob.addEventListener('message', (e) => {
      const m = (e as CustomEvent<ChatMessage>).detail;
      if (m.conversationId !== id || m.elem.type !== 'system' || m.elem.event !== 'member-left') return;
      seen++;
      bob.markRead(id);
    });
    const warnings = await warningsDuring(async () => {
      await (await bob.groups()).changeGroup(id.slice(6), { kind: 'leave' });
      await until(() => seen === 1, 'the notification came');
      // A read the server refused would come back as an error frame within a round trip.
      await alice.send(id, 'after bob left');
      await until(() => alice.messages(id).get().some((m) => m.elem.type === 'text' && m.elem.text === 'after bob left' && m.status === 'sent'), 'a round trip later');
      await new Promise((r) => setTimeout(r, 200));
    });
    const group = bob.$conversations.get().find((c) => c.id === id);
    assert.deepEqual([group?.left, group?.unread], [true, 0]);
    assert.deepEqual(warnings, []);
  });
});
