/**
 * Whole product, SPEC §9: the built server and demo in Chromium, alice and bob in two pages. Bob
 * replies to alice's message, alice reacts to the reply, bob edits it, alice recalls her original
 * (bob's quote then says it was recalled), bob pins a message; a third page opened afterwards (a
 * fresh device of alice) shows the same final state. Screenshots, light and dark, go to
 * /tmp/h12-shots/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { until } from './lib/browser.js';
import { openDemo, send } from './lib/demo.js';
import type { RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

let server: RunningServer;
let browser: Browser;

useBuiltProduct((s, b) => {
  server = s;
  browser = b;
});

const SHOTS = '/tmp/h12-shots';

/** The row of the message whose bubble contains `text`. */
const row = (page: Page, text: string) => page.locator('chat-thread [part~="message"]').filter({ hasText: text });

/** Opens the menu of the message holding `text` and picks the item with part `item` (the first of them). */
async function pick(page: Page, text: string, item: string): Promise<void> {
  await row(page, text).first().locator('[part~="actions-button"]').click();
  await page.locator(`chat-thread [part~="menu"] [part~="${item}"]`).first().click();
}

/** What a page shows of the changes: quote, reaction chips, edited texts, recall lines, pinned bar. */
async function state(page: Page) {
  const t = page.locator('chat-thread');
  return {
    quote: (await t.locator('[part~="reply-quote-excerpt"]').allInnerTexts()).map((s) => s.trim()),
    reactions: (await t.locator('[part~="reaction"]').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()),
    edited: await t.locator('[part~="edited"]').count(),
    recalled: await t.locator('[part~="message"][part~="recalled"]').count(),
    bubbles: (await t.locator('[part~="message"]:not([part~="recalled"]) [part~="bubble"]').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()),
    pinned: (await t.locator('[part~="pinned-excerpt"]').allInnerTexts()).map((s) => s.trim()),
  };
}

test('alice and bob reply, react, edit, recall and pin; a third page shows the same', async () => {
  const alice = await openDemo(browser, server.url, 'alice', 'p2p:bob');
  const bob = await openDemo(browser, server.url, 'bob', 'p2p:alice');

  await send(alice.page, 'Lunch on Friday?');
  await row(bob.page, 'Lunch on Friday?').first().waitFor();

  // Bob replies from the menu; the composer quotes, Enter sends.
  await pick(bob.page, 'Lunch on Friday?', 'reply');
  await bob.page.locator('message-composer [part~="reply-preview"]').waitFor();
  await send(bob.page, 'Sure, at noon?');
  await alice.page.locator('chat-thread [part~="reply-quote"]').filter({ hasText: 'Lunch on Friday?' }).waitFor();

  // Alice reacts 👍 to the reply.
  await pick(alice.page, 'Sure, at noon?', 'react');
  await bob.page.locator('chat-thread [part~="reaction"]').filter({ hasText: '👍' }).waitFor();

  // Bob edits his reply.
  await pick(bob.page, 'Sure, at noon?', 'edit');
  const input = bob.page.locator('message-composer [part~="input"]');
  await until(async () => (await input.inputValue()) === 'Sure, at noon?', 'the reply in bob’s composer');
  await input.fill('Sure, at 12:30?');
  await input.press('Enter');
  await row(alice.page, 'Sure, at 12:30?').locator('[part~="edited"]').waitFor();

  // Alice recalls her original: bob's quote says it was recalled.
  await pick(alice.page, 'Lunch on Friday?', 'recall');
  await bob.page.locator('chat-thread [part~="reply-quote-excerpt"]').filter({ hasText: 'Message recalled' }).waitFor();
  await bob.page.locator('chat-thread [part~="message"][part~="recalled"]').filter({ hasText: 'Alice recalled a message' }).waitFor();
  await alice.page.locator('chat-thread [part~="message"][part~="recalled"]').filter({ hasText: 'You recalled a message' }).waitFor();

  // Bob pins his reply.
  await pick(bob.page, 'Sure, at 12:30?', 'pin');
  await alice.page.locator('chat-thread [part~="pinned-bar"]').filter({ hasText: 'Sure, at 12:30?' }).waitFor();

  const expected = {
    quote: ['Message recalled'],
    reactions: ['👍 1'],
    edited: 1,
    recalled: 1,
    bubbles: ['Alice Message recalled Sure, at 12:30?'],
    pinned: ['Sure, at 12:30?'],
  };
  await until(async () => JSON.stringify(await state(bob.page)) === JSON.stringify(expected), 'bob’s final state').catch(async (e: unknown) => {
    console.log('bob shows', JSON.stringify(await state(bob.page)));
    throw e;
  });
  assert.deepEqual(await state(bob.page), expected);
  // Alice reads the quote of her own message as "You", as the pinned bar names one's own.
  expected.bubbles = ['You Message recalled Sure, at 12:30?'];
  await until(async () => JSON.stringify(await state(alice.page)) === JSON.stringify(expected), 'alice’s final state').catch(async (e: unknown) => {
    console.log('alice shows', JSON.stringify(await state(alice.page)));
    throw e;
  });

  // A third page, opened afterwards on a fresh device of alice, shows the same.
  const third = await openDemo(browser, server.url, 'alice', 'p2p:bob');
  await until(async () => JSON.stringify(await state(third.page)) === JSON.stringify(expected), 'the third page’s state').catch(async (e: unknown) => {
    console.log('the third page shows', JSON.stringify(await state(third.page)));
    throw e;
  });
  assert.deepEqual(await state(third.page), expected);
  assert.equal(await row(third.page, 'Sure, at 12:30?').locator('[part~="reaction"][aria-pressed="true"]').count(), 1, 'alice’s own reaction is pressed on her new device');

  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ['light', 'dark'] as const) {
    await bob.page.locator('#theme').selectOption(theme);
    await bob.page.waitForTimeout(300); // screenshots only: let the theme's colours settle
    await bob.page.locator('.conversation').screenshot({ path: `${SHOTS}/changes-${theme}.png` });
  }

  await alice.context.close();
  await bob.context.close();
  await third.context.close();
});
