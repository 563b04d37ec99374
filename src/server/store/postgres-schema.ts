import type { PoolClient } from 'pg';
import { CONVERSATION_RUNS_MIGRATION, UNREAD_RUNS_MIGRATION } from './postgres-unread-runs.js';
import { MENTIONS_MIGRATION } from './postgres-unread-mentions.js';
import type { Logger } from '../core/logger.js';
import { indexExistingMessages, indexExistingWords, indexWordsApart, indexWordsByConversation } from './postgres-search.js';
import { PUSH_MIGRATION_SQL } from './postgres-push.js';
import { FRIENDS_MIGRATION_SQL } from './postgres-friends.js';
import { UNREAD_MIGRATION_SQL } from './postgres-unread.js';
import { KIND_FUNCTION_INLINED_SQL, KIND_FUNCTION_SQL, countKinds } from './postgres-search-kinds.js';

/**
 * One step of the PostgreSQL schema. Steps are applied in version order, each in its own
 * transaction together with its row in `natter_migrations`, so a crash mid-step leaves nothing
 * half done. Released steps are never edited: a change is a new step. Steps only add (tables,
 * columns, indexes), so a node still running the previous release keeps working during a
 * rolling upgrade.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Work in JavaScript after `sql`, in the same transaction (e.g. filling a new column); returns what to log. */
  after?: (client: PoolClient) => Promise<Record<string, unknown>>;
}

