/**
 * Hands what is pushed to `call` in batches, one call at a time: what is pushed while a call is
 * on its way goes in the next one, so at a few thousand sends a second a batch holds a round
 * trip's items, not one turn's (issue 23: each Redis command is a write and a reply to read).
 * `call` handles its own outcome (its handlers run before the next batch is scheduled).
 */
export function oneCallAtATime<T>(call: (batch: T[]) => Promise<unknown>): (item: T) => void {
  let pending: T[] = [];
  let scheduled = false;
  let inFlight = false;
  const settled = (): void => {
    inFlight = false;
    schedule();
  };
  const flush = (): void => {
    scheduled = false;
    const batch = pending;
    pending = [];
    inFlight = true;
    call(batch).then(settled, settled);
  };
  function schedule(): void {
    if (scheduled || inFlight || pending.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  }
  return (item) => {
    pending.push(item);
    schedule();
  };
}
