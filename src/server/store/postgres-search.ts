import type { PoolClient, QueryResultRow } from 'pg';
import type { Message } from '../../protocol/index.js';
import { matchesTerms } from '../../protocol/search.js';
import { indexWords, lookupWords, searchTextOf } from '../core/search-text.js';
import type { Store } from '../core/store.js';
import { visibleTo } from './postgres-schema.js';
import type { SearchFound } from '../core/types.js';
import { createPostgresSearchWalk, SCAN_ROWS, termCheck, WALK_ROWS } from './postgres-search-walk.js';

/**
 * Search (SPEC §12) in PostgreSQL. A commit writes nothing for search: `message_words` holds the
 * folded searchable text (`text`) and its words (`words`: `searchWords`, runs of letters and digits,
 * each Chinese or Japanese character alone, as a tsvector made from our own words by
 * `array_to_tsvector`: no parser, no stemming) of each message row at or below its conversation's
 * watermark (`search_marks.seq`; none: 0), filled in bulk by a node off the commit path
 * (`moveToIndex`, postgres-search-move.ts). The rows above the watermark are the index's pending
 * list, read from the messages table itself: a search reads them by (conv_key, seq) and checks
 * their bodies in JavaScript (`matchesTerms`, as the SQLite store does). A change to a row at or
 * below the watermark rewrites its words in the change's own transaction (`rewriteWords`); one
 * above it changes only the body, which the move reads later.
 *
 * The watermark is per conversation because a conversation's seqs become visible in order (a
 * commit holds the conversation row's lock until COMMIT; postgres-commit.ts): rows above a
 * watermark that one snapshot shows are a gapless run, so a move never steps over a row another
 * node has not committed yet (ids or a global sequence would: they commit out of order).
 *
 * Until 2026-12-06 every commit wrote `messages.search_text` and `messages.search_words` and
 * their GIN entries (migrations 7, 16, 26): 15 µs of PostgreSQL CPU per message, the commit
 * throughput 77 % of that without the index (issue 20). Those columns and indexes stay for a
 * node of the previous release during a rolling upgrade; this release leaves them NULL.
 *
 * A term is looked up as its words (`lookupWords`: Latin ones as prefixes, `'word':*`) in the
 * GIN index over (conversation, words), then checked on the text: strpos() for the term itself,
 * or for a term starting with a Latin letter or digit a regex that it starts where a word does
 * (`termAt`). Newest first by id, so the planner can walk the index on id (across) or on
 * (conversation, id) (in one) newest first and stop at a page, or take the word index for a
 * rare term, whichever reads less; a query with nothing to look up walks the same id indexes.
 */

/** SQL making the index's tsvector of `words` (an expression: space-separated words or NULL). */
export const WORDS_VECTOR = (words: string) => `array_to_tsvector(string_to_array(${words}, ' '))`;

/** Rows of one conversation a search walks newest first before it looks the term up in the word index. */
const WALK = 400;

