/**
 * Whole product, SPEC §13 (issue 21's acceptance for groups): the built server and demo in
 * Chromium, carol, alice and bob in three pages. Carol creates a group with alice and bob from
 * the conversation list, renames it and makes alice an admin in the group panel; alice removes
 * bob from hers; bob sees that he was removed (the notification, the group marked left, no
 * composer) and never receives what is sent afterwards, not even after a reload. Carol blocks bob
 * from his profile card, opened from his name in her group panel. Screenshots of
 * the group panel and the create dialog, light and dark, go to /tmp/h7-shots/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { until } from './lib/browser.js';
import { bubbles, openDemo, plain, send } from './lib/demo.js';
import type { RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

let server: RunningServer;
let browser: Browser;

useBuiltProduct((s, b) => {
  server = s;
  browser = b;
});

const SHOTS = '/tmp/h7-shots';

/** The open thread's centred notifications. */
const notices = async (page: Page) => (await page.locator('chat-thread [part~="system"]').allInnerTexts()).map(plain);

/** Picks `userId` in the create dialog by typing the id in its search. */
async function pickPerson(page: Page, userId: string): Promise<void> {
  const search = page.locator('group-create-dialog [part~="search"]');
  await search.fill(userId);
  const row = page.locator('group-create-dialog [part~="person"]').filter({ hasText: new RegExp(userId, 'i') }).first();
  await row.locator('input[type="checkbox"]').check();
}

/** Opens the group panel of the open thread. */
async function openPanel(page: Page): Promise<void> {
  await page.locator('#group-info').click();
  await page.locator('group-panel [part~="dialog"]').waitFor();
  await page.locator('group-panel [part~="member"]').first().waitFor();
}

/** The member row of `name` in the open group panel. */
const member = (page: Page, name: string) => page.locator('group-panel [part~="member"]').filter({ hasText: name });

