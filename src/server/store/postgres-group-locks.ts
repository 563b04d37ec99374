import type { PoolClient } from 'pg';
import { groupKey } from '../core/conversation-key.js';
import type { GroupRole } from '../core/types.js';

/** A role as read from locked rows: undefined for someone not a member (or no one). */
export type LockedRoles = (userId: string | undefined) => GroupRole | undefined;

/**
 * Locks the memberships of `userIds` in the group (and, with `owners`, every owner's), in one
 * order so that two writes never wait on each other in a ring, and reads their roles as last
 * committed (READ COMMITTED reads again after a wait): a role changed meanwhile on another node
 * is seen here. A write that locks the group's row too locks it first (as dismissGroup does).
 */
export async function lockRoles(c: PoolClient, groupId: string, userIds: readonly (string | undefined)[], owners = false): Promise<LockedRoles> {
  const ids = userIds.filter((u) => u !== undefined);
  const { rows } = await c.query<{ user_id: string; role: GroupRole }>(
    `SELECT user_id, role FROM memberships WHERE conv_key = $1 AND (user_id = ANY($2::text[])${owners ? " OR role = 'owner'" : ''}) ORDER BY user_id FOR UPDATE`,
    [groupKey(groupId), ids],
  );
  return (u) => (u === undefined ? undefined : rows.find((r) => r.user_id === u)?.role);
}
