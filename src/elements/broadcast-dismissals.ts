/**
 * Which broadcasts a user dismissed on this device, in localStorage (per user, so people
 * sharing a browser do not hide each other's). Storage can be missing or full (private
 * modes, quotas): then dismissals last until the page reloads, and nothing throws.
 */

/** Ids kept per user; far more than the server keeps, so a live one is never forgotten. */
const KEPT = 500;

export function dismissalKey(userId: string): string {
  return `natter:dismissed-broadcasts:${userId}`;
}

export function loadDismissed(userId: string): Set<string> {
  try {
    const raw = globalThis.localStorage?.getItem(dismissalKey(userId));
    const ids: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export function saveDismissed(userId: string, ids: Set<string>): void {
  try {
    globalThis.localStorage?.setItem(dismissalKey(userId), JSON.stringify([...ids].slice(-KEPT)));
  } catch {
    // Not persisted; still dismissed for this page's lifetime.
  }
}
