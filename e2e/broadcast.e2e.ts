/**
 * Whole product: a broadcast sent over REST reaches alice's open demo page within a second; she
 * dismisses it and reloads, and it stays dismissed; bob, who logs in later, sees it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { openDemo } from './lib/demo.js';
import type { RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

let server: RunningServer;
let browser: Browser;

useBuiltProduct((s, b) => {
  server = s;
  browser = b;
});

const openAs = (user: string) => openDemo(browser, server.url, user, `p2p:${user === 'alice' ? 'bob' : 'alice'}`);

async function broadcast(body: object): Promise<{ id: string; time: number }> {
  const res = await fetch(`${server.url}/v1/broadcasts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201);
  return (await res.json()) as { id: string; time: number };
}

/**
 * In the page: `globalThis.shownAt` becomes a promise of `Date.now()` at the first frame whose
 * banner content reads `text` (a string, so no transpiler helper ends up in the page).
 */
const watchBanner = (text: string) => `void (globalThis.shownAt = new Promise((resolve) => {
  const find = (root) => {
    const banner = root.querySelector('broadcast-banner');
    if (banner) return banner.shadowRoot?.querySelector('[part~="content"]') ?? null;
    for (const el of root.querySelectorAll('*')) {
      const found = el.shadowRoot && find(el.shadowRoot);
      if (found) return found;
    }
    return null;
  };
  const check = () => (find(document)?.textContent?.includes(${JSON.stringify(text)}) ? resolve(Date.now()) : requestAnimationFrame(check));
  check();
}))`;

const content = (page: Page) => page.locator('broadcast-banner [part~="content"]');

test('a broadcast reaches an open page within a second, stays dismissed after a reload, and reaches a later login', async () => {
  const alice = await openAs('alice');

  // The page notes the moment it first paints the banner (checked every frame, on its own clock);
  // the latency runs from the broadcast's own `time`, set by the server. Neither end waits on
  // this test's round trips to the browser, which a loaded machine slows by hundreds of ms.
  await alice.page.evaluate(watchBanner('Maintenance at 22:00 UTC'));
  const { time } = await broadcast({ content: 'Maintenance at 22:00 UTC', from: 'Ops', offline: true });
  await content(alice.page).filter({ hasText: 'Maintenance at 22:00 UTC' }).waitFor();
  const latencyMs = ((await alice.page.evaluate('globalThis.shownAt')) as number) - time;
  assert.ok(latencyMs < 1000, `shown after ${latencyMs} ms`);
  assert.equal(await alice.page.locator('broadcast-banner [part~="sender"]').innerText(), 'Ops');

  await alice.page.locator('broadcast-banner [part~="dismiss-button"]').click();
  await content(alice.page).waitFor({ state: 'detached' });
  // A second one she keeps: after the reload it shows (so the banner is there and restored) alone.
  await broadcast({ content: 'New release is out', from: 'Product', offline: true });
  await content(alice.page).filter({ hasText: 'New release is out' }).waitFor();

  await alice.page.reload();
  await alice.page.locator('#state[data-state="online"]').waitFor();
  await content(alice.page).filter({ hasText: 'New release is out' }).waitFor();
  assert.equal(await alice.page.locator('broadcast-banner [part~="pager"]').count(), 0);
  assert.deepEqual(await content(alice.page).allInnerTexts(), ['New release is out']);

  const bob = await openAs('bob');
  await content(bob.page).filter({ hasText: 'New release is out' }).waitFor();
  assert.equal(await bob.page.locator('broadcast-banner [part~="count"]').innerText(), '1 of 2');
  await bob.page.locator('broadcast-banner [part~="next-button"]').click();
  await content(bob.page).filter({ hasText: 'Maintenance at 22:00 UTC' }).waitFor();

  await alice.context.close();
  await bob.context.close();
});
