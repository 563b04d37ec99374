/**
 * Whole product, SPEC §11: the built server with a before-send hook (a small HTTP server here)
 * that rejects any text about a shop with its reason, in English. Alice uses the demo in Arabic
 * (right to left): her rejected send shows the site's reason as given, read left to right (its
 * full stop at its end), and so does the forward dialog when she forwards a message about a
 * shop to a group (the site's reason, not the generic "could not be sent"). An edit goes through
 * the hook as a send does: Alice's "Plain text" edited to a text about a shop is refused with the
 * site's reason under it (left to right), and Bob, after a reload, still reads "Plain text".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import { until } from './lib/browser.js';
import { DEMO_VIEWPORT, send } from './lib/demo.js';
import { adminRequest, type RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

const REASON = 'No links to other shops.';

const hook = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const { data } = JSON.parse(body) as { data: { message: { elem: { text?: string } } } };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(/shop/i.test(data.message.elem.text ?? '') ? { action: 'reject', reason: REASON } : { action: 'allow' }));
  });
});
await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));

let server: RunningServer;
let browser: Browser;

useBuiltProduct(
  (s, b) => {
    server = s;
    browser = b;
  },
  { NATTER_BEFORE_SEND_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, NATTER_BEFORE_SEND_SECRET: 'e2e-before-send-0123456789' },
);

test.after(() => hook.close());

/** The demo in Arabic as `user` on `conversation`, once online. */
async function openArabic(user: string, conversation: string): Promise<Page> {
  const context = await browser.newContext({ viewport: DEMO_VIEWPORT });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${user}] page error:`, e));
  await page.goto(`${server.url}/?user=${user}&lang=ar#${conversation}`);
  await page.locator('#state[data-state="online"]').waitFor();
  return page;
}

/** Whether the text in `el` reads left to right on screen: its last character right of its first. */
const readsLeftToRight = (el: Locator) =>
  el.evaluate((node) => {
    const text = [...node.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && (n as Text).data.trim() !== '') as Text;
    // (No named inner function: the test runner's transform would wrap it in a helper the page lacks.)
    const [first, last] = [0, text.data.length - 1].map((i) => {
      const range = document.createRange();
      range.setStart(text, i);
      range.setEnd(text, i + 1);
      return range.getBoundingClientRect().left;
    });
    return last! > first!;
  });

test('in Arabic, a send and a forward the site rejects show its English reason as given, left to right', async () => {
  const alice = await openArabic('alice', 'p2p:bob');
  assert.equal(await alice.evaluate(() => getComputedStyle(document.querySelector('chat-thread')!).direction), 'rtl');

  await send(alice, 'Visit my shop');
  const error = alice.locator('chat-thread [part~="message"]').filter({ hasText: 'Visit my shop' }).locator('[part~="error"]');
  await error.waitFor();
  // The failure's line is there at once; what it says comes with the sentences (thread/failure.ts, errorLine).
  await until(async () => (await error.innerText()) === REASON, 'the site’s reason');
  assert.equal(await readsLeftToRight(error), true, 'the reason’s full stop ends it, on the right');

  await adminRequest(server, 'POST', '/v1/messages', { from: 'bob', to: 'alice', elem: { type: 'text', text: 'bob’s shop link' } });
  const bobs = alice.locator('chat-thread [part~="message"]').filter({ hasText: 'bob’s shop link' });
  await bobs.locator('[part~="actions-button"]').click();
  await alice.locator('chat-thread [part~="menu-item"][part~="forward"]').click();
  await alice.locator('chat-thread forward-dialog [part~="search"]').fill('Demo');
  await alice.locator('chat-thread forward-dialog [part~="target"]').filter({ hasText: 'Demo group' }).first().locator('input').check();
  await alice.locator('chat-thread forward-dialog [part~="confirm-button"]').click();
  const failed = alice.locator('chat-thread forward-dialog [part~="result"][part~="failed"] [part~="error"]');
  await failed.waitFor();
  assert.equal(await failed.innerText(), REASON, 'the site’s reason, not the generic sentence');
  assert.equal(await readsLeftToRight(failed), true);
  await alice.context().close();
});

test('in Arabic, an edit the site rejects shows its reason under the message, left to right, and changes nothing for anyone', async () => {
  const alice = await openArabic('alice', 'p2p:bob');
  const bob = await openArabic('bob', 'p2p:alice');
  const row = (page: Page, text: string) => page.locator('chat-thread [part~="message"]').filter({ hasText: text });
  await send(alice, 'Plain text');
  await row(bob, 'Plain text').waitFor();

  await row(alice, 'Plain text').locator('[part~="actions-button"]').click();
  await alice.locator('chat-thread [part~="menu"] [part~="edit"]').click();
  const input = alice.locator('message-composer [part~="input"]');
  await until(async () => (await input.inputValue()) === 'Plain text', 'the text in alice’s composer');
  await input.fill('Plain text, and my shop');
  await input.press('Enter');
  const failure = row(alice, 'Plain text').locator('[part~="change-failure"]');
  const error = failure.locator('[part~="error"]');
  await error.waitFor();
  await until(async () => (await error.innerText()) === REASON, 'the site’s reason, not a generic sentence');
  assert.equal(await readsLeftToRight(error), true, 'the reason’s full stop ends it, on the right');
  // What she can do: write it again, or drop the edit.
  await failure.locator('[part~="change-edit-button"]').waitFor();
  await failure.locator('[part~="change-discard-button"]').waitFor();
  assert.equal(await row(alice, 'and my shop').count(), 0, 'her message shows its old text');

  await bob.reload();
  await bob.locator('#state[data-state="online"]').waitFor();
  await row(bob, 'Plain text').waitFor();
  assert.equal(await row(bob, 'and my shop').count(), 0, 'bob never gets the rejected text');
  assert.equal(await row(bob, 'Plain text').locator('[part~="edited"]').count(), 0, 'nor an "edited" mark');
  await alice.context().close();
  await bob.context().close();
});