export function createPostgresSearch(
  query: <R extends QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>,
  parse: (body: string) => Message,
): Pick<Store, 'searchMessages'> {
  // Without words (a filter is set), or with none the index can look up: a bounded walk.
  const walkDown = createPostgresSearchWalk(query, parse);
  return {
    async searchMessages(viewer, { terms, key, before, limit, filter }) {
      // Our words are letters and digits only: quoted as tsquery lexemes, they need no escaping.
      const lookup = lookupWords(terms).map((x) => `'${x.word}'${x.prefix ? ':*' : ''}`).join(' & ');
      if (!lookup) return walkDown(viewer, { terms, key, before, limit, filter });
      const params: unknown[] = [viewer, limit];
      const checks = terms.map((t) => termCheck('w.text', t, (value) => `$${params.push(value)}`));
      const q = `$${params.push(lookup)}::tsquery`;
      const filters = [`w.words @@ ${q}`];
      const pendingFilters: string[] = [];
      let scope = '';
      let k = 0;
      if (key !== undefined) {
        k = params.push(key);
        scope = `AND ms.conv_key = $${k}`;
        filters.push(`w.conv_key = $${k}`);
      }
      let b = 0;
      if (before !== undefined) {
        b = params.push(before);
        filters.push(`w.id < $${b}`);
        pendingFilters.push(`m.id < $${b}`);
      }
      // The filters: id bounds on the word rows too (their id index); the sender and kind on the
      // message row, the kind read from its body (parsed only for rows every other test passed).
      const walkBounds: string[] = [];
      const messageFilters: string[] = [];
      if (filter?.idAbove !== undefined) {
        const n = params.push(filter.idAbove);
        filters.push(`w.id > $${n}`), walkBounds.push(`w.id > $${n}`), pendingFilters.push(`m.id > $${n}`);
      }
      if (filter?.idBelow !== undefined) {
        const n = params.push(filter.idBelow);
        filters.push(`w.id < $${n}`), walkBounds.push(`w.id < $${n}`), pendingFilters.push(`m.id < $${n}`);
      }
      if (filter?.sender !== undefined) messageFilters.push(`m.sender = $${params.push(filter.sender)}`);
      if (filter?.kind === 'link') messageFilters.push(`natter_search_kind(m.body) = 'link'`);
      // natter_elem_type: a body holding \u0000 fails `body::json #>> …` (migration 33).
      else if (filter?.kind !== undefined) messageFilters.push(`natter_elem_type(m.body) = $${params.push(filter.kind)}`);
      filters.push(...messageFilters);
      pendingFilters.push(...messageFilters);
      const mine = `mine AS NOT MATERIALIZED (
           SELECT ms.conv_key, CASE WHEN g.history_visibility = 'since-join' THEN ms.joined_seq ELSE 0 END AS floor, coalesce(sm.seq, 0) AS mark
           FROM memberships ms LEFT JOIN groups g ON g.id = substr(ms.conv_key, 7) AND ms.conv_key LIKE 'group:%'
           LEFT JOIN search_marks sm ON sm.conv_key = ms.conv_key
           WHERE ms.user_id = $1 ${scope})`;
      const range = 'w.conv_key = mine.conv_key AND w.seq > mine.floor AND w.seq <= mine.mark';
      // In one conversation the word's share of it may be far above its share of the table (the
      // statistics know only the latter): the planner then gathered every match from the word
      // index and sorted them, 20–30 ms for a word in most of a conversation's rows where a walk
      // down its newest rows stops at a page in a few dozen. So one conversation is walked first,
      // WALK rows newest first on (conv_key, id), and only when that walk was full and found no
      // page are the rows below it looked up in the word index (a one-time filter: not run at all
      // otherwise). A rare term pays the walk, a fraction of a millisecond.
      const walk = key !== undefined;
      // The viewer's conversations with their history floors and watermarks first (a few rows,
      // the group by its key), then the indexed rows between floor and watermark. With words to
      // look up, the checks on the text are applied outside (OFFSET 0 keeps them there): inside,
      // the planner guessed a regex keeps one row in twenty, took a common word for a rare one
      // and looked it up in the word index once per conversation of the searcher, each time
      // gathering every row of the table with the word: 0.3–1.2 s for a word in 10 % of
      // 200,000–400,000 messages, where walking the id index down to a page read 42 rows
      // (1.3 ms). Outside, the estimate is the words' (from the column's statistics), and the
      // page's LIMIT still reaches the inner plan. Then every row above the watermark (the
      // pending list, a few thousand at most across all conversations), checked here.
      // The pending rows, bounded whatever their number: of each conversation with any, its newest
      // rows below the cursor by (conv_key, id) (a row comparison, as postgres-search-walk.ts
      // positions), WALK_ROWS shared between those conversations (SCAN_ROWS each at most), those
      // above the watermark kept; of them the SCAN_ROWS newest (parsed here). A conversation whose
      // read was full may hold unread ones below its lowest row read, and so may the list below its
      // SCAN_ROWS-th: the highest of those edges is `cut`, below which this page holds nothing.
      const start = b ? `(m.conv_key, m.id) < (live.conv_key, $${b})` : 'm.conv_key <= live.conv_key';
      const pend = `live AS MATERIALIZED (SELECT mine.* FROM mine JOIN conversations c ON c.key = mine.conv_key AND c.last_seq > greatest(mine.floor, mine.mark)),
         per AS MATERIALIZED (SELECT least(${SCAN_ROWS}, greatest(1, ${WALK_ROWS} / greatest(1, count(*)))) AS n FROM live),
         scan AS MATERIALIZED (SELECT i.conv_key, i.seq, i.id, i.seq > live.mark AS pending FROM live CROSS JOIN LATERAL (
           SELECT m.conv_key, m.seq, m.id FROM messages m WHERE ${start} ORDER BY m.conv_key DESC, m.id DESC LIMIT (SELECT n FROM per)) i
           WHERE i.conv_key = live.conv_key AND i.seq > live.floor),
         pend AS MATERIALIZED (SELECT conv_key, seq, id FROM scan WHERE pending ORDER BY id DESC LIMIT ${SCAN_ROWS}),
         cut AS (SELECT max(e) AS id FROM (SELECT min(id) AS e FROM scan GROUP BY conv_key HAVING count(*) = (SELECT n FROM per)
           UNION ALL SELECT min(id) FROM pend HAVING count(*) = ${SCAN_ROWS}) x)`;
      const sql = `WITH ${mine}, ${pend}${walk ? `,
         walk AS (SELECT w.seq, w.id, w.seq > (SELECT floor FROM mine) AND w.seq <= (SELECT mark FROM mine) AND w.words @@ ${q} AND ${checks.join(' AND ')} AS ok
           FROM message_words w WHERE w.conv_key = $${k}${b ? ` AND w.id < $${b}` : ''}${walkBounds.map((x) => ` AND ${x}`).join('')} ORDER BY w.id DESC LIMIT ${WALK}),
         walked AS (SELECT m.body FROM walk JOIN messages m ON m.conv_key = $${k} AND m.seq = walk.seq
           WHERE walk.ok AND ${[...messageFilters, visibleTo('$1')].join(' AND ')} ORDER BY walk.id DESC LIMIT $2)
         (SELECT body, false AS pending FROM walked)
         UNION ALL` : ''}
         (SELECT body, false AS pending FROM (
           SELECT m.body, ${checks.join(' AND ')} AS ok
           FROM mine JOIN message_words w ON ${range}
           JOIN messages m ON m.conv_key = w.conv_key AND m.seq = w.seq
           WHERE ${filters.join(' AND ')} AND ${visibleTo('$1')}${walk ? `
             AND (SELECT count(*) FROM walk) = ${WALK} AND (SELECT count(*) FROM walked) < $2 AND w.id < (SELECT min(id) FROM walk)` : ''}
           ORDER BY w.id DESC OFFSET 0) x WHERE ok LIMIT $2)
         UNION ALL
         (SELECT m.body, true FROM pend JOIN messages m ON m.conv_key = pend.conv_key AND m.seq = pend.seq
           WHERE ${[...pendingFilters, visibleTo('$1')].join(' AND ')})
         UNION ALL SELECT id, NULL FROM cut WHERE id IS NOT NULL`;
      // One statement, one snapshot (READ COMMITTED gives each statement its own): the watermarks
      // `mine` reads, the index's rows below them and the pending rows above them are all of it,
      // so a move committing meanwhile hides nothing (no vocabulary read apart, as on SQLite).
      const rows = await query<{ body: string; pending: boolean | null }>(sql, params);
      let found: SearchFound = [];
      let above = false;
      // The pending rows are parsed here, on the event loop: while the moves stall (a node down,
      // the database slow) the list grows without end, and every search read and parsed all of it.
      let cut: string | undefined;
      for (const r of rows) {
        if (r.pending === null) {
          cut = r.body;
          continue;
        }
        const m = parse(r.body);
        if (!r.pending) found.push(m);
        else if (matchesTerms(searchTextOf(m) ?? '', terms)) found.push(m), above = true;
      }
      if (cut !== undefined) found = found.filter((m) => m.id >= cut);
      // The pending matches merged in newest first (ids are UUIDv7: ASCII, ordered alike here and there).
      if (above) found.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      found = found.slice(0, limit);
      if (cut !== undefined && found.length < limit) found.continueBelow = cut;
      return found;
    },
  };
}

