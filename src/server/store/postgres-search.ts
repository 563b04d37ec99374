import type { PoolClient, QueryResultRow } from 'pg';
import type { Message } from '../../protocol/index.js';
import { SPACELESS } from '../../protocol/search.js';
import { indexWords, lookupWords, needsWordStart, searchTextOf } from '../core/search-text.js';
import type { Store } from '../core/store.js';
import { visibleTo } from './postgres-schema.js';

/**
 * Search (SPEC §12) in PostgreSQL: `messages.search_text` holds each row's folded searchable
 * text (NULL when none) and `messages.search_words` its words (`searchWords`: runs of letters and
 * digits, each Chinese or Japanese character alone) as a tsvector made from our own words
 * (`array_to_tsvector`: no parser, no stemming), written by the commit's INSERT and a change's
 * UPDATE in their own transactions. A GIN index over the words (migration 16) replaced the
 * pg_trgm index over the text (migration 7): one entry per word, not per character.
 *
 * A term is looked up as its words (`lookupWords`: Latin ones as prefixes, `'word':*`), then
 * checked on the text: strpos() for the term itself, or for a term starting with a Latin letter or
 * digit a regex that it starts where a word does (`termAt`). Newest first by id, so the planner
 * can walk the viewer's messages newest first by the id index and stop at a page, or take the
 * word index for a rare term, whichever reads less; a query with nothing to look up reads the
 * viewer's conversations by their (conv_key, seq) key.
 */

/** SQL making the index's tsvector of `words` (an expression: space-separated words or NULL). */
export const WORDS_VECTOR = (words: string) => `array_to_tsvector(string_to_array(${words}, ' '))`;

/** SPACELESS as the inside of a bracket expression (literal characters, which ARE reads as JS does). */
const SPACELESS_CLASS = SPACELESS.map(([a, b]) => `${String.fromCodePoint(a)}-${String.fromCodePoint(b)}`).join('');

/** A regex matching folded text where `term` starts a word (`termAt` in SQL: ARE syntax, the same ranges). */
const wordStart = (term: string) => `(^|[^[:alnum:]]|[${SPACELESS_CLASS}])${term.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')}`;