/**
 * The same model as sqlite-schema.ts. Ids use the "C" collation so ORDER BY is byte order, as
 * in SQLite, whatever the database locale. `visible_to` NULL means every member; `mentions` is
 * an array so `= ANY()` finds a whole id. bigint columns are read back as numbers (see the
 * type parser in postgres-store.ts); seqs and epoch milliseconds stay far below 2^53.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE users (
  id text COLLATE "C" PRIMARY KEY,
  name text,
  avatar text,
  deleted boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL
);
CREATE TABLE friends (a text COLLATE "C" NOT NULL, b text COLLATE "C" NOT NULL, PRIMARY KEY (a, b));
CREATE TABLE blocks (owner text COLLATE "C" NOT NULL, other text COLLATE "C" NOT NULL, PRIMARY KEY (owner, other));
CREATE TABLE groups (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  avatar text,
  created_at bigint NOT NULL
);
CREATE TABLE conversations (
  key text COLLATE "C" PRIMARY KEY,
  last_seq bigint NOT NULL DEFAULT 0
);
CREATE TABLE memberships (
  user_id text COLLATE "C" NOT NULL,
  conv_key text COLLATE "C" NOT NULL,
  read_seq bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, conv_key)
);
CREATE INDEX memberships_by_conv ON memberships (conv_key, user_id);
CREATE TABLE messages (
  conv_key text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  id text NOT NULL,
  sender text COLLATE "C" NOT NULL,
  client_msg_id text NOT NULL,
  visible_to text[],
  excl_unread boolean NOT NULL DEFAULT false,
  excl_last boolean NOT NULL DEFAULT false,
  mentions text[],
  body text NOT NULL,
  PRIMARY KEY (conv_key, seq)
);
CREATE UNIQUE INDEX messages_idempotency ON messages (sender, client_msg_id);
CREATE INDEX messages_by_id ON messages (conv_key, id);
`,
  },
  {
    // Same model as sqlite-broadcasts.ts. The one broadcast_counter row is also the lock that
    // makes quota checks of concurrent nodes take turns.
    version: 2,
    name: 'broadcasts',
    sql: `
CREATE TABLE broadcasts (
  seq bigint PRIMARY KEY,
  id text NOT NULL UNIQUE,
  sender text,
  content text NOT NULL,
  time bigint NOT NULL,
  expires_at bigint,
  offline boolean NOT NULL,
  withdrawn boolean NOT NULL DEFAULT false
);
CREATE TABLE broadcast_counter (id integer PRIMARY KEY CHECK (id = 1), last_seq bigint NOT NULL);
INSERT INTO broadcast_counter (id, last_seq) VALUES (1, 0);
CREATE TABLE broadcast_sends (time bigint NOT NULL);
CREATE INDEX broadcast_sends_by_time ON broadcast_sends (time);
CREATE TABLE broadcast_cursors (
  user_id text COLLATE "C" NOT NULL,
  device_id text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (user_id, device_id)
);
CREATE INDEX broadcast_cursors_by_time ON broadcast_cursors (updated_at);
`,
  },
  {
    // The idempotency key with the clientMsgId first: clients make them time-ordered (see
    // src/client/identity.ts), so new entries land at the right edge of the index instead of
    // in one page per sender. Still unique on the same two columns throughout the step.
    version: 3,
    name: 'client-ids-first',
    sql: `
CREATE UNIQUE INDEX messages_client_ids ON messages (client_msg_id, sender);
DROP INDEX messages_idempotency;
`,
  },
  {
    // Group history visibility. Groups that existed keep 'all', what they behaved as until now
    // (new ones get the core's default, passed explicitly); existing members keep joined_seq 0,
    // so switching such a group to 'since-join' later hides nothing they could already read.
    version: 4,
    name: 'group-history-visibility',
    sql: `
ALTER TABLE groups ADD COLUMN history_visibility text NOT NULL DEFAULT 'all';
ALTER TABLE memberships ADD COLUMN joined_seq bigint NOT NULL DEFAULT 0;
`,
  },
  {
    // Set when a deleted user is created again: tokens issued before it stay refused.
    version: 5,
    name: 'users-tokens-after',
    sql: 'ALTER TABLE users ADD COLUMN tokens_after bigint;',
  },
  {
    // Changes (SPEC §9) are message rows; the pinned list of each conversation is kept beside them.
    version: 6,
    name: 'pins',
    sql: `
CREATE TABLE pins (
  conv_key text COLLATE "C" NOT NULL,
  message_id text NOT NULL,
  seq bigint NOT NULL,
  by_user text COLLATE "C" NOT NULL,
  time bigint NOT NULL,
  PRIMARY KEY (conv_key, message_id)
);
`,
  },
  {
    // Search (SPEC §12): each row's folded searchable text and a trigram index over it, which
    // finds any substring of three or more characters in any script (Chinese without spaces
    // too: the database's ctype is UTF-8). The index lives in whichever schema holds pg_trgm:
    // public if the role may create there, as btree_gin (postgres-search.ts), so that one
    // schema's DROP ... CASCADE does not take the extension from another schema's migration
    // while it builds its index; else the schema being migrated.
    // Existing rows are indexed in this step's transaction (postgres-search.ts).
    version: 7,
    name: 'search',
    sql: `
DO $$ BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
  EXCEPTION WHEN unique_violation THEN NULL; -- another schema's migration created it meanwhile
    WHEN OTHERS THEN CREATE EXTENSION IF NOT EXISTS pg_trgm; -- no public schema, or no right to create there
  END;
EXCEPTION WHEN unique_violation THEN NULL;
END $$;
ALTER TABLE messages ADD COLUMN search_text text;
DO $$ DECLARE ns text; BEGIN
  SELECT extnamespace::regnamespace::text INTO ns FROM pg_extension WHERE extname = 'pg_trgm';
  EXECUTE format('CREATE INDEX messages_search ON messages USING gin (search_text %s.gin_trgm_ops) WHERE search_text IS NOT NULL', ns);
END $$;
`,
    after: indexExistingMessages,
  },
  {
    // Webhooks (SPEC §11): endpoints made over REST and the outbox that commits fill in their own
    // transaction. Pending rows are claimed by their (endpoint, conversation) head; failed ones are
    // listed for admins.
    version: 8,
    name: 'webhooks-moderation',
    sql: `
CREATE TABLE webhook_endpoints (
  id text COLLATE "C" PRIMARY KEY,
  url text NOT NULL,
  secret text NOT NULL,
  events text[] NOT NULL,
  created_at bigint NOT NULL
);
CREATE TABLE webhook_outbox (
  seq bigserial PRIMARY KEY,
  event_id text NOT NULL,
  endpoint_id text COLLATE "C" NOT NULL,
  type text NOT NULL,
  conv_key text COLLATE "C" NOT NULL,
  time bigint NOT NULL,
  payload text NOT NULL,
  failed boolean NOT NULL DEFAULT false,
  attempts integer NOT NULL DEFAULT 0,
  next_at bigint NOT NULL,
  retry_from bigint NOT NULL,
  lease_owner text,
  lease_until bigint,
  last_error text
);
CREATE INDEX webhook_outbox_heads ON webhook_outbox (endpoint_id, conv_key, seq) WHERE NOT failed;
CREATE INDEX webhook_outbox_failed ON webhook_outbox (seq) WHERE failed;
-- Moderation: bans and mutes (scope '' = everywhere, else a group id).
CREATE TABLE sanctions (
  user_id text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  scope text COLLATE "C" NOT NULL,
  until bigint,
  reason text,
  created_at bigint NOT NULL,
  PRIMARY KEY (user_id, kind, scope)
);
`,
  },
  {
    // VAPID keys, push subscriptions per device and mutes (SPEC §10): see postgres-push.ts.
    version: 9,
    name: 'push-and-mutes',
    sql: PUSH_MIGRATION_SQL,
  },
  {
    // People and groups in the widget (SPEC §13): member roles, a group's notice, dismissal.
    // Existing members are plain members (the site's admin API names owners and admins).
    version: 10,
    name: 'people-and-groups',
    sql: `
ALTER TABLE memberships ADD COLUMN role text NOT NULL DEFAULT 'member';
ALTER TABLE groups ADD COLUMN notice text;
ALTER TABLE groups ADD COLUMN dismissed boolean NOT NULL DEFAULT false;
`,
  },
  {
    // Message reports (SPEC §11): one per reporter and message; listed newest first by id (UUIDv7,
    // so "C" order is time order); the rate limit counts a reporter's recent ones.
    version: 11,
    name: 'reports',
    sql: `
CREATE TABLE reports (
  id text COLLATE "C" PRIMARY KEY,
  conv_key text COLLATE "C" NOT NULL,
  message_id text COLLATE "C" NOT NULL,
  reporter text COLLATE "C" NOT NULL,
  reason text NOT NULL,
  note text,
  status text NOT NULL,
  created_at bigint NOT NULL,
  resolved_by text,
  resolved_at bigint,
  UNIQUE (message_id, reporter)
);
CREATE INDEX reports_by_reporter ON reports (reporter, created_at);
CREATE INDEX reports_by_status ON reports (status, id);
`,
  },
  {
    // The moderation word list (SPEC §11) the admin REST API keeps: one row per folded word;
    // a null mode follows NATTER_WORDLIST_MODE.
    version: 12,
    name: 'word-list',
    sql: `
CREATE TABLE word_list (
  word text COLLATE "C" PRIMARY KEY,
  mode text
);
`,
  },
  {
    // Presence (SPEC §13): users who hide theirs. Few, so a row each rather than a users column.
    version: 13,
    name: 'presence-hidden',
    sql: `CREATE TABLE presence_hidden (user_id text COLLATE "C" PRIMARY KEY);`,
  },
  {
    // Friend requests (SPEC §13, contacts): see postgres-friends.ts.
    version: 14,
    name: 'friend-requests',
    sql: FRIENDS_MIGRATION_SQL,
  },
  {
    // Search by words (postgres-search.ts): each row's words as a tsvector and a GIN index over
    // them, replacing the trigram index of migration 7 (one entry per character: commits paid
    // for it, and a common term matched too many rows to sort). An index on id alone lets a
    // search walk the viewer's messages newest first and stop at a page. Existing rows are
    // indexed in this step's transaction, the GIN index built after them.
    version: 16,
    name: 'search-words',
    sql: `
ALTER TABLE messages ADD COLUMN search_words tsvector;
CREATE INDEX messages_id ON messages (id);
`,
    after: indexExistingWords,
  },
  {
    // A group's mutes by group (issue 19): its owner and admins see who is muted in the member list.
    version: 19,
    name: 'sanctions-by-scope',
    sql: `CREATE INDEX sanctions_by_scope ON sanctions (scope, kind);`,
  },
  {
    // Search (postgres-search.ts): the word index keyed by conversation too, so a term rare in
    // the table but held by a thousand rows outside the searcher's conversations no longer
    // reads those rows (btree_gin; without it the word index of migration 16 stays).
    version: 26,
    name: 'search-words-by-conversation',
    sql: '',
    after: indexWordsByConversation,
  },
  {
    // Search (postgres-search.ts, issue 20): the commit writes nothing for search; the words move
    // into their own table in bulk, off the commit path, up to a watermark per conversation.
    // Only adds: the old columns and index stay for a node of the previous release.
    version: 29,
    name: 'search-words-apart',
    sql: `
CREATE TABLE message_words (
  conv_key text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  id text NOT NULL,
  text text NOT NULL,
  words tsvector NOT NULL
);
CREATE TABLE search_marks (conv_key text COLLATE "C" PRIMARY KEY, seq bigint NOT NULL);
`,
    after: indexWordsApart,
  },
  {
    // Unread reminders (src/server/webhooks/unread-reminders.ts): a mark per member and
    // conversation of the stretch last reminded of, and the scan's watermark.
    version: 32,
    name: 'unread-reminders',
    sql: UNREAD_MIGRATION_SQL,
  },
  {
    // Search by kind without words ("every picture from Bob", postgres-search.ts): a partial index
    // over each picture's, video's, sound's, file's, location's and link's kind and id, computed
    // from the body by an immutable function; building it indexes every stored row. Only adds.
    version: 33,
    name: 'search-kinds',
    sql: KIND_FUNCTION_SQL,
    after: countKinds,
  },
  {
    // The kind function of migration 33 as one expression, which PostgreSQL inlines: the index
    // cost every commit an SQL function call a row (postgres-search-kinds.ts). Same results.
    version: 34,
    name: 'search-kinds-inlined',
    sql: KIND_FUNCTION_INLINED_SQL,
  },
  {
    // Search by a sender ("from Bob", postgres-search-walk.ts): a page walks the sender's newest
    // rows, not the id order's, so a rare sender is one bounded page. Building it reads every row.
    version: 35,
    name: 'messages-by-sender',
    sql: 'CREATE INDEX messages_by_sender ON messages (sender, id);',
  },
  {
    // Unread counts read a bounded number of rows (postgres-unread-count.ts): each row's run of
    // rows that count, or not, alike; the rows for one member; the rows that mention someone.
    version: 36,
    name: 'unread-runs',
    sql: UNREAD_RUNS_MIGRATION,
  },
  {
    // An unread count past its cap finds a mention of the reader with one probe
    // (postgres-unread-mentions.ts), in place of migration 36's messages_mentions; a commit
    // takes its rows' runs from the conversation's row (postgres-unread-runs.ts).
    version: 37,
    name: 'message-mentions-conversation-runs',
    sql: MENTIONS_MIGRATION + CONVERSATION_RUNS_MIGRATION,
  },
];

/** Visibility of a message row to the user bound as `$viewer` (pass the placeholder). */
export const visibleTo = (viewer: string) => `(visible_to IS NULL OR ${viewer} = ANY(visible_to))`;