/**
 * Sets a column of every message row that `select` reads, in (conv_key, seq) order, a page of rows
 * per round trip: `select` takes the key to read after as `$1, $2` and names the column it reads
 * `v`; `valueOf` makes a row's new value (null: left as it is); `set` assigns it from `v.x`.
 * Resolves with how many rows it set.
 */
async function fillMessages(client: PoolClient, select: string, valueOf: (read: string) => string | null, set: string): Promise<number> {
  let after: [string, number] = ['', 0];
  let filled = 0;
  for (;;) {
    const { rows } = await client.query<{ conv_key: string; seq: string | number; v: string }>(select, after);
    if (rows.length === 0) return filled;
    const values = rows.map((r) => [r.conv_key, Number(r.seq), valueOf(r.v)] as const).filter((r) => r[2] !== null);
    if (values.length > 0) {
      await client.query(
        `UPDATE messages m SET ${set} FROM unnest($1::text[], $2::bigint[], $3::text[]) AS v(k, s, x)
         WHERE m.conv_key = v.k AND m.seq = v.s`,
        [values.map((r) => r[0]), values.map((r) => r[1]), values.map((r) => r[2])],
      );
    }
    filled += values.length;
    const last = rows[rows.length - 1]!;
    after = [last.conv_key, Number(last.seq)];
  }
}

