/**
 * Whole product, SPEC §12: the built server and demo in Chromium. Alice wrote a word to bob
 * weeks of messages ago (hundreds of messages since); bob opens their chat, which holds only the
 * newest, searches the word from the thread's header, opens the result with the keyboard and
 * lands on the message, highlighted and focused. A screenshot goes to /tmp/h2-shots/.
 * Then, without a word: alice sends pictures to bob and to a group they share; bob, from the
 * conversation list, picks "From: Alice" and "Type: Pictures" and sees both as thumbnails, opens one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { until } from './lib/browser.js';
import { openDemo, openDemoTab, send } from './lib/demo.js';
import { makePng } from './lib/png.js';
import { adminRequest, type RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

let server: RunningServer;
let browser: Browser;

useBuiltProduct((s, b) => {
  server = s;
  browser = b;
});

test('bob finds a word alice wrote hundreds of messages ago, opens it, and lands on it highlighted', async () => {
  await adminRequest(server, 'PUT', '/v1/users/alice', { name: 'Alice' });
  await adminRequest(server, 'PUT', '/v1/users/bob', { name: 'Bob' });
  const say = (from: string, to: string, text: string) => adminRequest<{ id: string }>(server, 'POST', '/v1/messages', { from, to, elem: { type: 'text', text } });
  const needle = await say('alice', 'bob', 'The axolotl tank needs cleaning before the 斑马 arrives');
  for (let i = 0; i < 400; i++) await say(i % 3 ? 'alice' : 'bob', i % 3 ? 'bob' : 'alice', `day ${i}: nothing much`);

  const bob = await openDemo(browser, server.url, 'bob', 'p2p:alice');
  const thread = bob.page.locator('chat-thread');
  await thread.locator('[part~="bubble"]').filter({ hasText: 'day 399' }).waitFor();
  assert.equal(await thread.locator('[part~="bubble"]').filter({ hasText: 'axolotl' }).count(), 0, 'not loaded yet');

  await thread.locator('[part~="search-button"]').click();
  const input = thread.locator('chat-search [part~="input"]');
  await input.waitFor();
  await input.pressSequentially('axolotl');
  await input.press('Enter');
  const result = thread.locator('chat-search [part~="result"]');
  await result.filter({ hasText: 'axolotl' }).waitFor();
  assert.equal(await result.count(), 1);
  assert.equal((await result.locator('[part~="result-sender"]').innerText()).trim(), 'Alice');
  assert.equal((await result.locator('[part~="match"]').innerText()).trim(), 'axolotl');

  await input.press('ArrowDown');
  await input.press('Enter');
  const landed = thread.locator(`[data-row][data-highlight]`).filter({ hasText: 'axolotl' });
  await landed.waitFor();
  assert.ok(await landed.locator('[part~="bubble"]').isVisible(), 'on screen');
  const focusedText = await bob.page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.closest('[data-row]')?.textContent ?? '';
  });
  assert.match(focusedText, /axolotl/, 'the message has focus');

  // The same search over REST, as the admin: bob's view.
  const rest = await adminRequest<{ results: { message: { id: string } }[] }>(server, 'GET', `/v1/users/bob/search?q=${encodeURIComponent('斑马')}`);
  assert.deepEqual(rest.results.map((r) => r.message.id), [needle.id]);

  mkdirSync('/tmp/h2-shots', { recursive: true });
  await bob.page.screenshot({ path: '/tmp/h2-shots/search-landed.png' });
  await bob.context.close();
});

test('bob finds all of alice\'s pictures, in their chat and in a group, without typing a word, and opens one', async () => {
  await adminRequest(server, 'PUT', '/v1/users/alice', { name: 'Alice' });
  await adminRequest(server, 'PUT', '/v1/users/bob', { name: 'Bob' });
  await adminRequest(server, 'POST', '/v1/groups', { id: 'trip', name: 'Trip', members: ['alice', 'bob'] });
  const alice = await openDemo(browser, server.url, 'alice', 'p2p:bob');
  const upload = async (page: typeof alice.page, name: string, shade: number) =>
    page.locator('message-composer [part~="file-input"]').setInputFiles({ name, mimeType: 'image/png', buffer: makePng(40, 30, (x, y) => [shade, x * 6, y * 8]) });
  await upload(alice.page, 'beach.png', 200);
  await send(alice.page, 'the hotel: www.example.org');
  const inGroup = await openDemoTab(alice.context, server.url, 'alice', 'group:trip');
  await upload(inGroup, 'summit.png', 90);
  // Both stored (the admin's view of bob's search, without words: REST takes the filters alone).
  const pictures = async () => (await adminRequest<{ results: { message: { conversationId: string } }[] }>(server, 'GET', '/v1/users/bob/search?from=alice&kind=image')).results;
  await until(async () => (await pictures()).length >= 2, 'both pictures stored');
  assert.deepEqual((await pictures()).map((r) => r.message.conversationId), ['group:trip', 'p2p:alice']);

  const bob = await openDemo(browser, server.url, 'bob', 'p2p:alice');
  const list = bob.page.locator('conversation-list');
  await list.locator('[part~="search-button"]').click();
  const search = list.locator('chat-search');
  await search.locator('[part~="input"]').waitFor();
  await search.locator('[part~="filters-button"]').click();
  await search.locator('[part~="filter-from"]').selectOption('alice');
  await search.locator('[part~="filter-kind"]').selectOption('image');
  const thumbs = search.locator('[part~="result-thumbnail"]');
  await thumbs.nth(1).waitFor();
  assert.equal(await thumbs.count(), 2);
  // The group's result names its group; the 1:1 one names alice once, as its sender (not "Alice  Alice").
  assert.deepEqual(await search.locator('[part~="result-sender"]').allInnerTexts(), ['Alice', 'Alice']);
  assert.deepEqual(await search.locator('[part~="result-conversation"]').allInnerTexts(), ['Trip']);
  assert.equal((await search.locator('[part~="status"]').innerText()).trim(), '2 found');
  // Each thumbnail loaded (the file's ticket fetched for it): a picture, not a broken image.
  for (let i = 0; i < 2; i++) await thumbs.nth(i).evaluate((img: HTMLImageElement) => img.decode());

  const input = search.locator('[part~="input"]');
  await input.focus();
  await input.press('ArrowDown');
  await input.press('Enter');
  const thread = bob.page.locator('chat-thread');
  await thread.locator('[data-row][data-highlight]').filter({ has: bob.page.locator('[part~="image"]') }).waitFor();
  assert.equal(await thread.evaluate((el: Element & { conversation?: string }) => el.conversation), 'group:trip');
  mkdirSync('/tmp/h2-shots', { recursive: true });
  await bob.page.screenshot({ path: '/tmp/h2-shots/search-pictures.png' });
  await bob.context.close();
  await alice.context.close();
});
