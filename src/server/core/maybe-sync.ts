/** A value now, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Runs a check written as a generator that yields each thing it reads (a value, or a promise of
 * one) and gets it back: values go straight back in, on this turn, and the first promise makes the
 * rest asynchronous. One text for both kinds of store, then: a store that answers a send's reads
 * from memory (`Store.held`) costs no async function, no promise and no microtask per read (each
 * `await` of an already known answer was all three, on every send), and one over the network the
 * same waits as before. A check that throws before its first promise throws here, synchronously.
 */
export function drive<T>(gen: Generator<unknown, T, unknown>): MaybePromise<T> {
  let step = gen.next();
  while (!step.done) {
    if (step.value instanceof Promise) return finish(gen, step.value);
    step = gen.next(step.value);
  }
  return step.value;
}

async function finish<T>(gen: Generator<unknown, T, unknown>, pending: Promise<unknown>): Promise<T> {
  for (;;) {
    let step: IteratorResult<unknown, T> | undefined;
    let value: unknown;
    try {
      value = await pending;
    } catch (err) {
      // Thrown where it was read, as an await would have.
      step = gen.throw(err);
    }
    step ??= gen.next(value);
    while (!step.done && !(step.value instanceof Promise)) step = gen.next(step.value);
    if (step.done) return step.value;
    pending = step.value as Promise<unknown>;
  }
}
