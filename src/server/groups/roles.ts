import { ChatError, type GroupChange, type GroupRole } from '../../protocol/index.js';

/** Who may change what in a group: owners and admins run it; admins cannot touch (remove, mute) each other or the owner. */
const MANAGERS: ReadonlySet<GroupRole> = new Set(['owner', 'admin']);

/**
 * Checks that a member with role `actor` may make `change`, whose subject (remove, role) has
 * role `target` (undefined: not a member). Throws GROUP_ROLE_REQUIRED, OWNER_CANNOT_LEAVE or
 * BAD_REQUEST (an action on oneself that has its own kind). Pure: the service reads the roles.
 */
export function checkRole(actor: GroupRole, change: GroupChange, self: boolean, target?: GroupRole): void {
  switch (change.kind) {
    case 'rename':
    case 'avatar':
    case 'notice':
    case 'visibility':
    case 'invite':
      if (!MANAGERS.has(actor)) throw new ChatError('GROUP_ROLE_REQUIRED');
      return;
    case 'mute':
    case 'unmute':
      if (self) throw new ChatError('BAD_REQUEST', 'You cannot mute or unmute yourself.');
      if (target === undefined) throw new ChatError('NOT_MEMBER');
      if (actor === 'owner' || (actor === 'admin' && target === 'member')) return;
      throw new ChatError('GROUP_ROLE_REQUIRED');
    case 'remove':
      if (self) throw new ChatError('BAD_REQUEST', 'Leave the group instead of removing yourself.');
      if (actor === 'owner' || (actor === 'admin' && (target === undefined || target === 'member'))) return;
      throw new ChatError('GROUP_ROLE_REQUIRED');
    case 'role':
      if (self) throw new ChatError('BAD_REQUEST', 'You cannot change your own role.');
      if (actor !== 'owner') throw new ChatError('GROUP_ROLE_REQUIRED');
      return;
    case 'leave':
      if (actor === 'owner') throw new ChatError('OWNER_CANNOT_LEAVE');
      return;
    case 'dismiss':
      if (actor !== 'owner') throw new ChatError('GROUP_ROLE_REQUIRED');
      return;
  }
}
