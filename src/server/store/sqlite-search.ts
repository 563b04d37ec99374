import type Database from 'better-sqlite3';
import type { Message } from '../../protocol/index.js';
import { matchesTerms } from '../../protocol/search.js';
import { lookupWords, searchTextOf, wordsOf } from '../core/search-text.js';
import type { Store } from '../core/store.js';

/**
 * The word index's watermark: the last message row whose words it holds. Rows above it are the
 * index's pending list, read from the messages table itself: a commit writes nothing for search
 * at all. The writer thread holds the words of the rows it committed in memory (computed on the
 * event loop) and moves them into FTS5 in bulk, the watermark raised in the same transaction
 * (sqlite-writer.ts): one segment for PENDING_MAX messages, or for what waited when nothing was
 * committed for PENDING_QUIET_MS. A search checks the rows above the watermark on their body
 * beside the index walk. Rows above it when the store opens (a process that died before its move)
 * are indexed from their bodies then (`catchUpSearch`).
 *
 * Until 2026-12-06 each commit wrote its words into a `search_pending` table that the writer
 * moved: a row written and deleted again per message, its pages in every commit's WAL and fsync.
 */
const MARK_SCHEMA = 'CREATE TABLE IF NOT EXISTS search_mark (id INTEGER PRIMARY KEY CHECK (id = 1), last_row INTEGER NOT NULL);';
/** The watermark as SQL: a constant subquery, read in the statement's own snapshot. */
const MARK = '(SELECT last_row FROM search_mark)';
/** Raises the watermark (the writer's move; the catch-up at startup). */
export const SET_MARK = 'UPDATE search_mark SET last_row = ?';
/** Rows above the watermark past which the writer moves them into the index after its job; the most one move takes. */
export const PENDING_MAX = 2000;
/** A writer with nothing to commit for this long moves what is pending. */
export const PENDING_QUIET_MS = 250;

/**
 * Search (SPEC §12) in SQLite. `messages_words` indexes the words of each message's folded
 * searchable text (`searchWords`: runs of letters and digits, each Chinese or Japanese character
 * alone), moved in by the writer thread in bulk (the watermark, above), and rewritten by a change
 * to a row below the watermark in the change's own transaction (an edit's new text, a recall's
 * nothing); a change to a row above it changes only the words the writer holds for it.
 *
 * The index is a contentless FTS5 table (`content=''`: the words are not stored again) keeping
 * rowids only (`detail='none'`), with the `ascii` tokenizer over words we made ourselves: one
 * entry per distinct word of a message, where the trigram index it replaced wrote one per
 * character (and a folded copy of the text beside each row). Its rowid is the message row's,
 * which rises in commit order, so the index lists a word's messages newest last: a search walks
 * it backwards (`ORDER BY rowid DESC`) and stops when a page of visible results is full, never
 * materialising every match.
 *
 * `messages_vocab` lists the Latin words of three letters or more (written with the words they
 * come with, the writer thread remembering those it wrote): a prefix is looked up as the OR of the
 * words it starts, which FTS5 walks lazily, where its own prefix query merges all their matches first.
 *
 * A term is looked up as its words (`lookupWords`), then every candidate is checked on its body
 * (`natter_match`: folded searchable text holding every term where a word begins, `termAt`). A
 * Latin word of one or two letters is left out of the lookup (a prefix that short stands for too
 * many words); a query left with nothing to look up scans the viewer's conversations instead, as
 * does one in a conversation small next to the term's matches. The index walk reads the rows above
 * the watermark beside it, the same check deciding, and the two lists merge newest first.
 */
export const SEARCH_SCHEMA = `CREATE VIRTUAL TABLE messages_words USING fts5(words, content='', tokenize='ascii', detail='none', columnsize=0);
CREATE TABLE messages_vocab (word TEXT PRIMARY KEY) WITHOUT ROWID;
${MARK_SCHEMA}
INSERT INTO search_mark (id, last_row) VALUES (1, 0);`;

/**
 * One step of merging the word index's segments, run by the writer thread between its jobs
 * while nothing is queued (sqlite-writer.ts): at most 256 pages of merge work, levels of 16
 * segments or more.
 */
