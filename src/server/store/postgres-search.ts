import type { PoolClient, QueryResultRow } from 'pg';
import type { Message } from '../../protocol/index.js';
import { termChars } from '../../protocol/search.js';
import { searchTextOf } from '../core/search-text.js';
import type { Store } from '../core/store.js';
import { visibleTo } from './postgres-schema.js';

/**
 * Search (SPEC §12) in PostgreSQL: `messages.search_text` holds each row's folded searchable
 * text (NULL when none), written by the commit's INSERT and a change's UPDATE in their own
 * transactions; a pg_trgm GIN index over it answers `LIKE '%term%'` for terms of three or more
 * characters, in any script. Shorter terms ("斑马") have no trigram: the planner then reads the
 * viewer's conversations by their (conv_key, seq) key and checks each row, as it also may for a
 * term so common that the index would return much of the table.
 */
export function createPostgresSearch(
  query: <R extends QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>,
  parse: (body: string) => Message,
): Pick<Store, 'searchMessages'> {
  return {
    async searchMessages(viewer, { terms, key, before, limit }) {
      const params: unknown[] = [viewer, limit];
      // A term of three or more characters can use the trigram index (LIKE); a shorter one has no
      // trigram, and a LIKE would make the planner read the whole GIN index: strpos() keeps it
      // to the viewer's conversations.
      const filters = terms.map((t) => (termChars(t) >= 3
        ? `m.search_text LIKE $${params.push(`%${t.replace(/[\\%_]/g, '\\$&')}%`)}`
        : `strpos(m.search_text, $${params.push(t)}) > 0`));
      const scope = key === undefined ? '' : `AND ms.conv_key = $${params.push(key)}`;
      if (before !== undefined) filters.push(`m.id < $${params.push(before)}`);
      // The viewer's conversations with their history floors first (a few rows, the group by its
      // key), then their messages above the floor: the planner can read them by (conv_key, seq)
      // or take the trigram index, whichever it expects to read less.
      const rows = await query<{ body: string }>(
        `WITH mine AS (
           SELECT ms.conv_key, CASE WHEN g.history_visibility = 'since-join' THEN ms.joined_seq ELSE 0 END AS floor
           FROM memberships ms LEFT JOIN groups g ON g.id = substr(ms.conv_key, 7) AND ms.conv_key LIKE 'group:%'
           WHERE ms.user_id = $1 ${scope})
         SELECT m.body FROM mine JOIN messages m ON m.conv_key = mine.conv_key AND m.seq > mine.floor
         WHERE m.search_text IS NOT NULL AND ${filters.join(' AND ')} AND ${visibleTo('$1')}
         ORDER BY m.id DESC LIMIT $2`,
        params,
      );
      return rows.map((r) => parse(r.body));
    },
  };
}

/** Fills `search_text` of every stored message, a thousand rows per round trip (migration 7). */
export async function indexExistingMessages(client: PoolClient): Promise<{ rows: number }> {
  let after: [string, number] = ['', 0];
  let indexed = 0;
  for (;;) {
    const { rows } = await client.query<{ conv_key: string; seq: string | number; body: string }>(
      'SELECT conv_key, seq, body FROM messages WHERE (conv_key, seq) > ($1, $2) ORDER BY conv_key, seq LIMIT 1000', after);
    if (rows.length === 0) return { rows: indexed };
    const set = rows.map((r) => [r.conv_key, Number(r.seq), searchTextOf(JSON.parse(r.body) as Message)] as const).filter((r) => r[2] !== null);
    if (set.length > 0) {
      await client.query(
        `UPDATE messages m SET search_text = v.t FROM unnest($1::text[], $2::bigint[], $3::text[]) AS v(k, s, t)
         WHERE m.conv_key = v.k AND m.seq = v.s`,
        [set.map((r) => r[0]), set.map((r) => r[1]), set.map((r) => r[2])],
      );
    }
    indexed += set.length;
    const last = rows[rows.length - 1]!;
    after = [last.conv_key, Number(last.seq)];
  }
}
