/**
 * `@open-wc/testing` as the element tests get it (web-test-runner.config.mjs resolves their imports
 * of it here): all of it, but `waitUntil` waits up to the shared guard (test/guard.ts, 30 s) for its
 * condition when the call names no timeout, not 1 s. Most conditions are a server's answer or a
 * render after one, which a loaded machine (CI's two cores, two test files at once) can take
 * seconds to bring; the condition checked is the same, and a test still fails when it never holds.
 */
import { waitUntil as openWcWaitUntil } from '@open-wc/testing';
import { GUARD_MS } from '../guard.js';

export * from '@open-wc/testing';

export const WAIT_UNTIL_TIMEOUT_MS = GUARD_MS;

export function waitUntil(
  predicate: () => unknown | Promise<unknown>,
  message?: string,
  options: { interval?: number; timeout?: number } = {},
): Promise<void> {
  return openWcWaitUntil(predicate, message, { timeout: WAIT_UNTIL_TIMEOUT_MS, ...options });
}
