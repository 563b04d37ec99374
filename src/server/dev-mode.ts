import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminApi } from './core/admin.js';
import type { Store } from './core/store.js';
import { DEMO_GROUP } from './http/dev-routes.js';

/**
 * Reads a secret kept in the data dir, or makes one and keeps it (mode 0600), so dev tokens
 * and the admin key stay valid across restarts.
 */
export function persistentSecret(dataDir: string, file: string): string {
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

const DEMO_USERS = [
  ['alice', 'Alice'],
  ['bob', 'Bob'],
  ['carol', 'Carol'],
] as const;

/** Seeds alice, bob and carol (friends of each other) and the group `demo`; safe to rerun. */
export async function seedDemo(admin: AdminApi, store: Store): Promise<void> {
  for (const [id, name] of DEMO_USERS) {
    const user = await store.getUser(id);
    if (!user || user.deleted) await admin.putUser(id, { name });
  }
  for (const [a] of DEMO_USERS) for (const [b] of DEMO_USERS) if (a < b) await admin.setFriends(a, b, true);
  if (!(await store.getGroup(DEMO_GROUP))) {
    await admin.createGroup({ id: DEMO_GROUP, name: 'Demo group', members: DEMO_USERS.map(([id]) => id) });
  }
}
