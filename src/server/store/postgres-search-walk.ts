import type { QueryResultRow } from 'pg';
import type { Message } from '../../protocol/index.js';
import { matchesTerms, SPACELESS, UNSEARCHED_TYPES } from '../../protocol/search.js';
import { needsWordStart, searchTextOf } from '../core/search-text.js';
import type { Store } from '../core/store.js';
import type { SearchFound } from '../core/types.js';
import { visibleTo } from './postgres-schema.js';
import { INDEXED_KINDS } from './postgres-search-kinds.js';

/** The searcher's rows a page reads at most (sqlite-search.ts's SCAN_ROWS): their texts checked, their filters tested. */
export const SCAN_ROWS = 2000;
/** Rows of the id order across conversations (everyone's) a page's walk spans at most (sqlite-search.ts's WALK_ROWS). */
export const WALK_ROWS = 20000;

/** SPACELESS as the inside of a bracket expression (literal characters, which ARE reads as JS does). */
const SPACELESS_CLASS = SPACELESS.map(([a, b]) => `${String.fromCodePoint(a)}-${String.fromCodePoint(b)}`).join('');

/** A regex matching folded text where `term` starts a word (`termAt` in SQL: ARE syntax, the same ranges). */
const wordStart = (term: string) => `(^|[^[:alnum:]]|[${SPACELESS_CLASS}])${term.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')}`;

/** SQL testing that folded `column` holds `term` where `termAt` finds it; `p` adds a parameter and names it. */
export const termCheck = (column: string, term: string, p: (value: unknown) => string): string =>
  needsWordStart(term) ? `${column} ~ ${p(wordStart(term))}` : `strpos(${column}, ${p(term)}) > 0`;

type Query = <R extends QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

/**
 * A search the word index cannot narrow (a term of one or two letters, digits: no word to look
 * up) or one by filters alone, bounded a page as SQLite's is: it read the searcher's rows newest
 * first until a page was full (all of them for a rare match). A page now starts at the searcher's
 * newest row below the cursor (a row of each of their conversations, one index probe each) and
 * reads at most SCAN_ROWS of the searcher's rows: across, within WALK_ROWS rows of the id order
 * (of the kind index for a kind it holds) down from there; in one conversation, its next
 * SCAN_ROWS rows. What they hold is checked in SQL (texts the index holds, the filters) or here
 * (texts above the watermark, the pending list). A page that ends with fewer than `limit` results
 * carries `continueBelow`, the lowest of the searcher's rows it read (never another
 * conversation's id), when its walk stopped before the end; the next page goes on below it, so
 * every match is found once, in order.
 */
