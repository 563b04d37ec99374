import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { ChatError } from '../../../src/protocol/index.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import type { Store } from '../../../src/server/core/store.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { changeDraft } from './store-changes-contract.js';
import { draft, storeContract } from './store-contract.js';

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

/**
 * A change is applied on this thread to what it read, then committed by the writer if that is
 * still what is stored: a pin judged by the sender's role (pin: admins) must find the role
 * unchanged too. Here the admin is demoted while the pin is applied (between the read and the commit).
 */
for (const [name, open] of [['file', () => createSqliteStore(join(mkdtempSync(join(tmpdir(), 'natter-store-')), 'natter.db'))], [':memory:', () => createSqliteStore(':memory:')]] as const) {
  it(`sqlite (${name}): applies a pin again when the sender's role changed before the writer's commit, and refuses it`, async () => {
    const s: Store = open();
    await s.createGroup({ id: 'demoted', name: 'D', createdAt: 1 }, ['a', 'b'], { a: 'admin' });
    const k = groupKey('demoted');
    const [m] = await s.commitMessages([draft(k, 'b')]);
    const id = m!.status === 'committed' ? m!.message.id : assert.fail();
    const d = changeDraft(k, 'a', id, { kind: 'pin', on: true }, { policy: { pin: 'admins' }, byRole: true });
    const roles: (string | undefined)[] = [];
    const apply = d.apply;
    d.apply = (target, visibleTo, pinCount, role) => {
      roles.push(role);
      // The demotion commits on this connection now, before the writer sees the pin.
      if (roles.length === 1) void s.setGroupRole('demoted', 'a', 'member');
      return apply(target, visibleTo, pinCount, role);
    };
    await assert.rejects(s.commitChange(d), (e: unknown) => e instanceof ChatError && e.name === 'PIN_FORBIDDEN');
    assert.deepEqual(roles, ['admin', 'member']);
    assert.deepEqual(await s.listPins(k), []);
    await s.close();
  });
}
