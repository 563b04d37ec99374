/**
 * Whole product at a phone's width (375 px): the demo's narrow layout shows either the list or
 * the thread. Creating a group from the list opens it in the thread: focus must land in the
 * thread's composer, not on <body> (the New group button the dialog returned focus to is hidden
 * with the list). A long peer id as the thread's title, at 320 px in either direction: cut
 * with an ellipsis at its end (its start shows, on the Arabic page too), beside the back button
 * and before the search button, overlapping neither.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { until } from './lib/browser.js';
import { adminRequest, type RunningServer } from './lib/server.js';
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
  // Let any focus move that follows (the dialog's return, a render) happen first; then the composer
  // holds it (waited for: on a loaded machine the render that moves it there can come later).
  await page.waitForTimeout(300);
  const composer = JSON.stringify({ tag: 'textarea', part: 'input', host: 'message-composer' });
  await until(async () => JSON.stringify(await focused(page)) === composer, 'the focus in the composer').catch(async (e: unknown) => {
    throw new Error(`${String(e)}: ${JSON.stringify(await focused(page))}`);
  });
  // Typing goes to the new group.
  await page.keyboard.type('hello picnic');
  assert.equal(await page.locator('message-composer [part~="input"]').inputValue(), 'hello picnic');
  await context.close();
});

test('at 320 px, a long title is cut with an ellipsis and leaves the back and search buttons clear, LTR and RTL', async () => {
  const peer = `maximiliana_van_der_westhuizen_${'long'.repeat(5)}`;
  for (const lang of ['en', 'ar']) {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`${server.url}/?user=frank&lang=${lang}#p2p:${peer}`);
    await page.locator('#state[data-state="online"]').waitFor();
    await until(async () => (await page.locator('h1#title').innerText()) === peer, 'the thread opens under its title');
    // No named functions inside evaluate(): tsx's __name helper does not exist in the page.
    const { boxes, cut, firstShown } = await page.evaluate(() => {
      const heading = document.querySelector('h1#title')!;
      const els = [document.querySelector('#back')!, heading, document.querySelector('chat-thread')!.shadowRoot!.querySelector('[part~="search-button"]')!];
      // Where the name's first letter is drawn: inside the heading's box when the cut is at its end.
      const range = document.createRange();
      range.setStart(heading.firstChild!, 0);
      range.setEnd(heading.firstChild!, 1);
      const [first, box] = [range.getBoundingClientRect(), heading.getBoundingClientRect()];
      return {
        boxes: els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect),
        cut: heading.scrollWidth > heading.clientWidth && getComputedStyle(heading).textOverflow === 'ellipsis',
        firstShown: first.left >= box.left - 0.5 && first.right <= box.right + 0.5,
      };
    });
    const [back, title, search] = boxes as [DOMRect, DOMRect, DOMRect];
    const where = `${lang} 320px`;
    assert.ok(cut, `${where}: the title is cut with an ellipsis`);
    assert.ok(firstShown, `${where}: the title is cut at its end: its first letter shows`);
    const apart = (a: DOMRect, b: DOMRect) => Math.min(a.right, b.right) - Math.max(a.left, b.left) <= 0.5 || Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) <= 0.5;
    assert.ok(apart(title, back), `${where}: title clear of the back button`);
    assert.ok(apart(title, search), `${where}: title clear of the search button`);
    for (const [name, b] of Object.entries({ back, title, search })) {
      assert.ok(b.left >= -0.5 && b.right <= 320.5, `${where}: ${name} on screen (${b.left}…${b.right})`);
    }
    const middle = (r: DOMRect) => (r.top + r.bottom) / 2;
    assert.ok(Math.abs(middle(search) - middle(title)) < 4, `${where}: search beside the title, on its row`);
    await context.close();
  }
});

test('at 360 px, a group\'s Group info button stays on one line beside a long title, LTR and RTL', async () => {
  await adminRequest(server, 'PUT', '/v1/users/gina', { name: 'Gina' });
  await adminRequest(server, 'POST', '/v1/groups', { id: 'neighbours', name: 'Neighbours of the old mill street', owner: 'gina', members: [] });
  for (const lang of ['en', 'ar']) {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`${server.url}/?user=gina&lang=${lang}#group:neighbours`);
    await page.locator('#state[data-state="online"]').waitFor();
    await page.locator('#group-info:not([hidden])').waitFor();
    // Its words on lines of their own: one client rect per line of the label.
    const lines = await page.locator('#group-info').evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    assert.equal(lines, 1, `${lang}: "Group info" on one line (it wrapped to two, making the header taller)`);
    await context.close();
  }
});