test('carol creates a group with alice and bob, renames it, makes alice admin, blocks bob from his card; alice removes bob, who sees it and reads nothing after', async () => {
  const carol = await openDemo(browser, server.url, 'carol', 'group:demo');
  const alice = await openDemo(browser, server.url, 'alice', 'group:demo');
  const bob = await openDemo(browser, server.url, 'bob', 'group:demo');

  // Carol creates the group from the conversation list.
  await carol.page.locator('conversation-list [part~="new-group-button"]').click();
  await carol.page.locator('group-create-dialog [part~="name-input"]').fill('Weekend trip');
  await pickPerson(carol.page, 'alice');
  await pickPerson(carol.page, 'bob');
  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ['dark', 'light'] as const) {
    await carol.page.locator('#theme').evaluate((select: HTMLSelectElement, t) => {
      select.value = t;
      select.dispatchEvent(new Event('change'));
    }, theme);
    await carol.page.waitForTimeout(300); // screenshots only: let the theme's colours settle
    await carol.page.locator('group-create-dialog [part~="dialog"]').screenshot({ path: `${SHOTS}/group-create-${theme}.png` });
  }
  await carol.page.locator('group-create-dialog [part~="create-button"]').click();
  await until(async () => (await carol.page.locator('h1#title').innerText()) === 'Weekend trip', 'carol’s demo opens the new group');
  const groupId = decodeURIComponent(await carol.page.evaluate(() => location.hash.slice(1)));
  assert.match(groupId, /^group:g-/);

  // Alice and bob have it, with the notification in their language's words.
  for (const page of [alice.page, bob.page]) {
    await page.locator('conversation-list [part~="item"]').filter({ hasText: 'Weekend trip' }).click();
    await until(async () => (await notices(page)).some((t) => t.includes('Carol created the group "Weekend trip".')), 'the created notification');
  }

  // Carol renames it and makes alice an admin in the group panel.
  await openPanel(carol.page);
  await carol.page.locator('group-panel [part~="name-input"]').fill('Weekend in the hills');
  await carol.page.locator('group-panel [part~="save-button"]').click();
  await member(carol.page, 'Alice').locator('[part~="promote-button"]').click();
  await until(async () => (await member(carol.page, 'Alice').innerText()).includes('Admin'), 'alice shown as admin');
  for (const theme of ['light', 'dark'] as const) {
    await carol.page.locator('#theme').selectOption(theme);
    await carol.page.waitForTimeout(300); // screenshots only: let the theme's colours settle
    await carol.page.locator('group-panel [part~="dialog"]').screenshot({ path: `${SHOTS}/group-panel-owner-${theme}.png` });
  }
  // Carol blocks bob from his profile card (opened from his name in the member list).
  await member(carol.page, 'Bob').locator('[part~="member-name"]').click();
  const card = carol.page.locator('profile-card [part~="dialog"]');
  await card.waitFor();
  await card.locator('[part~="block-button"]').click();
  await card.locator('[part~="block-button"][part~="blocked"]').waitFor();
  await until(async () => (await carol.page.evaluate(() => (window as unknown as { natterDemo: { client: { $blocked: { get(): string[] } } } }).natterDemo.client.$blocked.get())).includes('bob'), 'carol’s blocklist holds bob');
  for (const theme of ['light', 'dark'] as const) {
    await carol.page.locator('#theme').selectOption(theme);
    await carol.page.waitForTimeout(300); // screenshots only
    await card.screenshot({ path: `${SHOTS}/profile-card-${theme}.png` });
  }
  await carol.page.locator('#theme').selectOption('light');
  await card.locator('[part~="close-button"]').click();
  await carol.page.locator('group-panel > [part~="close-button"], group-panel [part~="dialog"] [part~="close-button"]').first().click();
  await until(async () => (await alice.page.locator('h1#title').innerText()) === 'Weekend in the hills', 'alice’s title follows the rename');
  await until(async () => (await notices(alice.page)).some((t) => t.includes('You are now an admin.')), 'alice told she is an admin');

  // Alice, now an admin, removes bob.
  await openPanel(alice.page);
  assert.equal(await member(alice.page, 'Carol').locator('[part~="remove-button"]').count(), 0, 'an admin cannot remove the owner');
  await member(alice.page, 'Bob').locator('[part~="remove-button"]').click();
  await until(async () => (await alice.page.locator('group-panel [part~="member"]').count()) === 2, 'bob gone from alice’s panel');
  await alice.page.locator('group-panel [part~="dialog"]').screenshot({ path: `${SHOTS}/group-panel-admin-light.png` });
  await alice.page.locator('group-panel [part~="close-button"]').click();

  // Bob sees he was removed: the notification, the group marked left, no composer.
  await until(async () => (await notices(bob.page)).some((t) => t.includes('Alice removed you from the group.')), 'bob sees he was removed');
  await bob.page.locator('#left-notice:not([hidden])').waitFor();
  assert.equal(await bob.page.locator('#composer').isVisible(), false);
  assert.equal(await bob.page.locator('#group-info').isVisible(), false);
  await bob.page.locator('conversation-list [part~="item"]').filter({ hasText: '(left)' }).waitFor();

  // What carol sends now reaches alice, never bob (not live, not after a reload).
  await send(carol.page, 'Bob is not here any more');
  await until(async () => (await bubbles(alice.page)).some((t) => t.includes('Bob is not here any more')), 'alice receives it');
  await bob.page.waitForTimeout(500); // a message that must not come: give it the time it took alice
  assert.ok(!(await bubbles(bob.page)).some((t) => t.includes('Bob is not here any more')), 'bob does not receive it');
  await bob.page.reload();
  await bob.page.locator('#state[data-state="online"]').waitFor();
  await bob.page.locator('#left-notice:not([hidden])').waitFor();
  assert.ok(!(await bubbles(bob.page)).some((t) => t.includes('Bob is not here any more')), 'nor after a reload');
  await bob.page.locator('.conversation').screenshot({ path: `${SHOTS}/bob-removed-light.png` });

  // Carol's contacts: the people she can chat with, and bob on her blocklist.
  await carol.page.locator('conversation-list [part~="contacts-button"]').click();
  const contacts = carol.page.locator('contacts-view [part~="dialog"]');
  await contacts.locator('[part~="blocked-user"]').filter({ hasText: 'Bob' }).waitFor();
  for (const theme of ['light', 'dark'] as const) {
    await carol.page.locator('#theme').selectOption(theme);
    await carol.page.waitForTimeout(300); // screenshots only
    await contacts.screenshot({ path: `${SHOTS}/contacts-${theme}.png` });
  }

  for (const o of [carol, alice, bob]) await o.context.close();
});
