import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { storeContract } from './store-contract.js';

storeContract('sqlite (file, WAL)', async () => createSqliteStore(join(mkdtempSync(join(tmpdir(), 'natter-store-')), 'natter.db')));
// A `:memory:` database cannot be opened by a second connection: it commits on the calling
// thread, with the writer thread's own commit code.
storeContract('sqlite (:memory:, commits on this thread)', async () => createSqliteStore(':memory:'));
