/**
 * How long a test waits for a state that will come before it fails: a guard against a state that
 * never comes, not a bound on how soon it comes. CI runs on two cores with two test files at once;
 * at load 20-40 a server's answer, a reconnect or a render has taken 5 s and more (the 2-5 s waits
 * this replaced failed there). A test that measures how soon something happens compares it with
 * the alternative's time instead (a backoff, a timer it must beat), never with a wall clock.
 */
export const GUARD_MS = 30_000;

/**
 * Polls `check` until it returns a truthy value and returns that value; fails naming `what` once
 * `timeoutMs` has passed. Timed with `performance.now()`, so a test that mocks `Date` does not
 * stop its deadline.
 */
export async function until<T>(check: () => T | Promise<T>, what = 'a condition', timeoutMs = GUARD_MS, everyMs = 10): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
