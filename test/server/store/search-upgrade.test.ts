import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import type { Logger } from '../../../src/server/core/logger.js';
import { newMessageId } from '../../../src/server/core/message-id.js';
import type { Store } from '../../../src/server/core/store.js';
import { indexWords, searchTextOf } from '../../../src/server/core/search-text.js';
import type { Message } from '../../../src/protocol/index.js';
import { WORDS_VECTOR } from '../../../src/server/store/postgres-search.js';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';
import { draft } from './store-contract.js';

await requirePostgres();

function recorder(): { logger: Logger; lines: { obj: unknown; msg?: string }[] } {
  const lines: { obj: unknown; msg?: string }[] = [];
  const push = (obj: unknown, msg?: string) => void lines.push({ obj, ...(msg !== undefined && { msg }) });
  return { logger: { info: push, warn: push, error: push }, lines };
}

const k = groupKey('up');
async function seed(store: Store): Promise<void> {
  await store.createGroup({ id: 'up', name: 'Up', createdAt: 1 }, ['a', 'b']);
  await store.commitMessages(['old aardvark', '旧的斑马', 'old aardvark again'].map((text) => draft(k, 'a', { id: newMessageId(), elem: { type: 'text', text } })));
}
/**
 * A PostgreSQL schema as the release before migration 29 left it: each message's searchable text
 * and words in its row (as that release's commit wrote them), no words table, no watermarks.
 */
async function beforeWordsApart(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('DROP TABLE message_words, search_marks; DELETE FROM natter_migrations WHERE version = 29');
  const { rows } = await client.query<{ conv_key: string; seq: string; body: string }>('SELECT conv_key, seq, body FROM messages');
  for (const r of rows) {
    const text = searchTextOf(JSON.parse(r.body) as Message);
    await client.query(`UPDATE messages SET search_text = $3, search_words = ${WORDS_VECTOR('$4::text')} WHERE conv_key = $1 AND seq = $2`,
      [r.conv_key, r.seq, text, indexWords(text)]);
  }
  await client.end();
}

/**
 * A fresh schema seeded by this release and turned back into what the release before migration
 * 29 left (`beforeWordsApart`), with `more` stored before; dropped after the test. Answers its URL
 * and a connected client (ended after the test) to take it further back.
 */
async function seededBeforeWordsApart(more?: (store: Store) => Promise<void>): Promise<{ url: string; client: pg.Client }> {
  const { url, drop } = await freshSchema();
  after(drop);
  const first = await createPostgresStore({ connectionString: url });
  await seed(first);
  await more?.(first);
  await first.close();
  await beforeWordsApart(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  after(() => client.end());
  return { url, client };
}

const texts = async (store: Store, term: string) =>
  (await store.searchMessages('b', { terms: [term], limit: 10 })).map((m) => (m.elem as { text: string }).text);

/** Search finds the seeded texts: by a word, newest first, and in Chinese. */
async function findsTheSeed(store: Store): Promise<void> {
  assert.deepEqual(await texts(store, 'aardvark'), ['old aardvark again', 'old aardvark']);
  assert.deepEqual(await texts(store, '斑马'), ['旧的斑马']);
}

/** `field` of each line logged whose message matches `pattern`. */
const logged = (lines: { obj: unknown; msg?: string }[], pattern: RegExp, field = 'rows') =>
  lines.filter((l) => pattern.test(l.msg ?? '')).map((l) => (l.obj as Record<string, unknown>)[field]);

/** A SQLite file seeded by this release, then taken back to an older layout by `sql`. */
async function seededSqlite(sql: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'natter-search-up-')), 'natter.db');
  const first = createSqliteStore(file);
  await seed(first);
  await first.close();
  const db = new Database(file);
  db.exec(sql);
  db.close();
  return file;
}

