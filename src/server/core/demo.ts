import type { AdminApi } from './admin.js';
import type { Store } from './store.js';

/**
 * Dev-mode demo data, shared by the Node server (`src/server/dev-mode.ts`, `/v1/dev/token`) and
 * the in-browser server (`src/local/`): no Node imports here.
 */

/** The group every dev-mode user joins, so the demo has someone to talk to. */
export const DEMO_GROUP = 'demo';

export const DEMO_USERS = [
  ['alice', 'Alice'],
  ['bob', 'Bob'],
  ['carol', 'Carol'],
] as const;

/** The demo group's owner: its admin features (mute, roles, rename, notice) are tried as `?user=alice`. */
export const DEMO_OWNER = DEMO_USERS[0][0];

/** Seeds alice, bob and carol (friends of each other) and the group `demo` (alice owns it); safe to rerun. */
export async function seedDemo(admin: AdminApi, store: Store): Promise<void> {
  for (const [id, name] of DEMO_USERS) {
    const user = await store.getUser(id);
    if (!user || user.deleted) await admin.putUser(id, { name });
  }
  for (const [a] of DEMO_USERS) for (const [b] of DEMO_USERS) if (a < b) await admin.setFriends(a, b, true);
  const group = await store.getGroup(DEMO_GROUP);
  if (!group) {
    // The demo room shows its whole history to whoever joins it (new groups default to since-join).
    await admin.createGroup({ id: DEMO_GROUP, name: 'Demo group', owner: DEMO_OWNER, members: DEMO_USERS.map(([id]) => id), historyVisibility: 'all' });
  } else if (!group.dismissed && (await store.isGroupMember(DEMO_GROUP, DEMO_OWNER)) && !(await admin.group(DEMO_GROUP)).owner) {
    // A data dir seeded before the demo had an owner: alice takes it quietly (no "owner changed"
    // notice to everyone at each start), as if she had been seeded owner.
    await store.setGroupRole(DEMO_GROUP, DEMO_OWNER, 'owner');
  }
}

/** A dev token for anyone, and a seat in the demo group (what `/v1/dev/token` answers). */
export async function issueDevToken(admin: AdminApi, store: Store, userId: string): Promise<{ userId: string; token: string }> {
  const token = await admin.issueToken(userId);
  if ((await store.getGroup(DEMO_GROUP)) && !(await store.isGroupMember(DEMO_GROUP, userId))) {
    await admin.addMember(DEMO_GROUP, userId);
  }
  return { userId, token };
}
