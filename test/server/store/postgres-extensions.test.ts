/**
 * The extensions Natter's migrations install (pg_trgm, btree_gin) go to the public schema when
 * the role may create there, never into the schema being migrated: a database holding several
 * Natter schemas (tenants, or tests) must survive dropping one of them with CASCADE, which would
 * take an extension living in it, and every index built on it in the other schemas, along. In a
 * database of its own, so the extensions start uninstalled.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { POSTGRES_URL, requirePostgres, uniqueName } from '../helpers/services.js';

await requirePostgres();

const database = uniqueName('natter_ext');
const url = (schema: string) => {
  const u = new URL(POSTGRES_URL);
  u.pathname = `/${database}`;
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
};
const admin = async <T>(connectionString: string, run: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
};

before(() => admin(POSTGRES_URL, (c) => c.query(`CREATE DATABASE ${database}`)));
after(() => admin(POSTGRES_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)));

it('installs pg_trgm and btree_gin in public, so dropping the first Natter schema leaves the others whole', async () => {
  for (const schema of ['tenant_a', 'tenant_b']) {
    const store = await createPostgresStore({ connectionString: url(schema), schema });
    await store.close();
  }
  const where = await admin(url('public'), async (c) => (await c.query<{ extname: string; ns: string }>(`SELECT extname, extnamespace::regnamespace::text AS ns FROM pg_extension WHERE extname IN ('pg_trgm', 'btree_gin') ORDER BY extname`)).rows);
  assert.deepEqual(where, [{ extname: 'btree_gin', ns: 'public' }, { extname: 'pg_trgm', ns: 'public' }]);
  await admin(url('public'), (c) => c.query('DROP SCHEMA tenant_a CASCADE'));
  const left = await admin(url('public'), async (c) => (await c.query<{ extname: string }>(`SELECT extname FROM pg_extension WHERE extname IN ('pg_trgm', 'btree_gin') ORDER BY extname`)).rows.map((r) => r.extname));
  assert.deepEqual(left, ['btree_gin', 'pg_trgm']);
  // A third schema still migrates (it would build migration 7's index on the extension).
  const store = await createPostgresStore({ connectionString: url('tenant_c'), schema: 'tenant_c' });
  await store.close();
});
