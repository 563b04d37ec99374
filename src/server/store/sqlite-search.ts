import type Database from 'better-sqlite3';
import type { Message } from '../../protocol/index.js';
import { matchesKind, matchesTerms, UNSEARCHED_TYPES } from '../../protocol/search.js';
import type { SearchKind } from '../../protocol/search-limits.js';
import { lookupWords, searchTextOf, wordsOf } from '../core/search-text.js';
import type { Store } from '../core/store.js';
import type { SearchFound } from '../core/types.js';

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

/**
 * Bodies a scan checks at most (`natter_match`, some 25 µs each on the event loop: a one-letter
 * query over 22,000 rows held every other user's frames 0.5–1.1 s). Past them the scan stops at
 * this many of the newest rows in scope (their floor found natively first, `scanFloorStatement`)
 * and the page ends there (`continueBelow`): the next one goes on below.
 */
export const SCAN_ROWS = 2000;

/**
 * Rows of the messages table a scan across the viewer's conversations walks at most a page
 * (natively, by rowid, the membership probed per row; no body parsed): the page is a rowid range
 * of this width starting at the viewer's newest row below the cursor (`newestRowBelow`). The
 * viewer's rows were sorted as a whole to find the SCAN_ROWS-th newest (20–80 ms for 22,000 rows
 * on the event loop; seconds for a million).
 */
export const WALK_ROWS = 20000;

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

/**
 * A message row's search kind as SQL over its body, as `searchKindOf` makes it in JavaScript: the
 * elem type of a picture, video, sound, file or location, `link` for a text holding a web address
 * (`hasLink`: the same three strings, ASCII case-folded as SQLite's lower() does; instr(), not
 * LIKE, which stops at a NUL), NULL for everything else. Only the upgrade reads it (below): the
 * writer thread writes each row's kind into `search_kind` with the row, from the message it holds
 * (an index on this expression cost each commit 1.7 µs of its 16.5 a message, bench:commit: the
 * body's JSON read again), and a change's with the body it changes.
 */
export const KIND_EXPR = `(CASE json_extract(body, '$.elem.type') WHEN 'image' THEN 'image' WHEN 'video' THEN 'video' WHEN 'sound' THEN 'sound'
  WHEN 'file' THEN 'file' WHEN 'location' THEN 'location' WHEN 'text' THEN CASE WHEN instr(lower(json_extract(body, '$.elem.text')), 'http://') > 0
    OR instr(lower(json_extract(body, '$.elem.text')), 'https://') > 0 OR instr(lower(json_extract(body, '$.elem.text')), 'www.') > 0 THEN 'link' END END)`;

/** Kinds `messages_kind` holds: a search by one of them without words walks it newest first. */
const INDEXED_KINDS: ReadonlySet<SearchKind> = new Set(['image', 'video', 'sound', 'file', 'location', 'link']);

/**
 * The search kind column and its index (2026-12-07): `messages.search_kind` (searchKindOf; NULL for
 * most rows) and `messages_kind`, partial, over the rows that have one: a search by kind without
 * words walks it newest first (rowid order), a text without a link costing its commit no index
 * page. On a database made before them the column is added and filled from every stored body,
 * in one transaction. Returns the rows given a kind, or undefined when the column existed.
 */
export function upgradeSearchKinds(db: Database.Database): number | undefined {
  const columns = db.prepare(`SELECT name FROM pragma_table_info('messages')`).pluck().all() as string[];
  if (columns.includes('search_kind')) return undefined;
  return db.transaction(() => {
    db.exec('ALTER TABLE messages ADD COLUMN search_kind TEXT');
    const filled = db.prepare(`UPDATE messages SET search_kind = ${KIND_EXPR} WHERE ${KIND_EXPR} IS NOT NULL`).run().changes;
    // (An index of that name over the body's expression: a build of 2026-12-07 made it before the column.)
    db.exec('DROP INDEX IF EXISTS messages_kind; CREATE INDEX messages_kind ON messages (search_kind) WHERE search_kind IS NOT NULL');
    return filled;
  }).immediate();
}

