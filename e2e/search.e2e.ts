/**
 * Whole product, SPEC §12: the built server and demo in Chromium. Alice wrote a word to bob
 * weeks of messages ago (hundreds of messages since); bob opens their chat, which holds only the
 * newest, searches the word from the thread's header, opens the result with the keyboard and
 * lands on the message, highlighted and focused. A screenshot goes to /tmp/h2-shots/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { openDemo } from './lib/demo.js';
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
