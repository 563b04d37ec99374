/**
 * Whole product: the demo page opened with `?lang=` speaks that language throughout, its own
 * header, sidebar and notices as well as the elements (which follow the page's `lang`), in each
 * of the elements' ten languages; without `?lang=` it stays English.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { DEMO_STRINGS } from '../demo/strings.js';
import { targetLocales } from '../src/elements/i18n/locale-codes.js';
import type { Locale } from '../src/elements/i18n/locale.js';
import { DEMO_VIEWPORT } from './lib/demo.js';
import type { RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

let server: RunningServer;
let browser: Browser;

useBuiltProduct((s, b) => {
  server = s;
  browser = b;
});

/** What the demo's own chrome says, as a person (and a screen reader) meets it. */
async function chrome(page: import('playwright-core').Page) {
  return page.evaluate(() => ({
    title: document.title,
    state: document.querySelector('#state-text')!.textContent,
    signedIn: document.querySelector('[data-t="signedInAs"]')?.textContent,
    openAs: document.querySelector('.switch')!.getAttribute('aria-label'),
    themes: [...document.querySelectorAll('#theme option')].map((o) => o.textContent),
    sidebar: document.querySelector('.sidebar')!.getAttribute('aria-label'),
    peer: (document.querySelector('#peer') as HTMLInputElement).placeholder,
    chat: document.querySelector('#new-chat button')!.textContent,
    heading: document.querySelector('#title')!.textContent,
    back: document.querySelector('#back')!.getAttribute('aria-label'),
    empty: document.querySelector('#empty')!.textContent,
  }));
}

test('?lang= localises the demo page itself, in every language the elements speak, as the elements', async () => {
  const context = await browser.newContext({ viewport: DEMO_VIEWPORT });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  for (const lang of ['en', ...targetLocales] as Locale[]) {
    await page.goto(`${server.url}/?user=ida${lang === 'en' ? '' : `&lang=${lang}`}`);
    await page.locator('#state[data-state="online"]').waitFor();
    const t = DEMO_STRINGS[lang];
    assert.deepEqual(await chrome(page), {
      title: `ida · ${t.title}`,
      state: t.online,
      signedIn: t.signedInAs,
      openAs: t.switchLabel,
      themes: [t.auto, t.light, t.dark],
      sidebar: t.conversations,
      peer: t.peerPlaceholder,
      chat: t.chat,
      heading: t.pick,
      back: t.back,
      empty: t.empty.replace('{bob}', 'bob'),
    }, lang);
    // The elements speak the same language: the list's search button is theirs, not the page's.
    const button = page.locator('conversation-list [part~="search-button"]');
    const search = (await button.getAttribute('aria-label')) ?? (await button.innerText());
    if (lang === 'en') assert.match(search, /Search/);
    else assert.doesNotMatch(search, /Search/, `${lang}: the elements follow ?lang= too`);
  }
  await context.close();
});