/** Test seams: `afterLookup` runs between a search's vocabulary lookup and its reads of the rows. */
export interface SqliteSearchSeams {
  afterLookup?: () => void;
  /** Runs for each body the search parses and checks (`natter_match`). */
  checked?: () => void;
  /** Runs for each rowid range a scan across walks (`WALK_ROWS`): the most rows it reads, membership probes aside. */
  walked?: (bottom: number, top: number) => void;
}

export function createSqliteSearch(db: Database.Database, parse: (body: unknown) => Message, seams: SqliteSearchSeams = {}): Pick<Store, 'searchMessages'> {
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
    seams.checked?.();
    const message = JSON.parse(body as string) as Message;
    if (kind !== undefined && (typeof message.elem !== 'object' || !matchesKind(message.elem, kind as SearchKind))) return 0;
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
  const countKind = db.prepare(`SELECT count(*) FROM (SELECT 1 FROM messages WHERE search_kind = ? LIMIT ${COUNT_CAP})`).pluck();
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
  // A search's reads run in one transaction, one snapshot: the vocabulary looked up for a prefix,
  // the index's matches and the rows above its watermark. The writer's move committing between
  // them would raise the watermark past rows whose words the lookup never saw, or the index read
  // missed: they would be found nowhere (test/server/store/sqlite-search-snapshot.test.ts).
  // A scan across starts at the viewer's newest row below the cursor's row: each conversation's
  // newest row below it, found by a binary search on its seqs (rowids and seqs rise together
  // within a conversation), a few index seeks each: bounded by the viewer's conversations, never
  // by their rows. Above the history floor of a member who joined a since-join group.
  const memberConversations = db.prepare(
    `SELECT ms.conv_key AS key, c.last_seq AS last, CASE WHEN g.history_visibility = 'since-join' THEN ms.joined_seq ELSE 0 END AS low
     FROM memberships ms JOIN conversations c ON c.key = ms.conv_key
     LEFT JOIN groups g ON substr(ms.conv_key, 1, 6) = 'group:' AND g.id = substr(ms.conv_key, 7) WHERE ms.user_id = ?`);
  const atOrBelowSeq = db.prepare('SELECT seq, rowid AS r FROM messages WHERE conv_key = ? AND seq <= ? ORDER BY seq DESC LIMIT 1');
  const newestRowBelow = (viewer: string, below: number): number | undefined => {
    let best: number | undefined;
    for (const c of memberConversations.all(viewer) as { key: string; last: number; low: number }[]) {
      const probe = (seq: number) => atOrBelowSeq.get(c.key, seq) as { seq: number; r: number } | undefined;
      let top = probe(c.last);
      if (top === undefined || top.seq <= c.low) continue;
      if (top.r >= below) {
        // The newest seq whose row is below: seqs in (lo, hi], probe(hi) at or above the cursor.
        let lo = c.low;
        let hi = top.seq;
        top = undefined;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          const row = probe(mid);
          if (row === undefined || row.seq <= c.low) lo = mid;
          else if (row.r < below) top = row, lo = mid;
          else hi = row.seq;
        }
        if (top === undefined) continue;
      }
      if (best === undefined || top.r > best) best = top.r;
    }
    return best;
  };
  const rowBeforeId = db.prepare('SELECT rowid FROM messages WHERE id < ? ORDER BY id DESC LIMIT 1').pluck();
  // The lowest row of a walked range the viewer is a member for (above the history floor): the
  // cursor a page across ends with when it ends early (the range's newest row is one).
  const lowestInRange = db.prepare(`SELECT m.id FROM messages m CROSS ${viewers}
    WHERE m.rowid BETWEEN :bottom AND :top AND ms.user_id = :viewer
    AND m.seq > CASE WHEN g.history_visibility = 'since-join' THEN ms.joined_seq ELSE 0 END ORDER BY m.rowid LIMIT 1`).pluck();

  const inSnapshot = db.transaction((search: () => SearchFound) => search());

  return {
    searchMessages: async (viewer, { terms, key, before, limit, filter }) => inSnapshot(() => {
      const params: Record<string, unknown> = { viewer, limit, terms: JSON.stringify(terms) };
      const filtered: SearchShape['filter'] = {};
      if (filter?.sender !== undefined) params['from'] = filter.sender, filtered.sender = true;
      if (filter?.idAbove !== undefined) params['idAbove'] = filter.idAbove, filtered.above = true;
      if (filter?.idBelow !== undefined) params['idBelow'] = filter.idBelow, filtered.below = true;
      if (filter?.kind !== undefined) params['kind'] = filter.kind, filtered.kind = true;
      let cursor: SearchShape['cursor'];
      if (key !== undefined) params['key'] = key;
      if (before !== undefined) {
        // Pages follow the index's order (commits'): the cursor's message gives the row to continue below.
        const row = rowOf.get(before) as number | undefined;
        if (row !== undefined) params['row'] = row, cursor = 'row';
        else params['before'] = before, cursor = 'id';
      }
      const shape = { key: key !== undefined, cursor, ...(filter !== undefined && { filter: filtered }) };
      if (terms.length === 0) {
        // No words (a filter is set): a kind the kind index holds is walked there newest first,
        // unless the viewer's rows in scope are fewer than that walk would read (as for words).
        const kind = filter?.kind;
        let plan: SearchShape['plan'] = 'scan';
        if (kind !== undefined && INDEXED_KINDS.has(kind)) {
          const total = Math.max(1, (lastRow.get() as number | null) ?? 1);
          const scope = Math.max(1, (key === undefined ? scopeAll.get({ viewer }) : scopeOne.get({ viewer, key })) as number);
          const matches = Math.max(1, countKind.get(kind) as number);
          if (Math.min(matches, (limit * total) / scope) <= (key === undefined ? scope : Math.min(scope, (limit * total) / matches))) plan = 'kinds';
        }
        // Across, the viewer's conversations are walked a rowid range a page, as for words (its check native: no SCAN_ROWS floor).
        if (plan === 'scan' && key === undefined) return scanAcross(viewer, { ...shape, plan, noWords: true, range: true }, params, before, limit);
        return (prepared(searchStatements({ ...shape, plan, noWords: true })[0]!).pluck().all(params) as string[]).map(parse);
      }
      const match = lookupOf(terms, expand);
      seams.afterLookup?.();
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
      if (!useIndex) {
        const scan: SearchShape = { ...shape, plan: fewMatches ? 'scan-few' : 'scan' };
        if (key === undefined) return scanAcross(viewer, { ...scan, range: true }, params, before, limit);
        const floor = prepared(scanFloorStatement(scan)).get({ ...params, offset: SCAN_ROWS - 1 }) as { r: number; id: string } | undefined;
        if (floor === undefined) return (prepared(searchStatements(scan)[0]!).pluck().all(params) as string[]).map(parse);
        const found: SearchFound = (prepared(searchStatements({ ...scan, floor: true })[0]!).pluck().all({ ...params, floor: floor.r }) as string[]).map(parse);
        if (found.length < limit) found.continueBelow = floor.id;
        return found;
      }
      // The index's matches, and those of the rows above the watermark (the newest): each list
      // newest first, in the search's snapshot (a move between the two reads would lose rows or
      // repeat them).
      const [indexed, above] = searchStatements({ ...shape, plan: 'index' }).map(prepared);
      return newestFirst(indexed!.all(params) as Found[], above!.all(params) as Found[], limit).map((f) => parse(f.body));
    }),
  };

  /**
   * A scan across the viewer's conversations (no index lookup): one rowid range of WALK_ROWS rows
   * from the viewer's newest row below the cursor, its bodies checked only down to the SCAN_ROWS-th
   * row in scope when the check is natter_match (words). Without words (filters alone: a sender, a
   * time, text) the viewer's rows were sorted as a whole too: 0.5–2 s on 240,000 rows. A page that ends early carries a cursor (`continueBelow`, a row of the viewer's)
   * when the viewer has rows below it.
   */
  function scanAcross(viewer: string, scan: SearchShape, params: Record<string, unknown>, before: string | undefined, limit: number): SearchFound {
    // Below the cursor's row; a cursor whose message is gone, below the newest row with a lower id (ids are time-ordered).
    let below = Number.MAX_SAFE_INTEGER;
    if (params['row'] !== undefined) below = params['row'] as number;
    else if (before !== undefined) below = ((rowBeforeId.get(before) as number | undefined) ?? 0) + 1;
    const top = newestRowBelow(viewer, below);
    if (top === undefined) return [];
    let bottom = Math.max(1, top - WALK_ROWS + 1);
    seams.walked?.(bottom, top);
    // A check in JavaScript (words) reads at most SCAN_ROWS bodies of the range; one in SQL (no words), all of it.
    const floor = scan.noWords ? undefined : prepared(scanFloorStatement(scan)).get({ ...params, floor: bottom, top, offset: SCAN_ROWS - 1 }) as { r: number; id: string } | undefined;
    if (floor !== undefined) bottom = floor.r;
    const found: SearchFound = (prepared(searchStatements(scan)[0]!).pluck().all({ ...params, floor: bottom, top }) as string[]).map(parse);
    if (found.length < limit) {
      const last = floor?.id ?? (lowestInRange.get({ viewer, bottom, top }) as string);
      if (floor !== undefined || newestRowBelow(viewer, bottom) !== undefined) found.continueBelow = last;
    }
    return found;
  }
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
  plan: 'index' | 'scan' | 'scan-few' | 'above' | 'kinds';
  /** A scan that checks only the rows at or above :floor (SCAN_ROWS). */
  floor?: boolean;
  /** A scan across that walks the rowid range :floor to :top only (WALK_ROWS), newest first, the membership probed per row. */
  range?: boolean;
  /** The search's filters (SearchFilter) that are set: :from, :idAbove, :idBelow, :kind. */
  filter?: { sender?: boolean; above?: boolean; below?: boolean; kind?: boolean };
  /**
   * No words (a filter is set): the body's check is its kind in SQL, no terms (:kind, or any type
   * but UNSEARCHED_TYPES); `kinds` walks the kind index (`messages_kind` over `search_kind`) newest first.
   */
  noWords?: boolean;
}

