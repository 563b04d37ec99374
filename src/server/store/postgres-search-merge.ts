import type { QueryResultRow } from 'pg';
import type { Logger } from '../core/logger.js';

/** Messages this node commits with words between two merges of the word index's pending list. */
export const MERGE_EVERY = 2000;

export interface PendingListMerge {
  /** Counts a committed batch's messages (with words); past MERGE_EVERY since the last merge, starts one. */
  committed(messages: number): void;
  /** Resolves when the merge under way (if any) has ended. */
  close(): Promise<void>;
}

/**
 * Keeps the word index's GIN pending list (`fastupdate`) short from outside the commits. A
 * commit appends its rows' words to the list, which is cheap; the commit that finds the list
 * past `gin_pending_list_limit` (4 MB) merges all of it into the index inside its own
 * statement, which made that commit (and every send of its batch) wait for the whole merge, and
 * made every search scan up to 4 MB of list. Autovacuum merges the list too, but only when it
 * vacuums the table, which an insert-only table of this size rarely needs. So each node, after
 * every MERGE_EVERY messages it committed with words, merges the list on a connection of its
 * own (`gin_clean_pending_list`), one merge at a time, not awaited by any commit; two nodes'
 * merges take turns inside PostgreSQL. The function needs the index's owner (as VACUUM does):
 * a role that may not run it logs that once and leaves the list to the commits and autovacuum,
 * as before.
 */
export async function createPendingListMerge(
  query: <R extends QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>,
  log: Logger,
): Promise<PendingListMerge> {
  // The word index of migration 26, or migration 16's where btree_gin was unavailable.
  const [found] = await query<{ index: number | null }>(
    `SELECT coalesce(to_regclass('messages_conv_words'), to_regclass('messages_words'))::oid AS index`,
  );
  const index = found?.index ?? undefined;
  let since = 0;
  let running: Promise<void> | undefined;
  let refused = index === undefined;
  return {
    committed(messages) {
      since += messages;
      if (since < MERGE_EVERY || running || refused) return;
      since = 0;
      running = query('SELECT gin_clean_pending_list($1::oid::regclass)', [index]).then(
        () => undefined,
        (err: unknown) => {
          // Not the owner: it never will be in this process; anything else may pass (a lost connection).
          if ((err as { code?: string }).code === '42501') refused = true;
          log.warn({ err }, refused ? 'postgres: may not merge the word index\'s pending list; commits will' : 'postgres: merging the word index\'s pending list failed');
        },
      ).finally(() => {
        running = undefined;
      });
    },
    async close() {
      await running;
    },
  };
}
