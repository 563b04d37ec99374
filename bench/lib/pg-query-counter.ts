/**
 * Preloaded into every node of the cluster benchmark (NODE_OPTIONS `--import`, after tsx):
 * counts what the node sends to PostgreSQL, without touching the server's code. Every
 * `pg.Client#query` is one round trip (node-postgres sends one query at a time per
 * connection); a transaction is a BEGIN … COMMIT, or one statement outside of it (autocommit).
 *
 * On SIGUSR2 it writes the running totals to a file (pg-query-counts.ts reads it).
 */
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { countsFile, type PgQueryCounts } from './pg-query-counts.js';

const counts: PgQueryCounts = { statements: 0, commits: 0, explicitCommits: 0, answer: 0, byStatement: {} };
const inTransaction = new WeakSet<object>();
/** Statements are told apart by their first characters (enough to name the table and the verb). */
const SHAPE_CHARS = 60;
type Query = (this: object, config: unknown, ...rest: unknown[]) => unknown;
const query = pg.Client.prototype.query as unknown as Query;

(pg.Client.prototype as unknown as { query: Query }).query = function (this: object, config: unknown, ...rest: unknown[]) {
  const text = typeof config === 'string' ? config : ((config as { text?: string } | undefined)?.text ?? '');
  const verb = /^\s*([a-z]+)/i.exec(text)?.[1]?.toUpperCase();
  counts.statements++;
  const shape = text.replace(/\s+/g, ' ').trim().slice(0, SHAPE_CHARS);
  counts.byStatement[shape] = (counts.byStatement[shape] ?? 0) + 1;
  if (verb === 'BEGIN' || verb === 'START') inTransaction.add(this);
  else if (verb === 'COMMIT' || verb === 'END' || verb === 'ROLLBACK') {
    if (verb !== 'ROLLBACK') {
      counts.commits++;
      counts.explicitCommits++;
    }
    inTransaction.delete(this);
  } else if (!inTransaction.has(this)) counts.commits++;
  return query.call(this, config, ...rest);
};

process.on('SIGUSR2', () => {
  counts.answer++;
  writeFileSync(countsFile(process.pid), JSON.stringify(counts));
});
