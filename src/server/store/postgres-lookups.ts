import type { QueryResultRow } from 'pg';

type Query = <R extends QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

/**
 * Point reads that every send makes (the group, the sender's membership, the peer, a block),
 * gathered over one event-loop turn and answered by one query per kind: a batch of sends costs
 * a few round trips to PostgreSQL instead of a few per message. Each read still sees the
 * database as of its query, which runs after the turn that asked: no caching, nothing stale.
 */
export function turnLookup<K, V>(idOf: (key: K) => string, run: (keys: K[]) => Promise<Map<string, V>>): (key: K) => Promise<V | undefined> {
  let pending: { key: K; resolve(v: V | undefined): void; reject(err: unknown): void }[] = [];
  const flush = (): void => {
    const batch = pending;
    pending = [];
    const distinct = new Map(batch.map((p) => [idOf(p.key), p.key]));
    run([...distinct.values()]).then(
      (found) => {
        for (const p of batch) p.resolve(found.get(idOf(p.key)));
      },
      (err: unknown) => {
        for (const p of batch) p.reject(err);
      },
    );
  };
  return (key) =>
    new Promise((resolve, reject) => {
      pending.push({ key, resolve, reject });
      if (pending.length === 1) setImmediate(flush);
    });
}

const pairId = ([a, b]: readonly [string, string]) => `${a}\u0000${b}`;

/** Rows by id, one `= ANY` query per turn. */
export function rowsById<R extends QueryResultRow>(q: Query, table: 'users' | 'groups'): (id: string) => Promise<R | undefined> {
  return turnLookup((id: string) => id, async (ids) => {
    const rows = await q<R>(`SELECT * FROM ${table} WHERE id = ANY($1::text[])`, [ids]);
    return new Map(rows.map((r) => [r['id'] as string, r]));
  });
}

/** Whether each (a, b) pair is a row of `table`, one query per turn. */
export function pairExists(q: Query, table: 'memberships' | 'blocks', [colA, colB]: readonly [string, string]): (a: string, b: string) => Promise<boolean> {
  const lookup = turnLookup(pairId, async (pairs: (readonly [string, string])[]) => {
    const rows = await q<{ a: string; b: string }>(
      `SELECT ${colA} AS a, ${colB} AS b FROM ${table} WHERE (${colA}, ${colB}) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    return new Map(rows.map((r) => [pairId([r.a, r.b]), true]));
  });
  return async (a, b) => (await lookup([a, b])) === true;
}

/**
 * Rows for each key asked in a turn, one query for all: `sql` takes the keys as `$1::text[]`
 * and answers each row with its key as column `k`, in the order each key's rows should have.
 */
export function rowsOfKeys<R extends QueryResultRow>(q: Query, sql: string): (key: string) => Promise<R[]> {
  const lookup = turnLookup((key: string) => key, async (keys) => {
    const found = new Map<string, R[]>();
    for (const r of await q<R & { k: string }>(sql, [keys])) {
      const list = found.get(r.k);
      if (list) list.push(r);
      else found.set(r.k, [r]);
    }
    return found;
  });
  return async (key) => (await lookup(key)) ?? [];
}