export function createPostgresSearch(
  query: <R extends QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>,
  parse: (body: string) => Message,
): Pick<Store, 'searchMessages'> {
  return {
    async searchMessages(viewer, { terms, key, before, limit }) {
      const params: unknown[] = [viewer, limit];
      const checks = terms.map((t) => (needsWordStart(t)
        ? `m.search_text ~ $${params.push(wordStart(t))}`
        : `strpos(m.search_text, $${params.push(t)}) > 0`));
      // Our words are letters and digits only: quoted as tsquery lexemes, they need no escaping.
      const lookup = lookupWords(terms).map((w) => `'${w.word}'${w.prefix ? ':*' : ''}`).join(' & ');
      const filters = lookup ? [`m.search_words @@ $${params.push(lookup)}::tsquery`] : checks;
      const scope = key === undefined ? '' : `AND ms.conv_key = $${params.push(key)}`;
      if (before !== undefined) filters.push(`m.id < $${params.push(before)}`);
      // The viewer's conversations with their history floors first (a few rows, the group by its
      // key), then their messages above the floor. With words to look up, the checks on the text
      // are applied outside (OFFSET 0 keeps them there): inside, the planner guessed a regex keeps
      // one row in twenty, took a common word for a rare one and looked it up in the word index
      // once per conversation of the searcher, each time gathering every row of the table with
      // the word (a prefix is not skipped through as a whole word is): 0.3–1.2 s for a word in
      // 10 % of 200,000–400,000 messages, where walking the id index down to a page read 42 rows
      // (1.3 ms). Outside, the estimate is the words' (from the column's statistics), and the
      // page's LIMIT still reaches the inner plan.
      const inner = `WITH mine AS (
           SELECT ms.conv_key, CASE WHEN g.history_visibility = 'since-join' THEN ms.joined_seq ELSE 0 END AS floor
           FROM memberships ms LEFT JOIN groups g ON g.id = substr(ms.conv_key, 7) AND ms.conv_key LIKE 'group:%'
           WHERE ms.user_id = $1 ${scope})
         SELECT m.body${lookup ? `, ${checks.join(' AND ')} AS ok` : ''} FROM mine JOIN messages m ON m.conv_key = mine.conv_key AND m.seq > mine.floor
         WHERE m.search_text IS NOT NULL AND ${filters.join(' AND ')} AND ${visibleTo('$1')}
         ORDER BY m.id DESC`;
      const rows = await query<{ body: string }>(lookup ? `SELECT body FROM (${inner} OFFSET 0) x WHERE ok LIMIT $2` : `${inner} LIMIT $2`, params);
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

/**
 * Fills `search_words` of every message with searchable text, ten thousand rows per round trip,
 * then builds the word index over them (faster than keeping it up row by row) and drops the
 * trigram index (migration 16).
 */
export async function indexExistingWords(client: PoolClient): Promise<{ rows: number }> {
  let after: [string, number] = ['', 0];
  let indexed = 0;
  for (;;) {
    const { rows } = await client.query<{ conv_key: string; seq: string | number; search_text: string }>(
      `SELECT conv_key, seq, search_text FROM messages WHERE (conv_key, seq) > ($1, $2) AND search_text IS NOT NULL
       ORDER BY conv_key, seq LIMIT 10000`, after);
    if (rows.length === 0) break;
    const set = rows.map((r) => [r.conv_key, Number(r.seq), indexWords(r.search_text)] as const).filter((r) => r[2] !== null);
    if (set.length > 0) {
      await client.query(
        `UPDATE messages m SET search_words = ${WORDS_VECTOR('v.w')} FROM unnest($1::text[], $2::bigint[], $3::text[]) AS v(k, s, w)
         WHERE m.conv_key = v.k AND m.seq = v.s`,
        [set.map((r) => r[0]), set.map((r) => r[1]), set.map((r) => r[2])],
      );
    }
    indexed += set.length;
    const last = rows[rows.length - 1]!;
    after = [last.conv_key, Number(last.seq)];
  }
  await client.query('CREATE INDEX messages_words ON messages USING gin (search_words) WHERE search_words IS NOT NULL');
  await client.query('DROP INDEX IF EXISTS messages_search');
  return { rows: indexed };
}

/**
 * Replaces the word index by one over (conversation, words) (migration 26), so a search reads
 * only the matches in the searcher's conversations: the GIN index intersects a conversation's
 * entry with the words' (`btree_gin` gives text an operator class GIN can index). Without
 * `btree_gin` (not installed on the server, or the role may not create it) the word index stays
 * as it is and this says why; search works the same, reading every match of a rare term.
 */
export async function indexWordsByConversation(client: PoolClient): Promise<Record<string, unknown>> {
  const installed = async () => (await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'btree_gin'`)).rowCount === 1;
  let reason: string | undefined;
  // In public if it may (one schema's DROP ... CASCADE must not take other schemas' indexes
  // with it), else in the schema being migrated, as pg_trgm (migration 7). Trusted since
  // PostgreSQL 13: any role that may create in the database may install it.
  for (const sql of ['CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA public', 'CREATE EXTENSION IF NOT EXISTS btree_gin']) {
    if (await installed()) break;
    await client.query('SAVEPOINT btree_gin');
    try {
      await client.query(sql);
      await client.query('RELEASE SAVEPOINT btree_gin');
    } catch (err) {
      await client.query('ROLLBACK TO SAVEPOINT btree_gin');
      reason = (err as Error).message;
    }
  }
  if (!(await installed())) return { index: 'messages_words (kept)', btreeGin: `unavailable: ${reason}` };
  await client.query('CREATE INDEX messages_conv_words ON messages USING gin (conv_key, search_words) WHERE search_words IS NOT NULL');
  await client.query('DROP INDEX IF EXISTS messages_words');
  return { index: 'messages_conv_words' };
}
