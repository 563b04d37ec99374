import * as v from 'valibot';
import { ReqIdSchema as ReqId, UrlSchema } from './fields.js';
import { storedText } from './stored-text.js';
import { GroupIdSchema, UserIdSchema } from './ids.js';

/*
 * The group frames a client sends (SPEC §13): create a group, change one, read its settings.
 * Imported by `./client-frames.ts` only (the server decodes them; a browser client builds them),
 * for the same reason as that module: nothing a page loads at start may import these schemas.
 */

/**
 * Group limits (SPEC §13), apart from `LIMITS`: the script tag's first paint carries `LIMITS`
 * whole, and only the group frames (loaded later) and the server use these.
 */
export const GROUP_LIMITS = {
  /** UTF-8 bytes of a group's name. */
  nameBytes: 256,
  /** UTF-8 bytes of a group's notice. */
  noticeBytes: 2048,
  /** Users one `group.create` or invite names. */
  inviteBatch: 100,
  /** Members a group may reach through user actions (the admin REST API is not held to it). */
  members: 10_000,
  /** UTF-8 bytes of the reason a group admin gives for a mute. */
  muteReasonBytes: 500,
} as const;

const GroupName = v.pipe(storedText(GROUP_LIMITS.nameBytes), v.minLength(1));
const Visibility = v.picklist(['all', 'since-join']);

/**
 * Creates a group owned by the sender with the given members (not counting the sender). The id
 * is the client's pick (like a clientMsgId): a retry by the same owner answers `ok` again.
 * Answered by `ok`; refused with GROUP_CREATE_FORBIDDEN where the site keeps creation to its backend.
 */
export const GroupCreateSchema = v.object({
  type: v.literal('group.create'),
  reqId: ReqId,
  groupId: GroupIdSchema,
  name: GroupName,
  avatar: v.optional(UrlSchema),
  members: v.pipe(v.array(UserIdSchema), v.maxLength(GROUP_LIMITS.inviteBatch)),
  historyVisibility: v.optional(Visibility),
});

/**
 * One change to a group, checked by the sender's role (README "Group roles"): settings and
 * invites by admins and the owner; removing and muting by admins (members only) and the owner; roles,
 * ownership and dismissing by the owner; leaving by anyone but the owner.
 */
export const GroupChangeSchema = v.variant('kind', [
  v.object({ kind: v.literal('rename'), name: GroupName }),
  /** Absent `avatar`: the group has none any more. */
  v.object({ kind: v.literal('avatar'), avatar: v.optional(UrlSchema) }),
  /** An empty notice clears it. */
  v.object({ kind: v.literal('notice'), notice: storedText(GROUP_LIMITS.noticeBytes, true) }),
  /** What members added from now on can read: everything, or only what comes after they joined. */
  v.object({ kind: v.literal('visibility'), historyVisibility: Visibility }),
  v.object({ kind: v.literal('invite'), userIds: v.pipe(v.array(UserIdSchema), v.minLength(1), v.maxLength(GROUP_LIMITS.inviteBatch)) }),
  v.object({ kind: v.literal('remove'), userId: UserIdSchema }),
  /** Promote to admin, demote to member, or hand the group over (`owner`: the sender becomes an admin). */
  v.object({ kind: v.literal('role'), userId: UserIdSchema, role: v.picklist(['owner', 'admin', 'member']) }),
  v.object({ kind: v.literal('leave') }),
  v.object({ kind: v.literal('dismiss') }),
  /**
   * Mute a member in this group until `until` (ms since the epoch; absent: until unmuted), by the
   * owner (anyone else) or an admin (plain members): their sends here are refused MUTED, with `reason`.
   */
  v.object({
    kind: v.literal('mute'), userId: UserIdSchema,
    until: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8.64e15))),
    reason: v.optional(storedText(GROUP_LIMITS.muteReasonBytes, true)),
  }),
  v.object({ kind: v.literal('unmute'), userId: UserIdSchema }),
]);
export type GroupChange = v.InferOutput<typeof GroupChangeSchema>;
export type GroupChangeKind = GroupChange['kind'];

/** Answered by `ok`, or `error` with the reqId. */
export const GroupChangeFrameSchema = v.object({
  type: v.literal('group.change'),
  reqId: ReqId,
  groupId: GroupIdSchema,
  change: GroupChangeSchema,
});

/** A group's settings and the sender's role; answered by `group.info`. Members come by `members.fetch`. */
export const GroupFetchSchema = v.object({
  type: v.literal('group.fetch'),
  reqId: ReqId,
  groupId: GroupIdSchema,
});
