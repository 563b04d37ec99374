/**
 * Driving the built demo page in Chromium: open it as a user on a conversation, read the open
 * thread's bubbles, send from the composer. Playwright's CSS engine pierces shadow roots.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** The window size the whole-product tests open the demo in. */
export const DEMO_VIEWPORT = { width: 1100, height: 800 };

/** A demo page and the browser context it lives in. */
export interface Opened {
  context: BrowserContext;
  page: Page;
}

/**
 * Opens the demo served at `baseUrl` as `user` on `conversation` in a new tab of `context`, logging
 * the page's errors under the user's name; resolves once the demo says it is online.
 */
export async function openDemoTab(context: BrowserContext, baseUrl: string, user: string, conversation: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${user}] page error:`, e));
  await page.goto(`${baseUrl}/?user=${user}#${conversation}`);
  await page.locator('#state[data-state="online"]').waitFor();
  return page;
}

/** As `openDemoTab`, in `context` or else in a new context of `browser` (its own storage). */
export async function openDemo(browser: Browser, baseUrl: string, user: string, conversation: string, context?: BrowserContext): Promise<Opened> {
  const ctx = context ?? (await browser.newContext({ viewport: DEMO_VIEWPORT }));
  return { context: ctx, page: await openDemoTab(ctx, baseUrl, user, conversation) };
}

/** Texts of the bubbles in the open thread. */
export function bubbles(page: Page): Promise<string[]> {
  return page.locator('chat-thread [part~="bubble"]').allInnerTexts();
}

/** Types `text` into the composer and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const input = page.locator('message-composer [part~="input"]');
  await input.fill(text);
  await input.press('Enter');
}

/** A sentence as it reads, the isolates (FSI … PDI, src/elements/i18n/isolate.ts) around its names left out. */
export const plain = (s: string): string => s.replace(/[\u2068\u2069]/g, '');
