import type Database from 'better-sqlite3';
import type { Message } from '../../protocol/index.js';
import { matchesTerms } from '../../protocol/search.js';
import { lookupWords, searchTextOf, wordsOf } from '../core/search-text.js';
import type { Store } from '../core/store.js';

const PENDING_SCHEMA = 'CREATE TABLE IF NOT EXISTS search_pending (row INTEGER PRIMARY KEY, words TEXT NOT NULL);';

/**
 * The words of messages not yet in the word index: what a commit (or an edit) writes in its own
 * transaction, keyed by the message row, where it used to insert into `messages_words` itself.
 * FTS5 writes the terms a transaction inserted as a new segment when it commits: a segment and a
 * larger fsync per commit, half a commit's time with the index on (48–55 µs a message against
 * 26–35 without, timed in the writer thread, where the inserts took 2.3–2.6 µs). The writer moves
 * the pending rows into the index in bulk (MOVE_PENDING): one segment for PENDING_MAX messages,
 * or for what waited when nothing was committed for PENDING_QUIET_MS. A search reads both.
 * Rows still pending when the process stopped are moved when the store opens again.
 */
export const MOVE_PENDING = [
  'INSERT INTO messages_words (rowid, words) SELECT row, words FROM search_pending ORDER BY row',
  'DELETE FROM search_pending',
] as const;
/** Pending rows past which the writer moves them into the index after its job. */
export const PENDING_MAX = 2000;
/** A writer with nothing to commit for this long moves what is pending. */
export const PENDING_QUIET_MS = 250;

/** Moves the pending rows into the word index, in one transaction (at startup: rows a stopped process left). */
export function movePending(db: Database.Database): number {
  return db.transaction(() => {
    db.prepare(MOVE_PENDING[0]).run();
    return db.prepare(MOVE_PENDING[1]).run().changes;
  }).immediate();
}

/**
 * Search (SPEC §12) in SQLite. `messages_words` indexes the words of each message's folded
 * searchable text (`searchWords`: runs of letters and digits, each Chinese or Japanese character
 * alone), written by the commit itself (the writer thread's transaction: into `search_pending`,
 * moved into the index in bulk, above) and rewritten by a change in its own transaction (an
 * edit's new text, a recall's nothing; the old words leave whichever of the two holds them).
 *
 * The index is a contentless FTS5 table (`content=''`: the words are not stored again) keeping
 * rowids only (`detail='none'`), with the `ascii` tokenizer over words we made ourselves: one
 * entry per distinct word of a message, where the trigram index it replaced wrote one per
 * character (and a folded copy of the text beside each row). Its rowid is the message row's,
 * which rises in commit order, so the index lists a word's messages newest last: a search walks
 * it backwards (`ORDER BY rowid DESC`) and stops when a page of visible results is full, never
 * materialising every match.
 *
 * `messages_vocab` lists the Latin words of three letters or more (written by the commit, the
 * writer thread remembering those it wrote): a prefix is looked up as the OR of the words it
 * starts, which FTS5 walks lazily, where its own prefix query merges all their matches first.
 *
 * A term is looked up as its words (`lookupWords`), then every candidate is checked on its body
 * (`natter_match`: folded searchable text holding every term where a word begins, `termAt`). A
 * Latin word of one or two letters is left out of the lookup (a prefix that short stands for too
 * many words); a query left with nothing to look up scans the viewer's conversations instead, as
 * does one in a conversation small next to the term's matches. The index walk reads the pending
 * rows beside it (`pendingFilter`), the same check deciding, and the two lists merge newest first.
 */