export const MERGE_STEP = `INSERT INTO messages_words (messages_words, rank) VALUES ('merge', 256)`;

/**
 * Past this many words a prefix stands for, it is looked up as an FTS5 prefix query instead
 * (which merges every word's matches before the walk can start).
 */
const EXPANSIONS_MAX = 64;

/** Counting a lookup's matches stops here: enough to tell a common term from a rare one. */
const COUNT_CAP = 5000;

/**
 * Creates the word index on a database made before it (before search, or with the trigram index
 * of 2026-12-05: `messages_search` and the `search_text` column it indexed are dropped) and
 * indexes every message already stored, in one transaction. Returns the rows indexed, or
 * undefined when the index existed.
 */
export function upgradeSearch(db: Database.Database): number | undefined {
  if (db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'messages_words'`).get() !== undefined) return undefined;
  return db.transaction(() => {
    db.exec('DROP TABLE IF EXISTS messages_search; DROP TABLE IF EXISTS messages_vocab; DROP TABLE IF EXISTS search_pending; DROP TABLE IF EXISTS search_mark;');
    const columns = db.prepare(`SELECT name FROM pragma_table_info('messages')`).pluck().all() as string[];
    if (columns.includes('search_text')) db.exec('ALTER TABLE messages DROP COLUMN search_text');
    db.exec(SEARCH_SCHEMA);
    // A move writes one segment and never merges (merging was half of what the index once
    // added to a commit): the writer thread merges between its jobs (MERGE_STEP); only a
    // level left with 64 segments is merged by the transaction that makes it.
    // Those merges take 16 segments of a level at a time, not 4: each merge rewrites
    // what it merges, so fewer, wider merges write the index about half as many times over.
    db.exec(`INSERT INTO messages_words (messages_words, rank) VALUES ('automerge', 0);
      INSERT INTO messages_words (messages_words, rank) VALUES ('crisismerge', 64);
      INSERT INTO messages_words (messages_words, rank) VALUES ('usermerge', 16);`);
    return indexFrom(db, 0);
  }).immediate();
}

/**
 * Brings the word index up to the messages when the store opens (before the writer starts):
 * rows a process of the previous release left in its `search_pending` table are moved in (and
 * the table dropped, the watermark set above every row: that release indexed the others), then
 * the rows above the watermark (a process that died before its move) are indexed from their
 * bodies. Returns the rows indexed.
 */
export function catchUpSearch(db: Database.Database): number {
  return db.transaction(() => {
    let moved = 0;
    if (db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'search_mark'`).get() === undefined) {
      if (db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'search_pending'`).get() !== undefined) {
        moved = db.prepare('INSERT INTO messages_words (rowid, words) SELECT row, words FROM search_pending ORDER BY row').run().changes;
        db.exec('DROP TABLE search_pending');
      }
      db.exec(MARK_SCHEMA);
      db.prepare('INSERT INTO search_mark (id, last_row) SELECT 1, coalesce(max(rowid), 0) FROM messages').run();
    }
    return moved + indexFrom(db, db.prepare('SELECT last_row FROM search_mark').pluck().get() as number);
  }).immediate();
}

/** Indexes the messages above row `after` from their bodies and raises the watermark past them; returns the rows indexed. */
function indexFrom(db: Database.Database, after: number): number {
  const add = db.prepare('INSERT INTO messages_words (rowid, words) VALUES (?, ?)');
  const vocab = db.prepare('INSERT OR IGNORE INTO messages_vocab (word) VALUES (?)');
  const known = new Set<string>();
  const page = db.prepare('SELECT rowid, body FROM messages WHERE rowid > ? ORDER BY rowid LIMIT 1000');
  let indexed = 0;
  for (; ;) {
    const rows = page.all(after) as { rowid: number; body: string }[];
    if (rows.length === 0) break;
    for (const r of rows) {
      const { words, prefixes } = wordsOf(searchTextOf(JSON.parse(r.body) as Message));
      if (words) add.run(r.rowid, words), indexed++;
      for (const w of prefixes ?? []) if (!known.has(w)) known.add(w), vocab.run(w);
    }
    after = rows[rows.length - 1]!.rowid;
  }
  db.prepare(SET_MARK).run(after);
  return indexed;
}

/**
 * The FTS5 query of the terms (`lookupWords`), AND'ed: each word an FTS5 string; a prefix as the
 * OR of the words of the vocabulary it starts (walked lazily, newest first, where an FTS5 prefix
 * query merges every match first: 13–70 ms for a word in 100,000 of a million messages), or as a
 * prefix query past EXPANSIONS_MAX of them. Undefined when a prefix starts no word at all: nothing
 * can match.
 */
function lookupOf(terms: readonly string[], expand: (prefix: string) => string[]): string | undefined {
  const parts: string[] = [];
  for (const w of lookupWords(terms)) {
    if (!w.prefix) {
      parts.push(`"${w.word}"`);
      continue;
    }
    const words = expand(w.word);
    if (words.length === 0) return undefined;
    parts.push(words.length > EXPANSIONS_MAX ? `"${w.word}"*` : `(${words.map((x) => `"${x}"`).join(' OR ')})`);
  }
  return parts.join(' AND ');
}

export function createSqliteSearch(db: Database.Database, parse: (body: unknown) => Message): Pick<Store, 'searchMessages'> {
  // The check every candidate passes: its searchable text, folded, holds every term where a word
  // begins. Read from the body (kept once): a stored copy of the folded text cost every commit
  // more than this costs the rows a search reads.
  let lastTerms = '';
  let parsedTerms: string[] = [];
  // Its third argument is a column of the membership row: unused, it makes SQLite test the match
  // only in the loop that joined the membership, so only rows the viewer may see are parsed and
  // folded (on `m` alone, the index walk checked every message it passed: 30 ms for 1,000 of
  // them; not `ms.user_id`, which SQLite replaces by the viewer bound to it).
  // A fourth argument, when a search is filtered by kind, is the elem type the message must have.
  db.function('natter_match', { deterministic: true, varargs: true }, (body, terms, _joined, kind) => {
    if (terms !== lastTerms) parsedTerms = JSON.parse((lastTerms = terms as string)) as string[];
    const message = JSON.parse(body as string) as Message;
    if (kind !== undefined && message.elem?.type !== kind) return 0;
    const text = searchTextOf(message);
    return text !== null && matchesTerms(text, parsedTerms) ? 1 : 0;
  });
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  // Words sort by their UTF-8 bytes: those starting with the prefix lie below prefix + U+10FFFF.
  const expansions = db.prepare(`SELECT word FROM messages_vocab WHERE word >= ? AND word < ? LIMIT ${EXPANSIONS_MAX + 1}`).pluck();
  const expand = (prefix: string) => expansions.all(prefix, `${prefix}\u{10ffff}`) as string[];
  const countMatches = db.prepare(`SELECT count(*) FROM (SELECT rowid FROM messages_words WHERE messages_words MATCH ? LIMIT ${COUNT_CAP})`).pluck();
  const lastRow = db.prepare('SELECT max(rowid) FROM messages').pluck();
  const rowOf = db.prepare('SELECT rowid FROM messages WHERE id = ?').pluck();
  // The viewer's rows in scope: each conversation's seqs above its floor (an upper bound: changes count too).
  const scopeSize = (key: string | undefined) => db.prepare(
    `SELECT coalesce(sum(c.last_seq - CASE WHEN g.history_visibility = 'since-join' THEN ms.joined_seq ELSE 0 END), 0)
     FROM memberships ms JOIN conversations c ON c.key = ms.conv_key
     LEFT JOIN groups g ON substr(ms.conv_key, 1, 6) = 'group:' AND g.id = substr(ms.conv_key, 7)
     WHERE ms.user_id = :viewer ${key === undefined ? '' : 'AND ms.conv_key = :key'}`).pluck();
  const scopeAll = scopeSize(undefined);
  const scopeOne = scopeSize('');
  const read = db.transaction((a: () => Found[], b: () => Found[]): [Found[], Found[]] => [a(), b()]);

  return {
    async searchMessages(viewer, { terms, key, before, limit, filter }) {
      const params: Record<string, unknown> = { viewer, limit, terms: JSON.stringify(terms) };
      const filtered: SearchShape['filter'] = {};
      if (filter?.sender !== undefined) params['from'] = filter.sender, filtered.sender = true;
      if (filter?.idAbove !== undefined) params['idAbove'] = filter.idAbove, filtered.above = true;
      if (filter?.idBelow !== undefined) params['idBelow'] = filter.idBelow, filtered.below = true;
      if (filter?.elemType !== undefined) params['kind'] = filter.elemType, filtered.kind = true;
      let cursor: SearchShape['cursor'];
      if (key !== undefined) params['key'] = key;
      if (before !== undefined) {
        // Pages follow the index's order (commits'): the cursor's message gives the row to continue below.
        const row = rowOf.get(before) as number | undefined;
        if (row !== undefined) params['row'] = row, cursor = 'row';
        else params['before'] = before, cursor = 'id';
      }
      const match = lookupOf(terms, expand);
      const shape = { key: key !== undefined, cursor, ...(filter !== undefined && { filter: filtered }) };
      // A prefix that starts no word of the vocabulary is in no row below the watermark.
      if (match === undefined) return (prepared(searchStatements({ ...shape, plan: 'above' })[0]!).all(params) as Found[]).map((f) => parse(f.body));
      let useIndex = match.length > 0;
      let fewMatches = false;
      if (useIndex) {
        // Rows each plan expects to read to fill a page (matches spread evenly): the index walk
        // until `limit` of its matches are the viewer's, against the viewer's rows in scope
        // (across: all of them, sorted; one conversation: newest first until `limit` match).
        const total = Math.max(1, (lastRow.get() as number | null) ?? 1);
        const scope = Math.max(1, (key === undefined ? scopeAll.get({ viewer }) : scopeOne.get({ viewer, key })) as number);
        const matches = Math.max(1, countMatches.get(match) as number);
        fewMatches = matches < COUNT_CAP;
        const walk = Math.min(matches, (limit * total) / scope);
        const scan = key === undefined ? scope : Math.min(scope, (limit * total) / matches);
        useIndex = walk <= scan;
      }
      if (match) params['match'] = match;
      if (!useIndex) return (prepared(searchStatements({ ...shape, plan: fewMatches ? 'scan-few' : 'scan' })[0]!).pluck().all(params) as string[]).map(parse);
      // The index's matches, and those of the rows above the watermark (the newest): each list
      // newest first, read in one transaction (one snapshot: a move between the two reads would
      // lose rows or repeat them).
      const [indexed, above] = searchStatements({ ...shape, plan: 'index' }).map(prepared);
      const [found, waited] = read(() => indexed!.all(params) as Found[], () => above!.all(params) as Found[]);
      return newestFirst(found, waited, limit).map((f) => parse(f.body));
    },
  };
}

/**
 * What decides the statements a search runs: one conversation or all the viewer's, a cursor (the
 * row of its message, or its id when it is gone) and the plan: the index walk beside the rows
 * above the watermark (`index`), the viewer's conversations read newest first, every body checked
 * (`scan`) or only those the index or the watermark let through (`scan-few`), or the rows above
 * the watermark alone (`above`: a prefix that starts no word of the vocabulary).
 */
export interface SearchShape {
  key: boolean;
  cursor: 'row' | 'id' | undefined;
  plan: 'index' | 'scan' | 'scan-few' | 'above';
  /** The search's filters (SearchFilter) that are set: :from, :idAbove, :idBelow, :kind. */
  filter?: { sender?: boolean; above?: boolean; below?: boolean; kind?: boolean };
}

/**
 * The SQL of a search of that shape, over the parameters :viewer, :terms, :limit and, as the
 * shape says, :key, :row or :before and :match (exported for the plan-regression test: the
 * statements must keep using their indexes).
 */
export function searchStatements(shape: SearchShape): string[] {
  const filters: string[] = [];
  if (shape.key) filters.push('m.conv_key = :key');
  // The cursor's row bounds the table each statement walks (for the index walk, FTS5 starts below it).
  if (shape.cursor === 'row') filters.push('ROWID < :row');
  else if (shape.cursor === 'id') filters.push('m.id < :before');
  // The filters: columns tested before the body's check (the kind is the check's, on the body it parses).
  if (shape.filter?.sender) filters.push('m.sender = :from');
  if (shape.filter?.above) filters.push('m.id > :idAbove');
  if (shape.filter?.below) filters.push('m.id < :idBelow');
  // A scan keeps the index's few matches, held in a list (a cheap probe a row), from checking
  // every body; with many, most bodies it reads match anyway.
  if (shape.plan === 'scan-few') filters.push(`(m.rowid > ${MARK} OR m.rowid IN (SELECT rowid FROM messages_words WHERE messages_words MATCH :match))`);
  // Visible to the viewer now: a member, the row not targeted at someone else, above the history floor.
  const visible = `ms.user_id = :viewer AND (m.vis1 IS NULL OR m.vis1 = :viewer OR m.vis2 = :viewer)
    AND m.seq > CASE WHEN g.history_visibility = 'since-join' THEN ms.joined_seq ELSE 0 END`;
  const groups = `LEFT JOIN groups g ON substr(m.conv_key, 1, 6) = 'group:' AND g.id = substr(m.conv_key, 7)`;
  // The body's check last, behind the filters, which SQLite might otherwise test after it
  // (CASE is evaluated lazily). The filters stay conditions of their own too: the planner uses
  // them (the conversation's rows).
  const check = `natter_match(m.body, :terms, ms.joined_seq${shape.filter?.kind ? ', :kind' : ''})`;
  const where = [visible, ...filters, filters.length > 0 ? `CASE WHEN ${filters.join(' AND ')} THEN ${check} END` : check].join(' AND ');
  // CROSS JOIN fixes the order of the loops: the index newest first, the viewer's conversations,
  // or one conversation newest first by (conv_key, seq), the membership probed per row. (With the
  // membership first, SQLite sorted the whole conversation once it had statistics: it could not
  // tell that the loop over memberships_by_conv gives one row.)
  const viewers = `JOIN memberships ms ON ms.conv_key = m.conv_key AND ms.user_id = :viewer ${groups}`;
  if (shape.plan === 'scan' || shape.plan === 'scan-few') {
    const from = shape.key ? `messages m CROSS ${viewers}` : `memberships ms CROSS JOIN messages m ON m.conv_key = ms.conv_key ${groups}`;
    return [`SELECT m.body FROM ${from}
      WHERE ${where} ORDER BY ${shape.key ? 'm.seq DESC' : 'm.rowid DESC'} LIMIT :limit`.replaceAll('ROWID <', 'm.rowid <')];
  }
  // The rows above the watermark by their rowid, newest first, never by the conversation's index
  // (NOT INDEXED): that would read the whole conversation to find the few newest rows.
  const above = `SELECT m.rowid AS r, m.body FROM messages m NOT INDEXED ${viewers}
    WHERE m.rowid > ${MARK} AND ${where} ORDER BY m.rowid DESC LIMIT :limit`;
  if (shape.plan === 'above') return [above.replaceAll('ROWID <', 'm.rowid <')];
  return [`SELECT w.rowid AS r, m.body FROM messages_words w CROSS JOIN messages m ON m.rowid = w.rowid ${viewers}
    WHERE messages_words MATCH :match AND ${where} ORDER BY w.rowid DESC LIMIT :limit`.replaceAll('ROWID <', 'w.rowid <'), above.replaceAll('ROWID <', 'm.rowid <')];
}

interface Found {
  r: number;
  body: string;
}

/** The first `limit` of two lists of distinct rows, each newest first, newest first. */
function newestFirst(a: Found[], b: Found[], limit: number): Found[] {
  const out: Found[] = [];
  let i = 0;
  let j = 0;
  while (out.length < limit && (i < a.length || j < b.length)) {
    out.push(j >= b.length || (i < a.length && a[i]!.r > b[j]!.r) ? a[i++]! : b[j++]!);
  }
  return out;
}
