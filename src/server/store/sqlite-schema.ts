/**
 * The SQLite schema. Messages are keyed by (conversation, seq) so replay and history are range
 * scans of the primary key; (client_msg_id, sender) is unique, which is the idempotency check.
 * A 1:1 chat is one conversation row (`p2p:<a>|<b>`, a < b) with a membership per side.
 * vis1/vis2 restrict who sees a message (sender only when blocked; sender and receiver when
 * targeted); NULL means every member. mentions is `,id,id,` so instr() finds a whole id.
 * Each index a commit touches costs a WAL page per distinct leaf it writes: keep them few.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT,
  avatar TEXT,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS friends (
  a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  owner TEXT NOT NULL, other TEXT NOT NULL, PRIMARY KEY (owner, other)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS groups (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  avatar TEXT,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS conversations (
  key TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS memberships (
  user_id TEXT NOT NULL,
  conv_key TEXT NOT NULL,
  read_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, conv_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS memberships_by_conv ON memberships (conv_key, user_id);
CREATE TABLE IF NOT EXISTS messages (
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
  PRIMARY KEY (conv_key, seq)
) WITHOUT ROWID;
-- The idempotency key, clientMsgId first: clients make them time-ordered (src/client/identity.ts),
-- so a commit appends its keys at the index's right edge, a page or two for the whole batch;
-- (sender, client_msg_id) wrote one page per sender in the batch. Unique on the same columns.
CREATE UNIQUE INDEX IF NOT EXISTS messages_client_ids ON messages (client_msg_id, sender);
DROP INDEX IF EXISTS messages_idempotency;
-- By id alone: message ids are time-ordered (UUIDv7), so new entries append at the index's
-- right edge (one page per commit); (conv_key, id) put each on its conversation's own page.
DROP INDEX IF EXISTS messages_by_id;
CREATE INDEX IF NOT EXISTS messages_id ON messages (id);
`;

/** Visibility of a message row to the user bound as :viewer. */
export const VISIBLE = `(vis1 IS NULL OR vis1 = :viewer OR vis2 = :viewer)`;