/**
 * Not deleted by `viewer` for themselves (delete for me: `hiddenFor` in the body). The substring
 * test skips the JSON parse for the bodies that have no `hiddenFor` at all, nearly every one.
 */
export const notHiddenFor = (viewer: string) => `(strpos(body, '"hiddenFor"') = 0 OR NOT ((body::jsonb -> 'hiddenFor') ? ${viewer}))`;

/**
 * Brings the schema up to date. Every node runs this at start; a session advisory lock makes
 * concurrent starts take turns, so each step runs once and the others then find it applied
 * (CREATE ... IF NOT EXISTS alone races in PostgreSQL: two creators can both fail or collide).
 * The lock is per schema, so deployments in other schemas of one database do not wait.
 */
export async function migrate(client: PoolClient, schema: string | undefined, logger?: Logger): Promise<number[]> {
  const lockKey = `natter.migrations:${schema ?? ''}`;
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
  const applied: number[] = [];
  try {
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS natter_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM natter_migrations');
    const done = new Set(rows.map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        if (m.after) {
          const started = Date.now();
          const facts = await m.after(client);
          logger?.info({ ...facts, ms: Date.now() - started }, `postgres: migration ${m.version} (${m.name})`);
        }
        await client.query('INSERT INTO natter_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`PostgreSQL migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(m.version);
    }
  } finally {
    // The caller destroys this connection afterwards, which frees the lock even if this fails.
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
  }
  return applied;
}

/** A schema name as an SQL identifier (it cannot be a bind parameter). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
