import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import type { Store } from '../../../src/server/core/store.js';
import { MIGRATIONS } from '../../../src/server/store/postgres-schema.js';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';
import { draft } from './store-contract.js';

await requirePostgres();

/** Groups made before history visibility existed: they keep 'all', and switching hides nothing from their members. */
async function checkUpgraded(store: Store): Promise<void> {
  const k = groupKey('old');
  assert.equal((await store.getGroup('old'))?.historyVisibility, 'all', 'an existing group keeps what it did');
  assert.equal((await store.getConversation('late', k))?.historyFloor ?? 0, 0);
  await store.updateGroup('old', { historyVisibility: 'since-join' });
  assert.equal((await store.getConversation('late', k))?.historyFloor ?? 0, 0, 'an existing member keeps what they could read');
  await store.commitMessages([draft(k, 'a')]);
  await store.addGroupMember('old', 'newcomer');
  assert.equal((await store.getConversation('newcomer', k))?.historyFloor, 3, 'a member added after the upgrade starts at the join');
  await store.createGroup({ id: 'fresh', name: 'F', createdAt: 2 }, ['a']);
  assert.equal((await store.getGroup('fresh'))?.historyVisibility, 'since-join');
  // Roles, notices and dismissal (SQLite upgradeGroupRoles, PostgreSQL migration 10): old members are members.
  assert.equal(await store.getGroupRole('old', 'late'), 'member');
  assert.equal(await store.setGroupRole('old', 'a', 'owner'), true);
  assert.equal((await store.updateGroup('old', { notice: 'kept' }))?.notice, 'kept');
}

describe('group history visibility: upgrading a database made before it', () => {
  it('SQLite adds the columns on open, keeping old groups at all and old members unfloored', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'natter-hv-')), 'natter.db');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE groups (id TEXT PRIMARY KEY, name TEXT NOT NULL, avatar TEXT, created_at INTEGER NOT NULL);
      CREATE TABLE conversations (key TEXT PRIMARY KEY, last_seq INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
      CREATE TABLE memberships (user_id TEXT NOT NULL, conv_key TEXT NOT NULL, read_seq INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (user_id, conv_key)) WITHOUT ROWID;
      INSERT INTO groups VALUES ('old', 'Old', NULL, 1);
      INSERT INTO conversations VALUES ('group:old', 2);
      INSERT INTO memberships VALUES ('a', 'group:old', 0), ('late', 'group:old', 2);`);
    old.close();
    const store = createSqliteStore(file);
    try {
      await checkUpgraded(store);
    } finally {
      await store.close();
    }
  });

  const schemas: { drop(): Promise<void> }[] = [];
  after(async () => {
    for (const s of schemas) await s.drop();
  });

  it('PostgreSQL migration 4 does the same', async () => {
    const s = await freshSchema();
    schemas.push(s);
    const client = new pg.Client({ connectionString: s.url });
    await client.connect();
    try {
      // The schema as the previous release left it: every step before this one.
      await client.query('CREATE TABLE natter_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const m of MIGRATIONS.filter((m) => m.version < 4)) {
        await client.query(m.sql);
        await client.query('INSERT INTO natter_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
      await client.query(`INSERT INTO groups VALUES ('old', 'Old', NULL, 1); INSERT INTO conversations VALUES ('group:old', 2);
        INSERT INTO memberships VALUES ('a', 'group:old', 0), ('late', 'group:old', 2);`);
    } finally {
      await client.end();
    }
    const store = await createPostgresStore({ connectionString: s.url });
    try {
      await checkUpgraded(store);
    } finally {
      await store.close();
    }
  });
});
