/**
 * Whole product: the built server (as `npm start` runs it) and the built demo in two Chromium
 * contexts, alice and bob. Bob goes offline, writes a message, comes back: alice gets it once.
 * What the demo page itself shows around that: why a login failed, and not once it is online; a
 * conversation link opened in a tab already showing another.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { until } from './lib/browser.js';
import { bubbles, openDemo, send } from './lib/demo.js';
import type { RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

let server: RunningServer;
let browser: Browser;

useBuiltProduct((s, b) => {
  server = s;
  browser = b;
});

const openAs = (user: string, conversation: string) => openDemo(browser, server.url, user, conversation);

test('bob writes while offline and alice receives the message exactly once when he is back', async () => {
  const alice = await openAs('alice', 'p2p:bob');
  const bob = await openAs('bob', 'p2p:alice');

  await send(alice.page, 'hello bob');
  await until(async () => (await bubbles(bob.page)).some((t) => t.includes('hello bob')), 'bob to see hello bob');

  await bob.context.setOffline(true);
  await until(async () => (await bob.page.locator('#state').getAttribute('data-state')) !== 'online', 'bob to notice he is offline');
  await send(bob.page, 'sent while offline');
  // The message is in bob's thread at once, not yet confirmed.
  await until(async () => (await bubbles(bob.page)).some((t) => t.includes('sent while offline')), 'bob to see his pending message');
  assert.equal((await bubbles(alice.page)).filter((t) => t.includes('sent while offline')).length, 0);

  await bob.context.setOffline(false);
  await until(
    async () => (await bubbles(alice.page)).filter((t) => t.includes('sent while offline')).length === 1,
    'alice to receive the offline message',
    20_000,
  );
  // Exactly once: the server holds one copy, and alice's thread shows one after bob's client settled.
  await until(async () => (await bob.page.locator('chat-thread [part~="message"][part~="sent"], chat-thread [part~="message"][part~="read"]').count()) >= 2, 'bob to see his message confirmed');
  const res = await fetch(`${server.url}/v1/users/alice/conversations/p2p:bob/messages?limit=50`, {
    headers: { authorization: `Bearer ${server.adminKey}` },
  });
  const body = (await res.json()) as { messages: { elem: { text?: string } }[] };
  assert.equal(body.messages.filter((m) => m.elem.text === 'sent while offline').length, 1);
  assert.equal((await bubbles(alice.page)).filter((t) => t.includes('sent while offline')).length, 1);

  await alice.context.close();
  await bob.context.close();
});

test('a fresh device (new browser profile) shows the history of a conversation it never saw', async () => {
  const device = await openAs('alice', 'p2p:bob');
  await until(async () => {
    const texts = await bubbles(device.page);
    return texts.some((t) => t.includes('hello bob')) && texts.some((t) => t.includes('sent while offline'));
  }, 'the earlier messages to load on the new device');
  await device.context.close();
});

test('a reload while the chat server is unreachable says why the login failed, and stops saying it once back online', async () => {
  const alice = await openAs('alice', 'p2p:bob');
  let reachable = false;
  await alice.context.route('**/v1/dev/token*', (route) => (reachable ? route.fallback() : route.abort('internetdisconnected')));
  await alice.context.routeWebSocket(/\/ws$/, (ws) => (reachable ? void ws.connectToServer() : ws.close({ code: 1006 })));
  await alice.page.reload();
  const problem = alice.page.locator('#problem');
  await problem.waitFor();
  assert.match(await problem.innerText(), /Could not log in as "alice"/);

  reachable = true;
  await alice.context.setOffline(true); // the browser's `online` event makes the client reconnect at once
  await alice.context.setOffline(false);
  await alice.page.locator('#state[data-state="online"]').waitFor();
  // It sat over the composer (fixed at the bottom) for good.
  await problem.waitFor({ state: 'hidden' });
  await alice.context.close();
});

test('a conversation link pasted into a demo tab showing another (only the hash changes) opens that conversation', async () => {
  const alice = await openAs('alice', 'p2p:bob');
  await alice.page.evaluate(() => (location.hash = '#group:demo'));
  await until(async () => (await alice.page.locator('h1#title').innerText()) === 'Demo group', 'the group to open');
  assert.equal(await alice.page.locator('#group-info').isVisible(), true);
  await alice.context.close();
});
