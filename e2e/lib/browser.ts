/** Launches Debian's Chromium through playwright-core (no browser download is possible here). */
import { chromium, type Browser } from 'playwright-core';
import { GUARD_MS, until as guardUntil } from '../../test/guard.js';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `extraArgs`: more flags, e.g. RECIPES' fake microphone (`--use-fake-device-for-media-stream --use-fake-ui-for-media-stream`). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    headless: true,
  });
}

/**
 * Polls `check` until it returns a truthy value (returned), within the shared guard
 * (test/guard.ts); every 50 ms, as each look at a page is a round trip to the browser.
 */
export const until = <T>(check: () => T | Promise<T>, what: string, timeoutMs = GUARD_MS): Promise<T> => guardUntil(check, what, timeoutMs, 50);