export const SEARCH_SCHEMA = `CREATE VIRTUAL TABLE messages_words USING fts5(words, content='', tokenize='ascii', detail='none', columnsize=0);
CREATE TABLE messages_vocab (word TEXT PRIMARY KEY) WITHOUT ROWID;
${PENDING_SCHEMA}`;

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
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'messages_words'`).get() !== undefined;
  // An index made before the pending table (2026-12-06) gets it.
  if (exists) return void db.exec(PENDING_SCHEMA);
  return db.transaction(() => {
    db.exec('DROP TABLE IF EXISTS messages_search; DROP TABLE IF EXISTS messages_vocab; DROP TABLE IF EXISTS search_pending;');
    const columns = db.prepare(`SELECT name FROM pragma_table_info('messages')`).pluck().all() as string[];
    if (columns.includes('search_text')) db.exec('ALTER TABLE messages DROP COLUMN search_text');
    db.exec(SEARCH_SCHEMA);
    // A commit writes its own small segment and never merges (merging was half of what the index
    // added to a commit): the writer thread merges between commits (MERGE_STEP); only a
    // level left with 64 segments is merged by the commit that makes it.
    // Those merges take 16 segments of a level at a time, not 4: each merge rewrites
    // what it merges, so fewer, wider merges write the index about half as many times over.
    db.exec(`INSERT INTO messages_words (messages_words, rank) VALUES ('automerge', 0);
      INSERT INTO messages_words (messages_words, rank) VALUES ('crisismerge', 64);
      INSERT INTO messages_words (messages_words, rank) VALUES ('usermerge', 16);`);
    const add = db.prepare('INSERT INTO messages_words (rowid, words) VALUES (?, ?)');
    const vocab = db.prepare('INSERT OR IGNORE INTO messages_vocab (word) VALUES (?)');
    const known = new Set<string>();
    const page = db.prepare('SELECT rowid, body FROM messages WHERE rowid > ? ORDER BY rowid LIMIT 1000');
    let indexed = 0;
    for (let after = 0; ;) {
      const rows = page.all(after) as { rowid: number; body: string }[];
      if (rows.length === 0) break;
      for (const r of rows) {
        const { words, prefixes } = wordsOf(searchTextOf(JSON.parse(r.body) as Message));
        if (words) add.run(r.rowid, words), indexed++;
        for (const w of prefixes ?? []) if (!known.has(w)) known.add(w), vocab.run(w);
      }
      after = rows[rows.length - 1]!.rowid;
    }
    return indexed;
  }).immediate();
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

/**
 * Pending rows (`search_pending`) that may match: each word of the lookup among the row's words,
 * a prefix where a word begins. Conditions on `p.words` and their parameters; none when the lookup
 * is empty (then every pending row is a candidate, the check on its body deciding, as for the index).
 */
function pendingFilter(terms: readonly string[]): { sql: string[]; params: Record<string, string> } {
  const sql: string[] = [];
  const params: Record<string, string> = {};
  lookupWords(terms).forEach((w, i) => {
    params[`p${i}`] = w.prefix ? ` ${w.word}` : ` ${w.word} `;
    sql.push(`instr(' ' || p.words || ' ', :p${i}) > 0`);
  });
  return { sql, params };
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
  db.function('natter_match', { deterministic: true, varargs: true }, (body, terms) => {
    if (terms !== lastTerms) parsedTerms = JSON.parse((lastTerms = terms as string)) as string[];
    const text = searchTextOf(JSON.parse(body as string) as Message);
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
  // Visible to the viewer now: a member, the row not targeted at someone else, above the history floor.
  const visible = `ms.user_id = :viewer AND (m.vis1 IS NULL OR m.vis1 = :viewer OR m.vis2 = :viewer)
    AND m.seq > CASE WHEN g.history_visibility = 'since-join' THEN ms.joined_seq ELSE 0 END`;
  const groups = `LEFT JOIN groups g ON substr(m.conv_key, 1, 6) = 'group:' AND g.id = substr(m.conv_key, 7)`;

  const read = db.transaction((a: () => Found[], b: () => Found[]): [Found[], Found[]] => [a(), b()]);

  return {
    async searchMessages(viewer, { terms, key, before, limit }) {
      const params: Record<string, unknown> = { viewer, limit, terms: JSON.stringify(terms) };
      const filters: string[] = [];
      if (key !== undefined) params['key'] = key, filters.push('m.conv_key = :key');
      if (before !== undefined) {
        // Pages follow the index's order (commits'): the cursor's message gives the row to continue below.
        const row = rowOf.get(before) as number | undefined;
        if (row !== undefined) params['row'] = row, filters.push('ROWID < :row');
        else params['before'] = before, filters.push('m.id < :before');
      }
      const match = lookupOf(terms, expand);
      if (match === undefined) return [];
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
      // A scan keeps the index's few matches, held in a list (a cheap probe a row), from checking
      // every body; with many, most bodies it reads match anyway.
      if (!useIndex && fewMatches) filters.push('m.rowid IN (SELECT rowid FROM messages_words WHERE messages_words MATCH :match UNION ALL SELECT row FROM search_pending)');
      // The body's check last, behind the filters, which SQLite might otherwise test after it
      // (CASE is evaluated lazily).
      const check = 'natter_match(m.body, :terms, ms.joined_seq)';
      // The filters stay conditions of their own too: the planner uses them (the conversation's rows).
      const where = (more: string[] = []) => {
        const all = [...filters, ...more];
        return [visible, ...all, all.length > 0 ? `CASE WHEN ${all.join(' AND ')} THEN ${check} END` : check].join(' AND ');
      };
      // CROSS JOIN fixes the order of the loops: the index newest first, or the viewer's conversations.
      if (match) params['match'] = match;
      if (!useIndex) {
        const sql = `SELECT m.body FROM memberships ms CROSS JOIN messages m ON m.conv_key = ms.conv_key ${groups}
           WHERE ${where()} ORDER BY ${key === undefined ? 'm.rowid DESC' : 'm.seq DESC'} LIMIT :limit`;
        return (prepared(sql.replaceAll('ROWID <', 'm.rowid <')).pluck().all(params) as string[]).map(parse);
      }
      // The index's matches, and the pending rows' (newer, mostly): each list newest first, read
      // in one transaction (one snapshot: a move between the two reads would lose rows or repeat them).
      const viewers = `JOIN memberships ms ON ms.conv_key = m.conv_key AND ms.user_id = :viewer ${groups}`;
      const indexed = `SELECT w.rowid AS r, m.body FROM messages_words w CROSS JOIN messages m ON m.rowid = w.rowid ${viewers}
           WHERE messages_words MATCH :match AND ${where()} ORDER BY w.rowid DESC LIMIT :limit`;
      const waiting = pendingFilter(terms);
      const pending = `SELECT p.row AS r, m.body FROM search_pending p CROSS JOIN messages m ON m.rowid = p.row ${viewers}
           WHERE ${where(waiting.sql)} ORDER BY p.row DESC LIMIT :limit`;
      const [found, waited] = read(
        () => prepared(indexed.replaceAll('ROWID <', 'w.rowid <')).all(params) as Found[],
        () => prepared(pending.replaceAll('ROWID <', 'p.row <')).all({ ...params, ...waiting.params }) as Found[],
      );
      return newestFirst(found, waited, limit).map((f) => parse(f.body));
    },
  };
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
