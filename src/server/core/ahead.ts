import type { MaybePromise } from './maybe-sync.js';

const ignore = (): void => undefined;

/**
 * A check started ahead of its turn, to be awaited after the checks written before it: its
 * refusal, when one of those refuses too, is never left unhandled, and the send is refused with
 * theirs, as if each had waited for the one before it. Only the waiting overlaps, not the order.
 * An answer already at hand (a store's held read) is passed through as it is.
 */
export function ahead<T>(check: MaybePromise<T>): MaybePromise<T> {
  if (check instanceof Promise) check.catch(ignore);
  return check;
}

/** `ahead` of a check that may also refuse at once (thrown): that refusal too waits for its turn. */
export function startedAhead<T>(check: () => MaybePromise<T>): MaybePromise<T> {
  try {
    return ahead(check());
  } catch (err) {
    return ahead(Promise.reject(err));
  }
}