/** Fills `search_text` of every stored message, a thousand rows per round trip (migration 7). */
export async function indexExistingMessages(client: PoolClient): Promise<{ rows: number }> {
  const rows = await fillMessages(
    client,
    'SELECT conv_key, seq, body AS v FROM messages WHERE (conv_key, seq) > ($1, $2) ORDER BY conv_key, seq LIMIT 1000',
    (body) => searchTextOf(JSON.parse(body) as Message),
    'search_text = v.x',
  );
  return { rows };
}

/**
 * Fills `search_words` of every message with searchable text, ten thousand rows per round trip,
 * then builds the word index over them (faster than keeping it up row by row) and drops the
 * trigram index (migration 16).
 */
export async function indexExistingWords(client: PoolClient): Promise<{ rows: number }> {
  const rows = await fillMessages(
    client,
    `SELECT conv_key, seq, search_text AS v FROM messages WHERE (conv_key, seq) > ($1, $2) AND search_text IS NOT NULL
     ORDER BY conv_key, seq LIMIT 10000`,
    indexWords,
    `search_words = ${WORDS_VECTOR('v.x')}`,
  );
  await client.query('CREATE INDEX messages_words ON messages USING gin (search_words) WHERE search_words IS NOT NULL');
  await client.query('DROP INDEX IF EXISTS messages_search');
  return { rows };
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

/**
 * The words table and the watermarks (migration 29, see createPostgresSearch): the words and
 * text that the commits of the previous releases wrote into `messages` are copied over, the
 * indexes built after them (faster than row by row), and every conversation's watermark set to
 * its last seq. Keyed by (conversation, words) with `btree_gin` as migration 26's index was,
 * else by the words alone. The old columns and their index stay for a node of the previous
 * release during a rolling upgrade (it writes them, not this table; a move of this release
 * indexes its rows from their bodies).
 */
export async function indexWordsApart(client: PoolClient): Promise<Record<string, unknown>> {
  const { rowCount: rows } = await client.query(
    `INSERT INTO message_words (conv_key, seq, id, text, words)
     SELECT conv_key, seq, id, search_text, coalesce(search_words, ''::tsvector) FROM messages WHERE search_text IS NOT NULL`);
  const { rowCount: btreeGin } = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'btree_gin'`);
  await client.query(btreeGin === 1
    ? 'CREATE INDEX message_words_conv_words ON message_words USING gin (conv_key, words)'
    : 'CREATE INDEX message_words_words ON message_words USING gin (words)');
  await client.query('CREATE INDEX message_words_id ON message_words (id)');
  await client.query('CREATE INDEX message_words_conv_id ON message_words (conv_key, id)');
  await client.query('INSERT INTO search_marks (conv_key, seq) SELECT key, last_seq FROM conversations');
  // Statistics now, not when autovacuum gets to the new table: without them the planner took a
  // rare word for a common one and walked the id index (0.44 s across 1,000,000 messages).
  await client.query('ANALYZE message_words, search_marks');
  return { rows, index: btreeGin === 1 ? 'message_words_conv_words' : 'message_words_words (no btree_gin)' };
}

/**
 * Locks `key`'s watermark for a change to one of its rows (shared: changes to one conversation
 * are serialised by the conversation row already) and answers it: a move of the conversation
 * waits until the change commits and then reads the changed body, or the change waits for the
 * move and then finds its row below the watermark.
 */
export async function lockMark(client: PoolClient, key: string): Promise<number> {
  await client.query('INSERT INTO search_marks (conv_key, seq) VALUES ($1, 0) ON CONFLICT DO NOTHING', [key]);
  const { rows } = await client.query<{ seq: string | number }>('SELECT seq FROM search_marks WHERE conv_key = $1 FOR SHARE', [key]);
  return Number(rows[0]!.seq);
}

/** Rewrites the words of a row at or below its watermark: an edit's new text, none for a recall. */
export async function rewriteWords(client: PoolClient, key: string, seq: number, id: string, text: string | null): Promise<void> {
  await client.query('DELETE FROM message_words WHERE conv_key = $1 AND id = $2', [key, id]);
  if (text === null) return;
  await client.query(`INSERT INTO message_words (conv_key, seq, id, text, words) VALUES ($1, $2, $3, $4, coalesce(${WORDS_VECTOR('$5::text')}, ''::tsvector))`,
    [key, seq, id, text, indexWords(text)]);
}

/** Rows one move reads and indexes at most (one transaction); more are moved by the next. */
export const MOVE_ROWS = 5000;

/**
 * Moves the rows above the watermarks of `keys` into the word index, MOVE_ROWS at most, in one
 * transaction on `client` (not in one): every mover in the schema takes turns on an advisory
 * lock (two nodes' moves never read the same rows), the watermarks are locked (a change to one
 * of their rows waits, or is waited for: `lockMark`), then the rows above them are read, their
 * words made here and written in one statement, the watermarks raised to the last row read of
 * each conversation. Answers the rows read: MOVE_ROWS means more may wait. A node that dies
 * mid-move leaves nothing half done; the rows it did not move stay above the watermark, found
 * by searches on their bodies, until a move of any node (`pendingKeys`) takes them.
 */
export async function moveToIndex(client: PoolClient, keys: readonly string[]): Promise<number> {
  const sorted = [...new Set(keys)].sort();
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('natter.search-move:' || current_schema()))`);
    await client.query(`INSERT INTO search_marks (conv_key, seq) SELECT k, 0 FROM unnest($1::text[]) AS k ORDER BY k COLLATE "C" ON CONFLICT DO NOTHING`, [sorted]);
    await client.query('SELECT 1 FROM search_marks WHERE conv_key = ANY($1::text[]) ORDER BY conv_key FOR UPDATE', [sorted]);
    // In this statement's snapshot the rows above each watermark are a gapless run of committed
    // rows (see createPostgresSearch): the watermark may rise to the last of them. A text
    // message of printable ASCII (most of them) is indexed by the statement itself: folded, it is
    // its lower case ("C": no locale's), its words the runs of a-z and 0-9 (searchTextOf and
    // indexWords do the same in JavaScript; array_to_tsvector drops repeats), with no body sent
    // here and parsed on the event loop. Every other row comes back with its body, indexed
    // below, and so does one whose JSON holds a \u escape (a control character, a lone
    // surrogate: PostgreSQL's json refuses \u0000 and lone surrogates, which would stop every
    // move of its conversation). With them, in the same snapshot, each conversation's last seq
    // (`last`): when every row above the watermarks was read, that is the new watermark even if
    // no row is left.
    const { rows: all } = await client.query<{ conv_key: string | null; seq: string | number; id: string | null; body: string | null; kind: number }>(
      `WITH above AS (
         SELECT m.conv_key, m.seq, m.id, m.body, CASE WHEN strpos(m.body, E'\\\\u') = 0 THEN m.body::json -> 'elem' END AS elem
         FROM search_marks s JOIN messages m ON m.conv_key = s.conv_key AND m.seq > s.seq
         WHERE s.conv_key = ANY($1::text[]) ORDER BY m.conv_key, m.seq LIMIT ${MOVE_ROWS}),
       plain AS (
         SELECT conv_key, seq, id, lower(elem ->> 'text' COLLATE "C") AS t FROM above
         WHERE elem ->> 'type' = 'text' AND (elem ->> 'text') COLLATE "C" ~ '^[ -~]*$'),
       indexed AS (
         INSERT INTO message_words (conv_key, seq, id, text, words)
         SELECT conv_key, seq, id, t, array_to_tsvector(array_remove(regexp_split_to_array(t, '[^a-z0-9]+'), '')) FROM plain WHERE t <> '')
       SELECT a.conv_key, a.seq, a.id, a.body, 0 AS kind FROM above a
         WHERE NOT EXISTS (SELECT 1 FROM plain p WHERE p.conv_key = a.conv_key AND p.seq = a.seq)
       UNION ALL SELECT conv_key, max(seq), NULL, NULL, 1 FROM above GROUP BY conv_key
       UNION ALL SELECT NULL, count(*), NULL, NULL, 2 FROM above
       UNION ALL SELECT key, last_seq, NULL, NULL, 3 FROM conversations WHERE key = ANY($1::text[])`, [sorted]);
    // Rows left to index here (0), the last row read of each conversation (1), the rows read (2),
    // each conversation's last seq (3).
    const read = Number(all.find((r) => r.kind === 2)?.seq ?? 0);
    const marks = new Map<string, number>();
    for (const r of all) if (r.kind === (read < MOVE_ROWS ? 3 : 1)) marks.set(r.conv_key!, Number(r.seq));
    const k: string[] = [], s: number[] = [], ids: string[] = [], texts: string[] = [], words: (string | null)[] = [];
    for (const r of all) {
      if (r.kind !== 0) continue;
      const text = searchTextOf(JSON.parse(r.body!) as Message);
      if (text === null) continue;
      k.push(r.conv_key!), s.push(Number(r.seq)), ids.push(r.id!), texts.push(text), words.push(indexWords(text));
    }
    if (k.length > 0) {
      await client.query(
        `INSERT INTO message_words (conv_key, seq, id, text, words)
         SELECT k, s, i, t, coalesce(${WORDS_VECTOR('w')}, ''::tsvector) FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) AS v(k, s, i, t, w)`,
        [k, s, ids, texts, words]);
    }
    if (marks.size > 0) {
      await client.query('UPDATE search_marks s SET seq = v.s FROM unnest($1::text[], $2::bigint[]) AS v(k, s) WHERE s.conv_key = v.k',
        [[...marks.keys()], [...marks.values()]]);
    }
    await client.query('COMMIT');
    return read;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The conversations with rows above their watermark (a sweep: every conversation is read). */
export async function pendingKeys(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ key: string }>(
    'SELECT c.key FROM conversations c LEFT JOIN search_marks s ON s.conv_key = c.key WHERE c.last_seq > coalesce(s.seq, 0)');
  return rows.map((r) => r.key);
}