export function createPostgresSearchWalk(query: Query, parse: (body: string) => Message): Store['searchMessages'] {
  return async (viewer, { terms, key, before, limit, filter }) => {
    const params: unknown[] = [viewer, limit];
    const p = (value: unknown) => `$${params.push(value)}`;
    const scope = key !== undefined ? `AND ms.conv_key = ${p(key)}` : '';
    // The start: below the cursor and below an upper bound, whichever is lower (ASCII both: CURSOR).
    const start = [before, filter?.idBelow].filter((x): x is string => x !== undefined).sort()[0];
    // The end: above a lower bound. A walk that reached it leaves nothing to continue below.
    const floorId = filter?.idAbove !== undefined ? p(filter.idAbove) : undefined;
    const above = floorId !== undefined ? ` AND m.id > ${floorId}` : '';
    const tests = [visibleTo('$1')];
    // A sender is walked in the (sender, id) index (migration 35), across or in one conversation:
    // its WALK_ROWS newest rows below the start, so a rare sender's page spans the whole table (the
    // id order's walk made one old message of theirs 11 pages of up to 0.4 s in 200,000 rows).
    // Across, a kind the kind index holds (all but text) is walked there: its WALK_ROWS newest rows below the start,
    // everyone's, so a rare kind spans much of the table a page. In one conversation that index would read every
    // row of the kind (it is not by conversation): the conversation's rows are walked, the kind tested on each.
    const kind = filter?.kind;
    const bySender = filter?.sender !== undefined ? ` AND m.sender = ${p(filter.sender)}` : '';
    const byKind = !bySender && key === undefined && kind !== undefined && INDEXED_KINDS.has(kind) ? ` AND natter_search_kind(m.body) = ${p(kind)}` : '';
    const by = bySender || byKind;
    const lead = bySender ? 'm.sender DESC, ' : byKind ? 'natter_search_kind(m.body) DESC, ' : '';
    // natter_elem_type: a body holding \u0000 fails `body::json #>> …` (migration 33).
    if (byKind) {
      // Walked by kind already.
    } else if (kind === 'link') tests.push(`natter_search_kind(m.body) = 'link'`);
    else if (kind !== undefined) tests.push(`natter_elem_type(m.body) = ${p(kind)}`);
    else if (terms.length === 0) tests.push(`natter_elem_type(m.body) NOT IN (${UNSEARCHED_TYPES.map((t) => `'${t}'`).join(', ')})`);
    // Texts the index holds are checked in SQL, as termAt does; pending ones in JavaScript.
    const text = terms.map((t) => termCheck('w.text', t, p)).join(' AND ');
    // A conversation's rows are read by comparing (conv_key, id) as a row, in that index's order:
    // the only index that gives it, so the planner positions there. With `conv_key = …` it took the
    // id index instead and read the table down to the conversation's rows (0.46 s for the newest
    // rows of 20 conversations of 100,000 rows, 5 of them empty), or the primary key and all of them.
    const sql = `WITH mine AS MATERIALIZED (
        SELECT ms.conv_key, CASE WHEN g.history_visibility = 'since-join' THEN ms.joined_seq ELSE 0 END AS floor, coalesce(sm.seq, 0) AS mark
        FROM memberships ms LEFT JOIN groups g ON g.id = substr(ms.conv_key, 7) AND ms.conv_key LIKE 'group:%'
        LEFT JOIN search_marks sm ON sm.conv_key = ms.conv_key
        WHERE ms.user_id = $1 ${scope}),
      top AS MATERIALIZED (SELECT max(t.id) AS id FROM mine CROSS JOIN LATERAL (
        SELECT m.conv_key, m.id, m.seq FROM messages m WHERE ${start !== undefined ? `(m.conv_key, m.id) < (mine.conv_key, ${p(start)})` : 'm.conv_key <= mine.conv_key'}
        ORDER BY m.conv_key DESC, m.id DESC LIMIT 1) t WHERE t.conv_key = mine.conv_key AND t.seq > mine.floor${floorId !== undefined ? ` AND t.id > ${floorId}` : ''}),
      ${key !== undefined && !bySender ? `
      walked AS MATERIALIZED (SELECT i.conv_key, i.seq, i.id, i.seq > mine.mark AS pending FROM mine CROSS JOIN LATERAL (
        SELECT m.conv_key, m.seq, m.id FROM messages m WHERE (m.conv_key, m.id) <= (mine.conv_key, (SELECT id FROM top))
        ORDER BY m.conv_key DESC, m.id DESC LIMIT ${SCAN_ROWS}) i WHERE i.conv_key = mine.conv_key AND i.seq > mine.floor${above.replace('m.id', 'i.id')}),
      edge AS (SELECT min(id) AS id FROM walked HAVING count(*) = ${SCAN_ROWS})` : `
      bottom AS MATERIALIZED (SELECT m.id FROM messages m WHERE m.id <= (SELECT id FROM top)${by}
        ORDER BY ${lead}m.id DESC OFFSET ${WALK_ROWS - 1} LIMIT 1),
      walked AS MATERIALIZED (SELECT m.conv_key, m.seq, m.id, m.seq > mine.mark AS pending FROM mine JOIN messages m ON m.conv_key = mine.conv_key AND m.seq > mine.floor
        WHERE m.id <= (SELECT id FROM top) AND m.id >= coalesce((SELECT id FROM bottom), '')${above}${by}
        ORDER BY ${lead}m.id DESC LIMIT ${SCAN_ROWS}),
      edge AS (SELECT CASE WHEN (SELECT count(*) FROM walked) = ${SCAN_ROWS} THEN (SELECT min(id) FROM walked) ELSE (
          SELECT min(x.id) FROM mine CROSS JOIN LATERAL (SELECT m.conv_key, m.id, m.seq FROM messages m WHERE (m.conv_key, m.id) >= (mine.conv_key, (SELECT id FROM bottom))
            ORDER BY m.conv_key, m.id LIMIT 1) x WHERE x.conv_key = mine.conv_key AND x.id <= (SELECT id FROM top) AND x.seq > mine.floor) END AS id
        WHERE (SELECT count(*) FROM walked) = ${SCAN_ROWS} OR (SELECT id FROM bottom)${floorId !== undefined ? ` > ${floorId}` : ' IS NOT NULL'})`}
      (SELECT m.body, false AS pending FROM walked JOIN messages m ON m.conv_key = walked.conv_key AND m.seq = walked.seq${terms.length > 0 ? `
        JOIN message_words w ON w.conv_key = walked.conv_key AND w.id = walked.id AND w.seq = walked.seq` : ''}
        WHERE ${terms.length > 0 ? `NOT walked.pending AND ${text} AND ` : ''}${tests.join(' AND ')} ORDER BY walked.id DESC LIMIT $2)${terms.length > 0 ? `
      UNION ALL (SELECT m.body, true FROM walked JOIN messages m ON m.conv_key = walked.conv_key AND m.seq = walked.seq
        WHERE walked.pending AND ${tests.join(' AND ')})` : ''}
      UNION ALL SELECT id, NULL FROM edge`;
    const rows = await query<{ body: string; pending: boolean | null }>(sql, params);
    let found: SearchFound = [];
    let edge: string | null | undefined;
    for (const r of rows) {
      if (r.pending === null) edge = r.body;
      else if (!r.pending) found.push(parse(r.body));
      else {
        const m = parse(r.body);
        if (matchesTerms(searchTextOf(m) ?? '', terms)) found.push(m);
      }
    }
    // The pending matches merged in newest first (ids are UUIDv7: ASCII, ordered alike here and there).
    if (rows.some((r) => r.pending === true)) found = found.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, limit);
    if (found.length < limit && edge !== null && edge !== undefined) found.continueBelow = edge;
    return found;
  };
}
