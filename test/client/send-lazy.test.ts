/**
 * The client imports its send path (`src/client/send-actions.ts`) the first time it is needed.
 * This file runs in a process of its own, so its first send is the one that loads it: sends
 * issued back to back before that keep their order, and a send the protocol refuses is still
 * refused before anything goes out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { received, until, useTestServer } from './real-server.js';

const ctx = useTestServer();

test('sends issued at once, before the send code is loaded, are queued and delivered in call order', async () => {
  const [a, b] = [ctx.uid('alice'), ctx.uid('bob')];
  const bob = await ctx.connect(b);
  const inbox = received(bob);
  const alice = await ctx.connect(a);
  // No await in between: every call is made before the first one's import settles.
  const texts = ['one', 'two', 'three', 'four', 'five'];
  const sends = texts.map((text) => alice.send(`p2p:${b}`, text));
  const sent = await Promise.all(sends);
  assert.deepEqual(sent.map((m) => m.status), texts.map(() => 'sent'));
  assert.deepEqual(sent.map((m) => m.seq), [1, 2, 3, 4, 5]);
  await until(() => inbox.length === texts.length, 'bob receives all five');
  assert.deepEqual(inbox.map((m) => (m.elem.type === 'text' ? m.elem.text : m.elem.type)), texts);
});

test('a send the protocol refuses enters the thread already failed, with its reason', async () => {
  const [a, b] = [ctx.uid('alice'), ctx.uid('bob')];
  const alice = await ctx.connect(a);
  await assert.rejects(alice.send(`p2p:${b}`, { type: 'text', text: 'x'.repeat(9 * 1024) }), (error: Error) => error.name === 'MESSAGE_TOO_LARGE');
  const [failed] = alice.messages(`p2p:${b}`).get();
  assert.equal(failed?.status, 'failed');
});
