const ignore = (): void => undefined;

/**
 * A check started ahead of its turn, to be awaited after the checks written before it: its
 * refusal, when one of those refuses too, is never left unhandled, and the send is refused with
 * theirs, as if each had waited for the one before it. Only the waiting overlaps, not the order.
 */
export function ahead<T>(check: Promise<T>): Promise<T> {
  check.catch(ignore);
  return check;
}
