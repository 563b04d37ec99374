import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { storeContract } from './store-contract.js';

// Each contract case opens its own copy of one database file the store created (and closed, so
// its WAL is folded in): opening a copy takes a fifth of the time of creating the schema again,
// each statement synced to disk, once a case.
const dir = mkdtempSync(join(tmpdir(), 'natter-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const template = join(dir, 'template.db');
await createSqliteStore(template).close();
let copies = 0;

storeContract('sqlite (file, WAL)', async () => {
  const file = join(dir, `natter-${++copies}.db`);
  copyFileSync(template, file);
  return createSqliteStore(file);
});
// A `:memory:` database cannot be opened by a second connection: it commits on the calling
// thread, with the writer thread's own commit code.
storeContract('sqlite (:memory:, commits on this thread)', async () => createSqliteStore(':memory:'));
