import type Database from 'better-sqlite3';

/**
 * The SQLite schema. Messages are unique by (conversation, seq), so replay and history are range
 * scans of that index; (client_msg_id, sender) is unique, which is the idempotency check.
 * A 1:1 chat is one conversation row (`p2p:<a>|<b>`, a < b) with a membership per side.
 * vis1/vis2 restrict who sees a message (sender only when blocked; sender and receiver when
 * targeted); NULL means every member. mentions is `,id,id,` so instr() finds a whole id.
 * Each index a commit touches costs a WAL page per distinct leaf it writes: keep them few.
 */

/**
 * The messages table, a rowid table: rows are appended in commit order, so a commit's rows
 * share a few pages at the table's right edge, and only the small (conv_key, seq) index entries
 * land on a page per conversation. It was WITHOUT ROWID, keyed by (conv_key, seq) with the body
 * inside the key's B-tree: each message rewrote its conversation's leaf, body and all, and split
 * it every few messages. Commit micro-benchmark (batches of 80 over 120 conversations): WAL
 * pages per commit 191 → 95, writer CPU 32–37 → 18–19 µs per message.
 *
 * The (conv_key, seq) index is now most of a commit's WAL pages: each conversation in a batch
 * writes its own leaf (bench:commit, 120 conversations, batches of 100: 0.75 WAL frames and 11.0
 * µs a message with it, 0.25 and 6.6 without). A time-rising bucket first (bucket, conv_key, seq),
 * the bucket stepping every 1,024 rows, puts a batch's entries on a few pages: 0.31 frames, 7.8
 * µs; with what reads and uniqueness then need (a (conv_key, bucket, first_seq) directory of each
 * conversation's buckets, and a trigger refusing a seq at or below the conversation's last_seq,
 * since the unique key no longer spans buckets) 0.34 frames and 9.2 µs. Not kept (2026-12-07):
 * 1.8 µs less a message on the writer thread, not on the event loop, against reads through the
 * directory, a seek per bucket (200,000 rows, 120 conversations, the 1,024 layout): 50 rows after
 * or before a seq 126/151 → 126/161 µs, the newest row 4.3 → 5.3 µs, an unread count capped at
 * 100 rows 8.4 → 27.1 µs; with a conversation's rows one or two a bucket (buckets of 64: many
 * conversations) 2× on the ranges and 8× on counts.
 */
export function messagesTable(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
  conv_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  sender TEXT NOT NULL,
  client_msg_id TEXT NOT NULL,
  vis1 TEXT,
  vis2 TEXT,
  excl_unread INTEGER NOT NULL DEFAULT 0,
  excl_last INTEGER NOT NULL DEFAULT 0,
  mentions TEXT,
  body TEXT NOT NULL,
  UNIQUE (conv_key, seq)
);`;
}

const MESSAGE_COLUMNS = 'conv_key, seq, id, sender, client_msg_id, vis1, vis2, excl_unread, excl_last, mentions, body';

const MESSAGE_INDEXES = `-- The idempotency key, clientMsgId first: clients make them time-ordered (src/client/identity.ts),
-- so a commit appends its keys at the index's right edge, a page or two for the whole batch;
-- (sender, client_msg_id) wrote one page per sender in the batch. Unique on the same columns.
CREATE UNIQUE INDEX IF NOT EXISTS messages_client_ids ON messages (client_msg_id, sender);
DROP INDEX IF EXISTS messages_idempotency;
-- By id alone: message ids are time-ordered (UUIDv7), so new entries append at the index's
-- right edge (one page per commit); (conv_key, id) put each on its conversation's own page.
DROP INDEX IF EXISTS messages_by_id;
CREATE INDEX IF NOT EXISTS messages_id ON messages (id);
`;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT,
  avatar TEXT,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  tokens_after INTEGER
);
CREATE TABLE IF NOT EXISTS friends (
  a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  owner TEXT NOT NULL, other TEXT NOT NULL, PRIMARY KEY (owner, other)
) WITHOUT ROWID;
-- Users who hide their presence (SPEC §13): few, so a row each rather than a users column.
CREATE TABLE IF NOT EXISTS presence_hidden (user_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS groups (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  avatar TEXT,
  created_at INTEGER NOT NULL,
  history_visibility TEXT NOT NULL DEFAULT 'all',
  notice TEXT,
  dismissed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS conversations (
  key TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS memberships (
  user_id TEXT NOT NULL,
  conv_key TEXT NOT NULL,
  read_seq INTEGER NOT NULL DEFAULT 0,
  joined_seq INTEGER NOT NULL DEFAULT 0,
  role TEXT NOT NULL DEFAULT 'member',
  PRIMARY KEY (user_id, conv_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS memberships_by_conv ON memberships (conv_key, user_id);
${messagesTable('messages')}
${MESSAGE_INDEXES}
-- Webhooks (src/server/webhooks/types.ts): endpoints made over REST, and the outbox that commits
-- fill in their own transaction. seq rises in commit order (the write lock orders commits).
CREATE TABLE IF NOT EXISTS webhook_endpoints (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  type TEXT NOT NULL,
  conv_key TEXT NOT NULL,
  time INTEGER NOT NULL,
  payload TEXT NOT NULL,
  failed INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  retry_from INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS webhook_outbox_heads ON webhook_outbox (failed, endpoint_id, conv_key, seq);`;

