/**
 * Counts calls (or `n` a call: rows, messages) between two turns of the event loop (a setImmediate
 * ticker marks each turn) and keeps the most seen in one turn, per name. `stop` ends the ticker.
 */
export function perTurn<K extends string>(...names: K[]): { count(name: K, n?: number): void; most: Record<K, number>; stop(): void } {
  const zero = (): Record<K, number> => Object.fromEntries(names.map((n) => [n, 0])) as Record<K, number>;
  let sinceTurn = zero();
  const most = zero();
  let ticking = true;
  const tick = (): void => {
    sinceTurn = zero();
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    count: (name, n = 1) => void (most[name] = Math.max(most[name], (sinceTurn[name] += n))),
    most,
    stop: () => void (ticking = false),
  };
}
