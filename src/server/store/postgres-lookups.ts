import type { QueryResultRow } from 'pg';
import { pairOf } from '../core/facts.js';
import { NOT_HELD, type FactMemo } from './postgres-facts.js';
import { arrayParam } from './postgres-arrays.js';

type Query = <R extends QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

/** Where a lookup keeps its answers between turns: the node's facts, named `prefix` + the lookup's id. */
export interface Held {
  memo: FactMemo;
  /** The kind's `factPrefix` (core/facts.ts); a pair's id is `pairOf` its two, as the names are. */
  prefix: string;
  /** Whether an answer may be kept (a list too long to hold is read again). Default: any. */
  keep?(value: unknown): boolean;
}

/**
 * Point reads that every send makes (the group, the sender's membership, the peer, a block),
 * gathered over one event-loop turn and answered by one query per kind: a batch of sends costs
 * a few round trips to PostgreSQL instead of a few per message. With `held`, what the node's
 * facts hold is answered from them (without waiting for the turn's query, if any) and only the
 * rest is read (and then held). They are looked up when the turn's reads are made, after the poll
 * phase that received the request: word of a change that arrived in the same phase is applied first.
 */
export function turnLookup<K, V>(
  idOf: (key: K) => string,
  run: (keys: K[]) => Promise<Map<string, V>>,
  held?: Held,
): (key: K) => Promise<V | undefined> {
  type Pending = { key: K; resolve(v: V | undefined): void; reject(err: unknown): void };
  let pending: Pending[] = [];
  const flush = (): void => {
    const batch = pending;
    pending = [];
    const now = Date.now();
    // Each read the facts hold is answered now; the others wait for one query (each id once).
    let missing: Map<string, K> | undefined;
    let waiting: { id: string; p: Pending }[] | undefined;
    for (const p of batch) {
      const id = idOf(p.key);
      if (held) {
        const value = held.memo.get(held.prefix + id, now);
        if (value !== NOT_HELD) {
          p.resolve(value as V | undefined);
          continue;
        }
      }
      (missing ??= new Map()).set(id, p.key);
      (waiting ??= []).push({ id, p });
    }
    if (!missing || !waiting) return;
    const epoch = held?.memo.epoch ?? 0;
    const ids = missing;
    const readers = waiting;
    run([...ids.values()]).then(
      (found) => {
        if (held) {
          for (const id of ids.keys()) {
            const value = found.get(id);
            if (!held.keep || held.keep(value)) held.memo.put(held.prefix + id, value, epoch, now);
          }
        }
        for (const { id, p } of readers) p.resolve(found.get(id));
      },
      (err: unknown) => {
        for (const { p } of readers) p.reject(err);
      },
    );
  };
  return (key) =>
    new Promise((resolve, reject) => {
      pending.push({ key, resolve, reject });
      if (pending.length === 1) setImmediate(flush);
    });
}

const pairId = ([a, b]: readonly [string, string]) => pairOf(a, b);

/** Rows by id, one `= ANY` query per turn. */
export function rowsById<R extends QueryResultRow>(q: Query, table: 'users' | 'groups', held?: Held): (id: string) => Promise<R | undefined> {
  return turnLookup((id: string) => id, async (ids) => {
    const rows = await q<R>(`SELECT * FROM ${table} WHERE id = ANY($1::text[])`, [arrayParam(ids)]);
    return new Map(rows.map((r) => [r['id'] as string, r]));
  }, held);
}

/** Whether each (a, b) pair is a row of `table`, one query per turn. */
export function pairExists(
  q: Query,
  table: 'memberships' | 'blocks' | 'friends',
  [colA, colB]: readonly [string, string],
  held?: Held,
): (a: string, b: string) => Promise<boolean> {
  const lookup = turnLookup(pairId, async (pairs: (readonly [string, string])[]) => {
    const rows = await q<{ a: string; b: string }>(
      `SELECT ${colA} AS a, ${colB} AS b FROM ${table} WHERE (${colA}, ${colB}) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [arrayParam(pairs.map((p) => p[0])), arrayParam(pairs.map((p) => p[1]))],
    );
    return new Map(rows.map((r) => [pairId([r.a, r.b]), true]));
  }, held);
  return async (a, b) => (await lookup([a, b])) === true;
}

/**
 * Rows for each key asked in a turn, one query for all: `sql` takes the keys as `$1::text[]`
 * and answers each row with its key as column `k`, in the order each key's rows should have.
 */
export function rowsOfKeys<R extends QueryResultRow>(q: Query, sql: string, held?: Held): (key: string) => Promise<R[]> {
  const lookup = turnLookup((key: string) => key, async (keys) => {
    const found = new Map<string, R[]>();
    for (const r of await q<R & { k: string }>(sql, [arrayParam(keys)])) {
      const list = found.get(r.k);
      if (list) list.push(r);
      else found.set(r.k, [r]);
    }
    return found;
  }, held);
  return async (key) => (await lookup(key)) ?? [];
}