/**
 * The SQL of a search of that shape, over the parameters :viewer, :terms, :limit and, as the
 * shape says, :key, :row or :before and :match (exported for the plan-regression test: the
 * statements must keep using their indexes).
 */
export function searchStatements(shape: SearchShape): string[] {
  const filters = filtersOf(shape);
  const { visible, groups } = VIEWER;
  // The body's check last, behind the filters, which SQLite might otherwise test after it
  // (CASE is evaluated lazily). The filters stay conditions of their own too: the planner uses
  // them (the conversation's rows).
  const kindOf = 'm.search_kind = :kind';
  const check = !shape.noWords ? `natter_match(m.body, :terms, ms.joined_seq${shape.filter?.kind ? ', :kind' : ''})`
    : shape.filter?.kind ? (shape.plan === 'kinds' ? '1' : `CASE :kind WHEN 'text' THEN json_extract(m.body, '$.elem.type') = 'text' ELSE ${kindOf} END`)
    : `json_extract(m.body, '$.elem.type') NOT IN (${UNSEARCHED_TYPES.map((t) => `'${t}'`).join(', ')})`;
  const where = [visible, ...(shape.plan === 'kinds' ? [kindOf] : []), ...filters,
    filters.length > 0 ? `CASE WHEN ${filters.join(' AND ')} THEN ${check} END` : check].join(' AND ');
  if (shape.plan === 'kinds') {
    // The kind index newest first (its entries end in the rowid), the membership probed per row.
    return [`SELECT m.body FROM messages m INDEXED BY messages_kind CROSS JOIN memberships ms ON ms.conv_key = m.conv_key AND ms.user_id = :viewer ${groups}
      WHERE ${where} ORDER BY m.rowid DESC LIMIT :limit`.replaceAll('ROWID <', 'm.rowid <')];
  }
  // CROSS JOIN fixes the order of the loops: the index newest first, the viewer's conversations,
  // or one conversation newest first by (conv_key, seq), the membership probed per row. (With the
  // membership first, SQLite sorted the whole conversation once it had statistics: it could not
  // tell that the loop over memberships_by_conv gives one row.)
  if (shape.plan === 'scan' || shape.plan === 'scan-few') {
    return [`SELECT m.body FROM ${scanFrom(shape)} WHERE ${where} ${scanOrder(shape)} LIMIT :limit`.replaceAll('ROWID <', 'm.rowid <')];
  }
  // The rows above the watermark by their rowid, newest first, never by the conversation's index
  // (NOT INDEXED): that would read the whole conversation to find the few newest rows.
  const above = `SELECT m.rowid AS r, m.body FROM messages m NOT INDEXED ${viewers}
    WHERE m.rowid > ${MARK} AND ${where} ORDER BY m.rowid DESC LIMIT :limit`;
  if (shape.plan === 'above') return [above.replaceAll('ROWID <', 'm.rowid <')];
  return [`SELECT w.rowid AS r, m.body FROM messages_words w CROSS JOIN messages m ON m.rowid = w.rowid ${viewers}
    WHERE messages_words MATCH :match AND ${where} ORDER BY w.rowid DESC LIMIT :limit`.replaceAll('ROWID <', 'w.rowid <'), above.replaceAll('ROWID <', 'm.rowid <')];
}

