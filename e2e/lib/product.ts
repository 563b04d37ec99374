import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.js';
import { startBuiltServer, type RunningServer } from './server.js';

/**
 * Registers the suite hooks every whole-product test file needs: the built server (as
 * `npm start` runs it) and one Chromium, handed over once both are up (a file's own set-up that
 * needs them goes in `ready`), closed after the file.
 */
export function useBuiltProduct(ready: (server: RunningServer, browser: Browser) => void | Promise<void>, env: Record<string, string> = {}): void {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startBuiltServer(env);
    browser = await launchChromium();
    await ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}
