/**
 * Whole product at a phone's width (375 px): the demo's narrow layout shows either the list or
 * the thread. Creating a group from the list opens it in the thread: focus must land in the
 * thread's composer, not on <body> (the New group button the dialog returned focus to is hidden
 * with the list).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { until } from './lib/browser.js';
import type { RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

let server: RunningServer;
let browser: Browser;

useBuiltProduct((s, b) => {
  server = s;
  browser = b;
});


/** The focused element, looking into shadow roots: its tag and part. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return { tag: el?.localName, part: el?.getAttribute('part') ?? '', host: (el?.getRootNode() as ShadowRoot).host?.localName ?? '' };
  });

test('at 375 px, creating a group opens its thread with focus in the composer', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 700 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${server.url}/?user=carol`);
  await page.locator('#state[data-state="online"]').waitFor();
  await page.locator('conversation-list [part~="new-group-button"]').click();
  await page.locator('group-create-dialog [part~="name-input"]').fill('Picnic');
  await page.locator('group-create-dialog [part~="search"]').fill('alice');
  await page.locator('group-create-dialog [part~="person"]').filter({ hasText: /alice/i }).first().locator('input[type="checkbox"]').check();
  await page.locator('group-create-dialog [part~="create-button"]').click();
  await until(async () => (await page.locator('h1#title').innerText()) === 'Picnic', 'the new group opens');
  assert.equal(await page.locator('#app').getAttribute('data-view'), 'thread');
  // Let any focus move that follows (the dialog's return, a render) happen first.
  await page.waitForTimeout(300);
  assert.deepEqual(await focused(page), { tag: 'textarea', part: 'input', host: 'message-composer' });
  // Typing goes to the new group.
  await page.keyboard.type('hello picnic');
  assert.equal(await page.locator('message-composer [part~="input"]').inputValue(), 'hello picnic');
  await context.close();
});