/** Visible to the viewer now: a member, the row not targeted at someone else, above the history floor. */
const VIEWER = {
  visible: `ms.user_id = :viewer AND (m.vis1 IS NULL OR m.vis1 = :viewer OR m.vis2 = :viewer)
    AND m.seq > CASE WHEN g.history_visibility = 'since-join' THEN ms.joined_seq ELSE 0 END`,
  groups: `LEFT JOIN groups g ON substr(m.conv_key, 1, 6) = 'group:' AND g.id = substr(m.conv_key, 7)`,
};
const viewers = `JOIN memberships ms ON ms.conv_key = m.conv_key AND ms.user_id = :viewer ${VIEWER.groups}`;

/** The conditions a shape puts on the rows before the body's check (the conversation, the cursor, the filters). */
function filtersOf(shape: SearchShape): string[] {
  const filters: string[] = [];
  if (shape.key) filters.push('m.conv_key = :key');
  // The cursor's row bounds the table each statement walks (for the index walk, FTS5 starts below it).
  if (shape.cursor === 'row') filters.push('ROWID < :row');
  else if (shape.cursor === 'id') filters.push('m.id < :before');
  // The filters: columns tested before the body's check (the kind is the check's, on the body it parses).
  if (shape.filter?.sender) filters.push('m.sender = :from');
  if (shape.filter?.above) filters.push('m.id > :idAbove');
  if (shape.filter?.below) filters.push('m.id < :idBelow');
  // With words, a kind other than text is the row's search_kind first (as the search without words
  // takes it): no body of another kind is parsed and folded (a word common in texts, kind=file,
  // checked every one of its matches on the event loop).
  if (shape.filter?.kind && !shape.noWords) filters.push(`(:kind = 'text' OR m.search_kind = :kind)`);
  // A scan keeps the index's few matches, held in a list (a cheap probe a row), from checking
  // every body; with many, most bodies it reads match anyway.
  if (shape.plan === 'scan-few') filters.push(`(m.rowid > ${MARK} OR m.rowid IN (SELECT rowid FROM messages_words WHERE messages_words MATCH :match))`);
  // A scan past SCAN_ROWS rows checks the newest of them only. A condition, never an index range
  // (`+`): with the cursor's bound, SQLite (after ANALYZE) walked the whole table between the two, per membership.
  if (shape.floor) filters.push('+m.rowid >= :floor');
  if (shape.range) filters.push('m.rowid BETWEEN :floor AND :top');
  return filters;
}

/** A scan's tables: one conversation newest first by (conv_key, seq), or the viewer's conversations (merged by a sort). */
const scanFrom = (shape: SearchShape) =>
  shape.key || shape.range ? `messages m CROSS ${viewers}` : `memberships ms CROSS JOIN messages m ON m.conv_key = ms.conv_key ${VIEWER.groups}`;
const scanOrder = (shape: SearchShape) => `ORDER BY ${shape.key ? 'm.seq DESC' : 'm.rowid DESC'}`;

/**
 * The row (rowid, id) a scan of that shape reaches after :offset rows, in its order, with its
 * conditions but not the body's check: read natively, no body parsed (SCAN_ROWS).
 */
export function scanFloorStatement(shape: SearchShape): string {
  return `SELECT m.rowid AS r, m.id FROM ${scanFrom(shape)} WHERE ${[VIEWER.visible, ...filtersOf(shape)].join(' AND ')}
    ${scanOrder(shape)} LIMIT 1 OFFSET :offset`.replaceAll('ROWID <', 'm.rowid <');
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
