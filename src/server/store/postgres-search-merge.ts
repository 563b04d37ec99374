import type { QueryResultRow } from 'pg';
import type { Logger } from '../core/logger.js';

/** Share of the pending list's limit this node fills (by its own estimate) before it merges the list. */
const MERGE_AT = 0.75;
/** What one entry (a word, or the row's conversation) takes in the list besides its text: tuple header, alignment. */
const ENTRY_BYTES = 24;

export interface PendingListMerge {
  /** Counts the words of one message the next commit writes (`indexWords`, null for none). */
  added(key: string, words: string | null): void;
  /** A commit ended: past MERGE_AT of the list's limit since the last merge, starts one. */
  committed(): void;
  /** Resolves when the merge under way (if any) has ended. */
  close(): Promise<void>;
}

/**
 * Merges the word index's GIN pending list (`fastupdate`) from outside the commits. A commit
 * appends its rows' entries to the list, which is cheap; the commit that finds the list past
 * `gin_pending_list_limit` (4 MB by default) merges all of it into the index inside its own
 * statement, so that commit, and every send of its batch, waited for the whole merge (about a
 * second of PostgreSQL CPU in the search benchmark). Autovacuum merges the list too, but only
 * when it vacuums the table, which an insert-only table seldom needs. So each node estimates
 * what its commits added to the list (ENTRY_BYTES and the text of each word, and one entry for
 * the conversation; on the high side: a message of seven short words counts 243 bytes and took
 * about 180) and, past MERGE_AT of the limit, merges the list on a connection of its own
 * (`gin_clean_pending_list`), one merge at a time, awaited by no commit; two nodes' merges take
 * turns inside PostgreSQL. The merges stay nearly as large as the commits' were: a merge's cost
 * grows far slower than its size (the same keys' posting lists are rewritten once per merge),
 * and merging every 2,000 messages instead cost PostgreSQL 62 µs of CPU per message against 39
 * (the search benchmark, one run, 2026-12-06). With several nodes the list may still fill before
 * one of them merges; a commit then merges it, as before. The function needs the index's owner
 * (as VACUUM does): a role that may not run it logs that once and leaves the list to the commits.
 */
export async function createPendingListMerge(
  query: <R extends QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>,
  log: Logger,
): Promise<PendingListMerge> {
  // The word index of migration 26, or migration 16's where btree_gin was unavailable; its
  // limit (kB) is the index's own setting, or else the server's.
  const [found] = await query<{ index: number | null; limit: number }>(
    `SELECT i.oid::int8 AS index, coalesce(
       (SELECT option_value::int8 FROM pg_options_to_table(c.reloptions) WHERE option_name = 'gin_pending_list_limit'),
       (SELECT setting::int8 FROM pg_settings WHERE name = 'gin_pending_list_limit')) AS limit
     FROM (SELECT coalesce(to_regclass('messages_conv_words'), to_regclass('messages_words'))::oid AS oid) i
     LEFT JOIN pg_class c ON c.oid = i.oid`,
  );
  const index = found?.index ?? undefined;
  const threshold = (found?.limit ?? 4096) * 1024 * MERGE_AT;
  let bytes = 0;
  let running: Promise<void> | undefined;
  let refused = index === undefined;
  return {
    added(key, words) {
      if (words === null) return;
      let entries = 2;
      for (let i = words.indexOf(' '); i >= 0; i = words.indexOf(' ', i + 1)) entries++;
      bytes += words.length + key.length + entries * ENTRY_BYTES;
    },
    committed() {
      if (bytes < threshold || running || refused) return;
      bytes = 0;
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