/**
 * Rebuilds a messages table of the WITHOUT ROWID layout (databases made before 2026-11-30) as
 * the rowid table, in one transaction: rows copied conversation by conversation (so the old
 * history stays together on disk), the old table dropped with its indexes, the new one renamed
 * and indexed. Returns the rows moved, or undefined when there was nothing to do.
 */
export function upgradeMessagesTable(db: Database.Database): number | undefined {
  const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'messages'`).pluck().get() as string | undefined;
  if (!sql || !/WITHOUT\s+ROWID/i.test(sql)) return undefined;
  return db.transaction(() => {
    db.exec(messagesTable('messages_rowid'));
    const moved = db.prepare(`INSERT INTO messages_rowid (${MESSAGE_COLUMNS}) SELECT ${MESSAGE_COLUMNS} FROM messages ORDER BY conv_key, seq`).run().changes;
    db.exec('DROP TABLE messages; ALTER TABLE messages_rowid RENAME TO messages;');
    db.exec(MESSAGE_INDEXES);
    return moved;
  }).immediate();
}

/**
 * Adds the columns of group history visibility (2026-12-05) to a database made before them.
 * Groups that existed keep `all`, what they behaved as until then; their members keep
 * joined_seq 0, so switching such a group to `since-join` later hides nothing they could read.
 * Returns the columns added.
 */
export function upgradeGroupColumns(db: Database.Database): string[] {
  const has = (table: string, column: string) =>
    (db.prepare(`SELECT 1 FROM pragma_table_info(?) WHERE name = ?`).get(table, column) as unknown) !== undefined;
  const added: string[] = [];
  db.transaction(() => {
    if (!has('groups', 'history_visibility')) {
      db.exec(`ALTER TABLE groups ADD COLUMN history_visibility TEXT NOT NULL DEFAULT 'all'`);
      added.push('groups.history_visibility');
    }
    if (!has('memberships', 'joined_seq')) {
      db.exec('ALTER TABLE memberships ADD COLUMN joined_seq INTEGER NOT NULL DEFAULT 0');
      added.push('memberships.joined_seq');
    }
  }).immediate();
  return added;
}

/**
 * Adds the columns of group roles, notices and dismissal (SPEC §13, 2026-12-05) to a database
 * made before them: every existing member is a `member` (the site's admin API names owners and
 * admins). Returns the columns added.
 */
export function upgradeGroupRoles(db: Database.Database): string[] {
  const has = (table: string, column: string) =>
    (db.prepare(`SELECT 1 FROM pragma_table_info(?) WHERE name = ?`).get(table, column) as unknown) !== undefined;
  const columns: [string, string, string][] = [
    ['memberships', 'role', `TEXT NOT NULL DEFAULT 'member'`],
    ['groups', 'notice', 'TEXT'],
    ['groups', 'dismissed', 'INTEGER NOT NULL DEFAULT 0'],
  ];
  const added: string[] = [];
  db.transaction(() => {
    for (const [table, column, type] of columns) {
      if (has(table, column)) continue;
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
      added.push(`${table}.${column}`);
    }
  }).immediate();
  return added;
}

/** Visibility of a message row to the user bound as :viewer. */
export const VISIBLE = `(vis1 IS NULL OR vis1 = :viewer OR vis2 = :viewer)`;

/**
 * Not deleted by :viewer for themselves (delete for me: `hiddenFor` in the body). The substring
 * test skips the JSON parse for the bodies that have no `hiddenFor` at all, nearly every one.
 */
export const NOT_HIDDEN = `(instr(body, '"hiddenFor"') = 0 OR NOT EXISTS (SELECT 1 FROM json_each(body, '$.hiddenFor') WHERE value = :viewer))`;

/** Adds `users.tokens_after` to a file made before it existed (2026-12-05). */
export function upgradeUsersTable(db: Database.Database): void {
  const columns = db.prepare(`SELECT name FROM pragma_table_info('users')`).pluck().all() as string[];
  if (!columns.includes('tokens_after')) db.exec('ALTER TABLE users ADD COLUMN tokens_after INTEGER');
}
