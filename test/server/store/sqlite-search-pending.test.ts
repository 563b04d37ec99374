import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import type { Store } from '../../../src/server/core/store.js';
import { PENDING_MAX, PENDING_QUIET_MS } from '../../../src/server/store/sqlite-search.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { changeDraft } from './store-changes-contract.js';
import { draft } from './store-contract.js';
import { find, send } from './store-search-contract.js';

/**
 * The SQLite word index's pending rows (sqlite-search.ts): the messages above its watermark, which
 * a commit leaves there writing nothing for search, and the writer moves into FTS5 in bulk; a
 * message is found the same on either side.
 */
describe('sqlite store: search over the pending rows and the index', () => {
  const dir = mkdtempSync(join(tmpdir(), 'natter-pending-'));
  let n = 0;
  const stores: Store[] = [];
  after(async () => {
    for (const s of stores) await s.close();
  });
  /** A store on a new file, and a connection of its own to look at where the rows are. */
  const open = async (file = join(dir, `${++n}.db`)) => {
    const store = createSqliteStore(file);
    stores.push(store);
    const db = new Database(file, { readonly: true });
    after(() => db.close());
    return {
      file, store,
      /** Message rows above the watermark. */
      pending: () => db.prepare('SELECT count(*) FROM messages WHERE rowid > (SELECT last_row FROM search_mark)').pluck().get() as number,
      /** The vocabulary's words (prefixes are looked up through it). */
      vocabulary: (word: string) => db.prepare('SELECT count(*) FROM messages_vocab WHERE word = ?').pluck().get(word) as number,
      /** Rows the FTS5 index gives for a word. */
      indexed: (word: string) => db.prepare('SELECT count(*) FROM messages_words WHERE messages_words MATCH ?').pluck().get(`"${word}"`) as number,
    };
  };
  /** Waits for the writer's move after a quiet spell: nothing pending. */
  const moved = async (pending: () => number) => {
    for (let i = 0; i < 40 && pending() > 0; i++) await new Promise((r) => setTimeout(r, PENDING_QUIET_MS / 2));
    assert.equal(pending(), 0, 'the writer moved the pending rows');
  };
  /** Each raise of the watermark from now on, in order: a trigger the writer's moves fire. */
  const markLog = (file: string) => {
    const db = new Database(file);
    after(() => db.close());
    db.exec(`CREATE TABLE mark_log (last_row INTEGER NOT NULL);
      CREATE TRIGGER mark_logged AFTER UPDATE ON search_mark BEGIN INSERT INTO mark_log VALUES (new.last_row); END;`);
    const before = db.prepare('SELECT last_row FROM search_mark').pluck().get() as number;
    /** Rows each move took. */
    return () => (db.prepare('SELECT last_row FROM mark_log ORDER BY rowid').pluck().all() as number[]).map((m, i, all) => m - (all[i - 1] ?? before));
  };
  const group = async (s: Store, id: string) => {
    await s.createGroup({ id, name: id, createdAt: 1, historyVisibility: 'all' }, ['sa', 'sb']);
    return groupKey(id);
  };

  it('finds a message while it is pending and after the move, with the same semantics (prefix, CJK, diacritics)', async () => {
    const { store, pending, indexed, vocabulary } = await open();
    const k = await group(store, 'p1');
    await send(store, k, 'sa', 'Ein Café für Zebrafische 一只斑马在跑');
    assert.equal(pending(), 1, 'still pending');
    assert.equal(indexed('zebrafische'), 0);
    // "zebra" starts no word of the vocabulary yet: the pending rows are read all the same.
    assert.equal(vocabulary('zebrafische'), 0);
    for (const q of ['cafe', 'zebra', '斑马', 'FÜR zebraf', 'café 斑马']) assert.deepEqual(await find(store, 'sb', q), ['Ein Café für Zebrafische 一只斑马在跑'], q);
    assert.deepEqual(await find(store, 'sb', 'ebra'), [], 'a term starts where a word does');
    assert.deepEqual(await find(store, 'sb', 'cafe', { key: k }), ['Ein Café für Zebrafische 一只斑马在跑'], 'in one conversation');
    await moved(pending);
    assert.equal(indexed('zebrafische'), 1, 'in the index now');
    assert.equal(vocabulary('zebrafische'), 1);
    for (const q of ['cafe', 'zebra', '斑马', 'FÜR zebraf', 'café 斑马']) assert.deepEqual(await find(store, 'sb', q), ['Ein Café für Zebrafische 一只斑马在跑'], q);
    assert.deepEqual(await find(store, 'sb', 'ebra'), []);
  });

  it('an edit or a recall updates a message whether it is pending or in the index', async () => {
    const { store, pending, indexed } = await open();
    const k = await group(store, 'p2');
    const early = await send(store, k, 'sa', 'moved narwhal');
    const gone = await send(store, k, 'sa', 'moved walrus');
    await moved(pending);
    const late = await send(store, k, 'sa', 'pending narwhal');
    const late2 = await send(store, k, 'sa', 'pending walrus');
    assert.equal(pending(), 2);
    for (const [m, text] of [[early, 'moved beluga'], [late, 'pending beluga']] as const) {
      assert.equal((await store.commitChange(changeDraft(k, 'sa', m.id, { kind: 'edit', text }))).status, 'committed');
    }
    for (const m of [gone, late2]) assert.equal((await store.commitChange(changeDraft(k, 'sa', m.id, { kind: 'recall' }))).status, 'committed');
    assert.equal(indexed('narwhal'), 0, 'the moved message left the index');
    assert.equal(indexed('walrus'), 0, 'the recalled one too');
    const check = async () => {
      assert.deepEqual(await find(store, 'sb', 'narwhal'), []);
      assert.deepEqual(await find(store, 'sb', 'walrus'), []);
      assert.deepEqual(await find(store, 'sb', 'beluga'), ['pending beluga', 'moved beluga']);
    };
    await check();
    await moved(pending);
    assert.equal(indexed('beluga'), 2);
    await check();
  });

  it('pages by cursor across the index and the pending rows, newest first, each message once', async () => {
    const { store, pending } = await open();
    const k = await group(store, 'p3');
    const texts: string[] = [];
    for (let i = 0; i < 5; i++) await send(store, k, 'sa', `pager ${i}`), texts.push(`pager ${i}`);
    await moved(pending);
    for (let i = 5; i < 10; i++) await send(store, k, 'sa', `pager ${i}`), texts.push(`pager ${i}`);
    assert.equal(pending(), 5);
    const seen: string[] = [];
    for (let before: string | undefined; ;) {
      const page = await store.searchMessages('sb', { terms: ['pager'], limit: 3, ...(before ? { before } : {}) });
      if (page.length === 0) break;
      seen.push(...page.map((m) => (m.elem as { text: string }).text));
      before = page[page.length - 1]!.id;
    }
    assert.deepEqual(seen, texts.reverse());
  });

  it('rows left pending by a process that died are found after a restart, and moved when the store opens', async () => {
    const file = join(dir, 'crash.db');
    // A process that commits and exits at once: its writer thread dies before the quiet move.
    const child = `
      const { createSqliteStore } = await import(${JSON.stringify(new URL('../../../src/server/store/sqlite-store.ts', import.meta.url).href)});
      const { send } = await import(${JSON.stringify(new URL('./store-search-contract.ts', import.meta.url).href)});
      const store = createSqliteStore(${JSON.stringify(file)});
      await store.createGroup({ id: 'p4', name: 'p4', createdAt: 1, historyVisibility: 'all' }, ['sa', 'sb']);
      await send(store, 'group:p4', 'sa', 'survivor okapi');
      process.exit(0);`;
    // A file, not -e: a worker thread inherits `--input-type=module`, and the writer's source is CommonJS.
    const script = join(dir, 'crash.mjs');
    writeFileSync(script, child);
    const ran = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
    assert.equal(ran.status, 0, ran.stderr);
    const left = new Database(file, { readonly: true });
    assert.equal(left.prepare('SELECT count(*) FROM messages WHERE rowid > (SELECT last_row FROM search_mark)').pluck().get(), 1, 'the row was left pending');
    left.close();
    const again = await open(file);
    assert.equal(again.pending(), 0);
    assert.equal(again.indexed('okapi'), 1);
    assert.deepEqual(await find(again.store, 'sb', 'okapi'), ['survivor okapi']);
  });

  it('a store that closes moves what is pending first', async () => {
    const first = await open();
    const k = await group(first.store, 'p5');
    await send(first.store, k, 'sa', 'closing tapir');
    assert.equal(first.pending(), 1);
    await first.store.close();
    assert.equal(first.pending(), 0);
    assert.equal(first.indexed('tapir'), 1);
  });

  it('a database of the previous release (a search_pending table) has its pending rows moved and gets a watermark', async () => {
    const first = await open();
    const k = await group(first.store, 'p6');
    const older = await send(first.store, k, 'sa', 'older quokka');
    await first.store.close();
    // As that release left it: the message's words in search_pending, not yet in FTS5; no watermark.
    const old = new Database(first.file);
    const row = old.prepare('SELECT rowid FROM messages WHERE id = ?').pluck().get(older.id) as number;
    old.prepare("INSERT INTO messages_words (messages_words, rowid, words) VALUES ('delete', ?, 'older quokka')").run(row);
    old.exec('CREATE TABLE search_pending (row INTEGER PRIMARY KEY, words TEXT NOT NULL); DROP TABLE search_mark;');
    old.prepare("INSERT INTO search_pending (row, words) VALUES (?, 'older quokka')").run(row);
    old.close();
    const again = await open(first.file);
    assert.equal(again.indexed('quokka'), 1, 'moved into the index');
    assert.equal(again.pending(), 0, 'the watermark above every row');
    await send(again.store, k, 'sa', 'newer quokka');
    assert.equal(again.pending(), 1);
    assert.deepEqual(await find(again.store, 'sb', 'quokka'), ['newer quokka', 'older quokka']);
    const check = new Database(first.file, { readonly: true });
    assert.equal(check.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'search_pending'`).pluck().get(), 0, 'the table is gone');
    check.close();
  });

  it('a backlog moves into the index PENDING_MAX rows at a time (a job posted meanwhile waits for one such move at most)', async () => {
    const { file, store, pending, indexed } = await open();
    const k = await group(store, 'p8');
    const moves = markLog(file);
    const total = 2 * PENDING_MAX + 500;
    await store.commitMessages(Array.from({ length: total }, () => draft(k, 'sa', { elem: { type: 'text', text: 'backlog ibex' } })));
    await moved(pending);
    assert.deepEqual(moves(), [PENDING_MAX, PENDING_MAX, 500]);
    assert.equal(indexed('ibex'), total);
  });

  it("commits that keep coming (a batch's words still on their way) leave no message out of the index", async () => {
    const { store, pending, indexed } = await open();
    const k = await group(store, 'p9');
    const commits: Promise<unknown>[] = [];
    // A batch a turn, none awaited: the writer drains them as they come, the last one's words often behind it.
    for (let i = 0; i < 40; i++) {
      commits.push(store.commitMessages(Array.from({ length: 150 }, () => draft(k, 'sa', { elem: { type: 'text', text: 'steady gnu' } }))));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(commits);
    await moved(pending);
    assert.equal(indexed('gnu'), 40 * 150);
    assert.equal((await find(store, 'sb', 'steady gnu', { limit: 5 })).length, 5);
  });

  it('a row above the watermark with no words (an image) still counts towards the move', async () => {
    const { store, pending } = await open();
    const k = await group(store, 'p7');
    await store.commitMessages([draft(k, 'sa', { elem: { type: 'image', url: 'https://example.com/a.png', width: 1, height: 1, size: 1, mime: 'image/png' } })]);
    assert.equal(pending(), 1);
    await moved(pending);
  });
});