describe('search on a database made before it', () => {
  it('sqlite: indexes every stored message once on open, and says so', async () => {
    // The layout before search: no index.
    const file = await seededSqlite('DROP TABLE messages_words; DROP TABLE messages_vocab;');

    const { logger, lines } = recorder();
    const store = createSqliteStore(file, { logger });
    try {
      await findsTheSeed(store);
      assert.deepEqual(logged(lines, /indexed for search/), [3]);
    } finally {
      await store.close();
    }
    const { logger: quiet, lines: none } = recorder();
    const again = createSqliteStore(file, { logger: quiet });
    await again.close();
    assert.equal(none.length, 0, 'indexed once only');
  });

  it('sqlite: replaces the trigram index of 2026-12-05 with the word index once on open, and says so', async () => {
    // The trigram layout: search_text filled, a trigram FTS table over it, no word index.
    const file = await seededSqlite(`DROP TABLE messages_words; DROP TABLE messages_vocab;
      ALTER TABLE messages ADD COLUMN search_text TEXT; UPDATE messages SET search_text = lower(json_extract(body, '$.elem.text'));
      CREATE VIRTUAL TABLE messages_search USING fts5(search_text, content='messages', content_rowid='rowid', tokenize='trigram', detail='none', columnsize=0);
      INSERT INTO messages_search (messages_search) VALUES ('rebuild');`);

    const { logger, lines } = recorder();
    const store = createSqliteStore(file, { logger });
    try {
      await findsTheSeed(store);
      assert.deepEqual(await texts(store, 'aard'), ['old aardvark again', 'old aardvark'], 'a prefix');
      assert.deepEqual(logged(lines, /indexed for search/), [3]);
    } finally {
      await store.close();
    }
    const check = new Database(file);
    assert.equal(check.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'messages_search'`).pluck().get(), 0, 'the trigram index is gone');
    assert.equal(check.prepare(`SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'search_text'`).pluck().get(), 0, 'and its column');
    check.close();
  });

  it('postgres: migration 7 fills the searchable text of every stored message in its own transaction, logged', async () => {
    const { url, client } = await seededBeforeWordsApart();
    await client.query(`DROP INDEX IF EXISTS messages_words; DROP INDEX IF EXISTS messages_conv_words; DROP INDEX messages_id;
      ALTER TABLE messages DROP COLUMN search_text, DROP COLUMN search_words; DELETE FROM natter_migrations WHERE version IN (7, 16, 26)`);

    const { logger, lines } = recorder();
    const store = await createPostgresStore({ connectionString: url, logger });
    try {
      await findsTheSeed(store);
      assert.deepEqual(logged(lines, /migration 7/), [3]);
    } finally {
      await store.close();
    }
  });

  it('postgres: migration 16 indexes the words of every stored message in its own transaction, drops the trigram index, logged', async () => {
    const { url, client } = await seededBeforeWordsApart();
    // The layout of migration 7: search_text filled and a trigram index, no words.
    const { rows: [trgm] } = await client.query(`SELECT extnamespace::regnamespace::text AS ns FROM pg_extension WHERE extname = 'pg_trgm'`);
    await client.query(`DROP INDEX IF EXISTS messages_words; DROP INDEX IF EXISTS messages_conv_words; DROP INDEX messages_id; ALTER TABLE messages DROP COLUMN search_words;
      CREATE INDEX messages_search ON messages USING gin (search_text ${trgm.ns}.gin_trgm_ops); DELETE FROM natter_migrations WHERE version IN (16, 26)`);

    const { logger, lines } = recorder();
    const store = await createPostgresStore({ connectionString: url, logger });
    try {
      await findsTheSeed(store);
      assert.deepEqual(logged(lines, /migration 16/), [3]);
      const { rows } = await client.query(`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'messages' AND indexname IN ('messages_search', 'messages_words', 'messages_conv_words') ORDER BY 1`);
      assert.deepEqual(rows.map((r) => r.indexname), ['messages_conv_words'], 'the trigram index gone, the words indexed by conversation (migration 26)');
    } finally {
      await store.close();
    }
  });

  it('postgres: migration 26 replaces the word index by one over (conversation, words), logged; search finds what it did', async () => {
    // The same words in a conversation b is not in: the index must not hand them to b's search.
    const { url, client } = await seededBeforeWordsApart(async (first) => {
      await first.createGroup({ id: 'elsewhere', name: 'E', createdAt: 1 }, ['a', 'c']);
      await first.commitMessages(['elsewhere aardvark', '别处的斑马'].map((text) => draft(groupKey('elsewhere'), 'a', { id: newMessageId(), elem: { type: 'text', text } })));
    });
    // The layout of migration 16: the word index alone.
    await client.query(`DROP INDEX messages_conv_words; CREATE INDEX messages_words ON messages USING gin (search_words) WHERE search_words IS NOT NULL;
      DELETE FROM natter_migrations WHERE version = 26`);

    const { logger, lines } = recorder();
    const store = await createPostgresStore({ connectionString: url, logger });
    try {
      assert.deepEqual(logged(lines, /migration 26/, 'index'), ['messages_conv_words']);
      const { rows } = await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'messages' AND indexname IN ('messages_words', 'messages_conv_words')`);
      assert.deepEqual(rows.map((r) => r.indexname), ['messages_conv_words']);
      assert.match(rows[0].indexdef, /gin \(conv_key, search_words\)/);
      await findsTheSeed(store);
    } finally {
      await store.close();
    }
  });

  it('postgres: migration 29 copies every message\'s words into message_words and sets the watermarks, logged; commits then write no words', async () => {
    const { url, client } = await seededBeforeWordsApart();

    const { logger, lines } = recorder();
    const store = await createPostgresStore({ connectionString: url, logger, searchIndex: false });
    try {
      assert.deepEqual(logged(lines, /migration 29/), [3]);
      const { rows: words } = await client.query('SELECT seq, text FROM message_words ORDER BY seq');
      assert.deepEqual(words.map((r) => [Number(r.seq), r.text]), [[1, 'old aardvark'], [2, '旧的斑马'], [3, 'old aardvark again']]);
      const { rows: marks } = await client.query('SELECT conv_key, seq FROM search_marks');
      assert.deepEqual(marks.map((r) => [r.conv_key, Number(r.seq)]), [[k, 3]]);
      assert.deepEqual(await texts(store, 'aardvark'), ['old aardvark again', 'old aardvark']);
      // A commit writes nothing for search (this store moves nothing either): found on its body.
      await store.commitMessages([draft(k, 'a', { id: newMessageId(), elem: { type: 'text', text: 'new aardvark' } })]);
      const { rows: [row] } = await client.query('SELECT search_text, search_words FROM messages WHERE seq = 4');
      assert.deepEqual(row, { search_text: null, search_words: null });
      assert.equal((await client.query('SELECT 1 FROM message_words WHERE seq = 4')).rowCount, 0);
      assert.deepEqual(await texts(store, 'aardvark'), ['new aardvark', 'old aardvark again', 'old aardvark']);
    } finally {
      await store.close();
    }
  });

  /** A picture and a link beside the seed's texts; `kinds` reads what a search by kind without words finds. */
  const picture = (store: Store) => store.commitMessages([
    draft(k, 'a', { id: newMessageId(), elem: { type: 'image', url: '/files/old', width: 1, height: 1, size: 1, mime: 'image/png' } }),
    draft(k, 'a', { id: newMessageId(), elem: { type: 'text', text: 'old www.example.org' } }),
  ]);
  const kinds = async (store: Store) => Promise.all((['image', 'link'] as const).map(async (kind) =>
    (await store.searchMessages('b', { terms: [], limit: 10, filter: { kind } })).map((m) => m.elem.type)));

  it('sqlite: indexes the kind of every stored message once on open (pictures and links found without words), and says so', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'natter-search-up-')), 'natter.db');
    const first = createSqliteStore(file);
    await seed(first);
    await picture(first);
    await first.close();
    const db = new Database(file);
    db.exec('DROP INDEX messages_kind; ALTER TABLE messages DROP COLUMN search_kind');
    db.close();

    const { logger, lines } = recorder();
    const store = createSqliteStore(file, { logger });
    try {
      assert.deepEqual(lines.filter((l) => /by kind/.test(l.msg ?? '')).map((l) => (l.obj as { rows: number }).rows), [2]);
      assert.deepEqual(await kinds(store), [['image'], ['text']]);
    } finally {
      await store.close();
    }
    const check = new Database(file);
    assert.equal(check.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'messages_kind'`).pluck().get(), 1);
    assert.deepEqual(check.prepare('SELECT search_kind FROM messages ORDER BY rowid').pluck().all(), [null, null, null, 'image', 'link']);
    check.close();
  });

  it('postgres: migration 33 indexes the kind of every stored message (pictures and links found without words), logged', async () => {
    const { url, drop } = await freshSchema();
    after(drop);
    const first = await createPostgresStore({ connectionString: url });
    await seed(first);
    await picture(first);
    await first.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    after(() => client.end());
    await client.query('DROP INDEX messages_kind; DROP FUNCTION natter_search_kind(text); DROP FUNCTION natter_elem_type(text); DELETE FROM natter_migrations WHERE version = 33');

    const { logger, lines } = recorder();
    const store = await createPostgresStore({ connectionString: url, logger });
    try {
      assert.deepEqual(lines.filter((l) => /migration 33/.test(l.msg ?? '')).map((l) => (l.obj as { rows: number }).rows), [2]);
      const { rows } = await client.query('SELECT natter_search_kind(body) AS kind FROM messages ORDER BY seq');
      assert.deepEqual(rows.map((r) => r.kind), [null, null, null, 'image', 'link']);
      assert.deepEqual(await kinds(store), [['image'], ['text']]);
    } finally {
      await store.close();
    }
  });
});
