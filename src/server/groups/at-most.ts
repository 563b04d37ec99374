/**
 * `fn` over every item, at most `n` at a time, answers in the items' order.
 *
 * A group's create or invite reads and tells each member: all at once, 10,000 members asked the
 * PostgreSQL pool (10 connections) for 10,000 connections, and those queued past its 5 s connect
 * timeout failed the request with a 500 after the group was committed.
 */
export async function mapAtMost<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}
