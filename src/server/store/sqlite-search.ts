import type Database from 'better-sqlite3';
import type { Message } from '../../protocol/index.js';
import { termChars } from '../../protocol/search.js';
import { searchTextOf } from '../core/search-text.js';
import type { Store } from '../core/store.js';

/**
 * Search (SPEC §12) in SQLite. Each message row keeps its folded searchable text in
 * `messages.search_text` (NULL when it has none), written by the commit itself (the writer
 * thread's transaction) and rewritten by a change in its own transaction (an edit's new text, a
 * recall's nothing). `messages_search` is an FTS5 index over that column (external content, so
 * the text is stored once; rowids only, no positions) with the `trigram` tokenizer: it narrows a
 * term of three or more characters down to the rows holding all of its trigrams, and instr()
 * keeps those holding the term. That covers Latin words and their prefixes (any substring) and
 * Chinese or Japanese without spaces.
 *
 * A term of one or two characters ("斑马") has no trigram: such terms are checked with instr()
 * on `search_text` over the candidate rows; a query made only of them scans the viewer's own
 * conversations (slower, bounded by what the viewer can see). A term matching very many rows
 * (more than COMMON_MATCHES) is also checked by scanning the viewer's conversations, which beats
 * sorting every match of the whole database.
 */
export const SEARCH_SCHEMA = `CREATE VIRTUAL TABLE messages_search USING fts5(search_text, content='messages', content_rowid='rowid', tokenize='trigram', detail='none', columnsize=0);`;

/** Past this many index matches a term counts as common: scan the viewer's conversations instead. */
const COMMON_MATCHES = 2000;

/**
 * Creates the search column and index on a database made before them (and on a new one), and
 * indexes every message already stored, in one transaction. Returns the rows indexed, or
 * undefined when the index already existed.
 */
export function upgradeSearch(db: Database.Database): number | undefined {
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'messages_search'`).get() !== undefined;
  if (exists) return undefined;
  return db.transaction(() => {
    const columns = db.prepare(`SELECT name FROM pragma_table_info('messages')`).pluck().all() as string[];
    if (!columns.includes('search_text')) db.exec('ALTER TABLE messages ADD COLUMN search_text TEXT');
    db.exec(SEARCH_SCHEMA);
    // Merge segments when 16 of a level exist, not 4: a commit writes its own small segment, and
    // merging every few commits cost more than anything else the index adds to a commit.
    db.exec(`INSERT INTO messages_search (messages_search, rank) VALUES ('automerge', 16)`);
    const set = db.prepare('UPDATE messages SET search_text = ? WHERE rowid = ?');
    const page = db.prepare('SELECT rowid, body FROM messages WHERE rowid > ? ORDER BY rowid LIMIT 1000');
    let indexed = 0;
    for (let after = 0; ;) {
      const rows = page.all(after) as { rowid: number; body: string }[];
      if (rows.length === 0) break;
      for (const r of rows) {
        const text = searchTextOf(JSON.parse(r.body) as Message);
        if (text) set.run(text, r.rowid), indexed++;
      }
      after = rows[rows.length - 1]!.rowid;
    }
    // External content: the index reads every row's search_text in one pass.
    db.exec(`INSERT INTO messages_search (messages_search) VALUES ('rebuild')`);
    return indexed;
  }).immediate();
}

/**
 * Rewrites one row's searchable text and its index entry (inside the caller's transaction).
 * Nothing is written when the text did not change (reactions, pins, delete for me).
 */
export function reindexStatement(db: Database.Database): (rowid: number, before: string | null, after: string | null) => void {
  const remove = db.prepare(`INSERT INTO messages_search (messages_search, rowid, search_text) VALUES ('delete', ?, ?)`);
  const add = db.prepare('INSERT INTO messages_search (rowid, search_text) VALUES (?, ?)');
  const set = db.prepare('UPDATE messages SET search_text = ? WHERE rowid = ?');
  return (rowid, before, after) => {
    if (before === after) return;
    if (before !== null) remove.run(rowid, before);
    set.run(after, rowid);
    if (after !== null) add.run(rowid, after);
  };
}

/**
 * A term as FTS5 query text: every trigram of it, each an FTS5 string. The index keeps no
 * positions (`detail='none'`: rowids only, a third of the writes of a full index), so it finds
 * the rows holding all of them; instr() on `search_text` then keeps those holding the term itself.
 */
const trigrams = (term: string) => {
  const chars = [...term];
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) grams.add(`"${chars.slice(i, i + 3).join('').replace(/"/g, '""')}"`);
  return [...grams].join(' ');
};

export function createSqliteSearch(db: Database.Database, parse: (body: unknown) => Message): Pick<Store, 'searchMessages'> {
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const countMatches = db.prepare(`SELECT count(*) FROM (SELECT rowid FROM messages_search WHERE messages_search MATCH ? LIMIT ${COMMON_MATCHES + 1})`).pluck();
  // Visible to the viewer now: a member, the row not targeted at someone else, above the history floor.
  const visible = `ms.user_id = :viewer AND (m.vis1 IS NULL OR m.vis1 = :viewer OR m.vis2 = :viewer)
    AND m.seq > CASE WHEN g.history_visibility = 'since-join' THEN ms.joined_seq ELSE 0 END`;
  const groups = `LEFT JOIN groups g ON substr(m.conv_key, 1, 6) = 'group:' AND g.id = substr(m.conv_key, 7)`;

  return {
    async searchMessages(viewer, { terms, key, before, limit }) {
      const params: Record<string, unknown> = { viewer, limit };
      const filters: string[] = [];
      terms.forEach((t, i) => {
        params[`t${i}`] = t;
        filters.push(`instr(m.search_text, :t${i}) > 0`);
      });
      if (key !== undefined) params['key'] = key, filters.push('m.conv_key = :key');
      if (before !== undefined) params['before'] = before, filters.push('m.id < :before');
      const long = terms.filter((t) => termChars(t) >= 3);
      const match = long.map(trigrams).join(' ');
      // The index leads when it narrows things down; otherwise the viewer's conversations do
      // (CROSS JOIN fixes that order: memberships, then each conversation's rows by seq).
      const useIndex = long.length > 0 && (countMatches.get(match) as number) <= COMMON_MATCHES;
      const sql = useIndex
        ? `SELECT m.body FROM messages_search s JOIN messages m ON m.rowid = s.rowid
           JOIN memberships ms ON ms.conv_key = m.conv_key AND ms.user_id = :viewer ${groups}
           WHERE messages_search MATCH :match AND ${visible} AND ${filters.join(' AND ')}
           ORDER BY m.id DESC LIMIT :limit`
        : `SELECT m.body FROM memberships ms CROSS JOIN messages m ON m.conv_key = ms.conv_key ${groups}
           WHERE ${visible} AND m.search_text IS NOT NULL AND ${filters.join(' AND ')}
           ORDER BY m.id DESC LIMIT :limit`;
      if (useIndex) params['match'] = match;
      return (prepared(sql).pluck().all(params) as string[]).map(parse);
    },
  };
}
