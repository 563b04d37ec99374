/**
 * Whole product, SPEC §11 (reports): the built server and demo in Chromium, alice and bob in two
 * pages. Bob reports alice's message from its menu (reason, note, Send: "Reported. Thanks"); the
 * admin REST lists the report with the message; the admin resolves it with `deleteMessage`; both
 * pages then show the message recalled, its text gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { openDemo, send } from './lib/demo.js';
import { adminRequest, type RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

let server: RunningServer;
let browser: Browser;

useBuiltProduct((s, b) => {
  server = s;
  browser = b;
});

const row = (page: Page, text: string) => page.locator('chat-thread [part~="message"]').filter({ hasText: text });

interface Listed {
  items: { id: string; messageId: string; reporter: string; reason: string; note?: string; status: string; reporters: number; message: { id: string; elem: { type: string; text?: string } } }[];
}

test('bob reports alice’s message; the admin lists it and resolves it deleting the message; both pages show it recalled', async () => {
  const alice = await openDemo(browser, server.url, 'alice', 'p2p:bob');
  const bob = await openDemo(browser, server.url, 'bob', 'p2p:alice');

  await send(alice.page, 'Cheap watches at example.test');
  await row(bob.page, 'Cheap watches').first().waitFor();

  // Bob: the message's menu → Report → a reason and a note → Send.
  await row(bob.page, 'Cheap watches').first().locator('[part~="actions-button"]').click();
  await bob.page.locator('chat-thread [part~="menu"] [part~="report"]').click();
  const dialog = bob.page.locator('chat-thread [part~="report-dialog"]');
  await dialog.waitFor();
  await dialog.getByRole('radio', { name: 'Spam' }).check();
  await dialog.locator('[part~="report-note"]').fill('Third time today');
  await dialog.locator('[part~="report-send-button"]').click();
  await dialog.locator('[part~="report-status"]').filter({ hasText: 'Reported. Thanks' }).waitFor();
  await dialog.locator('[part~="report-close-button"]').click();
  await dialog.waitFor({ state: 'hidden' });

  // The admin lists it, with the message as bob's history shows it.
  const listed = await adminRequest<Listed>(server, 'GET', '/v1/reports?status=open');
  assert.equal(listed.items.length, 1);
  const [report] = listed.items;
  assert.deepEqual([report!.reporter, report!.reason, report!.note, report!.reporters], ['bob', 'spam', 'Third time today', 1]);
  assert.equal(report!.message.elem.text, 'Cheap watches at example.test');

  // Resolved with deleteMessage: the admin recall, seen live on both pages.
  const resolved = await adminRequest<{ report: { status: string }; closed: number }>(server, 'POST', `/v1/reports/${report!.id}/resolve`, { deleteMessage: true });
  assert.deepEqual([resolved.report.status, resolved.closed], ['resolved', 1]);
  for (const page of [alice.page, bob.page]) {
    await page.locator('chat-thread [part~="message"][part~="recalled"]').first().waitFor();
    assert.equal(await row(page, 'Cheap watches').count(), 0, 'the text is gone');
  }
  const after = await adminRequest<Listed>(server, 'GET', '/v1/reports?status=resolved');
  assert.equal(after.items[0]!.message.elem.type, 'recalled');
  await alice.context.close();
  await bob.context.close();
});
