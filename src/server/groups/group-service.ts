import {
  ChatError,
  groupConversation,
  type ClientFrameOf,
  type GroupChange,
  type GroupInfo,
  type GroupRole,
  type ServerFrame,
  type SystemElem,
} from '../../protocol/index.js';
import { SYSTEM_USER } from '../core/auth.js';
import type { SendOutcome } from '../core/chat-core.js';
import type { Connection } from '../core/connection.js';
import { groupKey } from '../core/conversation-key.js';
import type { SendRequest } from '../core/send-message.js';
import type { GroupCheck, GroupRoleCheck, Store } from '../core/store.js';
import { summarize } from '../core/summaries.js';
import { DEFAULT_HISTORY_VISIBILITY, type Clock, type CommitOutcome, type GroupChanges, type GroupRecord, type HistoryVisibility, type MessageDraft } from '../core/types.js';
import { groupNotice, type GroupActor } from './group-notices.js';
import type { WebhookEventType } from '../webhooks/types.js';
import { checkRole } from './roles.js';
import { checkGroupName } from './group-names.js';
import { mapAtMost } from './at-most.js';
import type { Moderation } from '../moderation/moderation.js';
import type { Sanction, SanctionGuard } from '../moderation/types.js';

/** Who may create groups from the widget: anyone, or only the site's backend (admin REST). `NATTER_GROUP_CREATE`. */
export type GroupCreatePolicy = 'everyone' | 'admin';

/** What the service needs of the chat core (ChatCore has it all). */
export interface GroupHost {
  readonly store: Store;
  readonly clock: Clock;
  notify(users: string[], frame: ServerFrame): Promise<void>;
  forgetMembers(groupId: string): void;
  sendMessage(req: SendRequest, opts: { admin: boolean; event?: GroupWebhookEvent; alsoTo?: readonly string[] }): Promise<SendOutcome>;
  /** The same, committed by `commit` (Store.commitGroupNotice): undefined when it committed nothing. */
  sendMessage(req: SendRequest, opts: { admin: boolean; event?: GroupWebhookEvent; commit: (draft: MessageDraft) => Promise<CommitOutcome | undefined> }): Promise<SendOutcome | undefined>;
  /** Group mutes are the moderation's mutes scoped to the group (SPEC §11). */
  readonly moderation: Moderation;
}

/** The webhook event a group change's notification stands for, queued in the same commit (SPEC §11). */
export type GroupWebhookEvent = { type: Extract<WebhookEventType, 'group.created' | 'group.members' | 'group.changed'>; data: unknown };

/** What `group.changed` says changed (SPEC §11 "group changed"): the group's settings, a role, a group mute, the dismissal. */
export type GroupChangeEvent =
  | { kind: 'rename'; name: string }
  | { kind: 'avatar'; avatar?: string }
  | { kind: 'notice'; notice: string }
  | { kind: 'visibility'; historyVisibility: HistoryVisibility }
  | { kind: 'role'; userId: string; role: GroupRole }
  | { kind: 'mute'; userId: string; until?: number; reason?: string }
  | { kind: 'unmute'; userId: string }
  | { kind: 'dismiss' };

/** The `group.changed` webhook event of a change `actor` made (`operator`: the member who made it; absent for the site). */
function changeEvent(actor: GroupActor, groupId: string, change: GroupChangeEvent): GroupWebhookEvent {
  const operator = memberOf(actor);
  return { type: 'group.changed', data: { group: { id: groupId }, change, ...(operator !== undefined && { operator }) } };
}

export interface GroupServiceOptions {
  create: GroupCreatePolicy;
  /** Members may invite only their friends (the `friends-only` messaging mode). */
  friendsOnly: boolean;
  /** Most members a group may have: a member's invite past it is GROUP_FULL. */
  memberLimit: number;
}

/**
 * Groups run by their members (SPEC §13): creating, and each change checked by the actor's role
 * (roles.ts), stored, then told to the group as a structured system notification. The site's
 * backend (admin REST) makes the same changes without a role. Every change is checked again by
 * the store at its write, so two changes at once on two nodes act on the roles (and the group)
 * as they are, not as each read them, and a change is told only once written and only when it
 * changed something. Someone removed (or leaving) is dropped first, then told with the group; so
 * are the members of a dismissed group.
 */
export class GroupService {
  readonly #host: GroupHost;
  readonly #o: GroupServiceOptions;

  constructor(host: GroupHost, options: GroupServiceOptions) {
    this.#host = host;
    this.#o = options;
  }

  /** Handles `group.create`, `group.change` and `group.fetch`; errors are answered by the caller. */
  async handleFrame(conn: Connection, frame: ClientFrameOf<'group.create' | 'group.change' | 'group.fetch'>): Promise<void> {
    const { userId, profile } = conn.session!;
    const actor = { userId, name: profile.name ?? userId };
    if (frame.type === 'group.fetch') return send(conn, { type: 'group.info', reqId: frame.reqId, group: await this.info(userId, frame.groupId) });
    checkGroupName(frame.type === 'group.create' ? frame.name : frame.change.kind === 'rename' ? frame.change.name : undefined);
    if (frame.type === 'group.create') await this.create(actor, frame);
    else await this.change(actor, frame.groupId, frame.change);
    send(conn, { type: 'ok', reqId: frame.reqId });
  }

  /**
   * Creates a group owned by `actor` (or, for the admin, by `owner` when given). A retry of a
   * create its owner already made answers quietly; any other existing id is GROUP_EXISTS.
   */
  async create(
    actor: GroupActor,
    g: { groupId: string; name: string; avatar?: string; members: string[]; historyVisibility?: HistoryVisibility; owner?: string },
  ): Promise<void> {
    const admin = 'admin' in actor;
    if (!admin && this.#o.create === 'admin') throw new ChatError('GROUP_CREATE_FORBIDDEN');
    const owner = admin ? g.owner : actor.userId;
    const existing = await this.#host.store.getGroup(g.groupId);
    if (existing) {
      if (!admin && !existing.dismissed && (await this.#host.store.getGroupRole(g.groupId, actor.userId)) === 'owner') return;
      throw new ChatError('GROUP_EXISTS');
    }
    if (admin && owner !== undefined) await this.#admissible(actor, [owner]); // USER_UNKNOWN for an owner nobody is
    const invited = await this.#admissible(actor, g.members.filter((m) => m !== owner));
    const members = owner === undefined ? invited : [owner, ...invited];
    // A member's create names at most `inviteBatch` people: past a smaller limit, it would make a
    // group fuller than any invite may (the site's creates are not limited, as its invites are not).
    if (!admin && new Set(members).size > this.#o.memberLimit) throw new ChatError('GROUP_FULL');
    const record: GroupRecord = {
      id: g.groupId, name: g.name, createdAt: this.#host.clock(),
      ...(g.avatar !== undefined && { avatar: g.avatar }),
      historyVisibility: g.historyVisibility ?? DEFAULT_HISTORY_VISIBILITY,
    };
    await this.#host.store.createGroup(record, members, owner === undefined ? {} : { [owner]: 'owner' });
    await this.#announce(members, g.groupId);
    await this.#system(g.groupId, groupNotice.created(actor, g.name, members), {
      type: 'group.created',
      data: { group: { id: g.groupId, name: g.name, ...(g.avatar !== undefined && { avatar: g.avatar }) }, members },
    });
  }

  /** Per group: the last change taken on this node (see `change`). */
  readonly #changing = new Map<string, Promise<void>>();

  /**
   * Makes one change to a group, checked by the actor's role; a change that changes nothing posts
   * nothing. A group's changes run one at a time on this node: each reads the roles and members it
   * is checked against, then writes, so two at once were both checked against the state before
   * either. Two ownership transfers sent together left two owners (the second made by someone no
   * longer owner), and two removals of one member both told the group.
   */
  change(actor: GroupActor, groupId: string, change: GroupChange): Promise<void> {
    const before = this.#changing.get(groupId);
    const run = (before ?? Promise.resolve()).then(() => this.#change(actor, groupId, change));
    const settled = run.then(() => undefined, () => undefined);
    this.#changing.set(groupId, settled);
    void settled.then(() => {
      if (this.#changing.get(groupId) === settled) this.#changing.delete(groupId);
    });
    return run;
  }

  async #change(actor: GroupActor, groupId: string, change: GroupChange): Promise<void> {
    const store = this.#host.store;
    const group = await store.getGroup(groupId);
    if (!group) throw new ChatError('GROUP_UNKNOWN');
    if (group.dismissed) throw new ChatError('GROUP_DISMISSED');
    const subject = change.kind === 'remove' || change.kind === 'role' || change.kind === 'mute' || change.kind === 'unmute' ? change.userId : undefined;
    if ('admin' in actor) {
      if (change.kind === 'leave') throw new ChatError('BAD_REQUEST', 'The site cannot leave a group; remove a member instead.');
    } else {
      // A first answer, before any work (an invite's checks of the invitees come after it); the
      // store checks again at the write, against the roles as they are then.
      const role = await store.getGroupRole(groupId, actor.userId);
      const target = subject === undefined ? undefined : await store.getGroupRole(groupId, subject);
      allow(actor, change, role, target, subject);
    }
    switch (change.kind) {
      case 'rename':
        return this.#settle(actor, groupId, change, { name: change.name }, (g) => change.name !== g.name, groupNotice.renamed(actor, change.name), { kind: 'rename', name: change.name });
      case 'avatar':
        return this.#settle(actor, groupId, change, { avatar: change.avatar ?? null }, (g) => change.avatar !== g.avatar, groupNotice.avatar(actor, change.avatar),
          { kind: 'avatar', ...(change.avatar !== undefined && { avatar: change.avatar }) });
      case 'notice':
        return this.#settle(actor, groupId, change, { notice: change.notice }, (g) => change.notice !== (g.notice ?? ''), groupNotice.notice(actor), { kind: 'notice', notice: change.notice });
      case 'visibility':
        return this.#settle(actor, groupId, change, { historyVisibility: change.historyVisibility }, (g) => change.historyVisibility !== g.historyVisibility, groupNotice.visibility(actor, change.historyVisibility),
          { kind: 'visibility', historyVisibility: change.historyVisibility });
      case 'invite':
        return this.#invite(actor, groupId, change.userIds);
      case 'remove':
        return this.#drop(actor, groupId, change.userId, change, (name) => groupNotice.removed(actor, change.userId, name));
      case 'leave': {
        const me = actor as { userId: string; name: string };
        return this.#drop(actor, groupId, me.userId, change, () => groupNotice.left(me));
      }
      case 'role':
        return this.#role(actor, groupId, change.userId, change.role);
      case 'dismiss':
        return this.#dismiss(actor, groupId);
      case 'mute':
        return this.#mute(actor, groupId, change.userId, change.until ?? null, change.reason);
      case 'unmute':
        return this.#unmute(actor, groupId, change.userId);
    }
  }

  /**
   * A change of the group's settings (`changes`), checked by the store at its write against the
   * group and the actor's role as they are then; `differs` says, of the group then, whether it
   * changes anything (a retry, or the same change made at once on another node, writes and tells
   * nothing). Once written it is told (`notice`), but only while it stands: the notice commits
   * with the group's row locked, and not if the setting was changed again meanwhile (or the group
   * dismissed). Two renames at once on two nodes were told in the order their notices got to the
   * store, which could be the other way round from their writes: the last notice named a name
   * the group no longer had. Now the notice posted last always tells what the group is; one
   * superseded before it could be posted is not posted, as the group's members never saw it.
   */
  async #settle(actor: GroupActor, groupId: string, change: GroupChange, changes: GroupChanges, differs: (group: GroupRecord) => boolean, notice: SystemElem, event: GroupChangeEvent): Promise<void> {
    if ((await this.#host.store.updateGroup(groupId, changes, groupCheck(actor, change, differs), memberOf(actor))) === undefined) return;
    const stands = (group: GroupRecord) => !group.dismissed && !differs(group);
    // The webhook event commits with the notice: told to the site exactly when told to the group.
    await this.#host.sendMessage(systemRequest(groupId, notice), {
      admin: true, event: changeEvent(actor, groupId, event), commit: (draft: MessageDraft) => this.#host.store.commitGroupNotice(groupId, stands, draft),
    });
  }

  /** Mutes a member in the group (a group-scoped sanction, as the admin's), checked at its write, then tells the group. */
  async #mute(actor: GroupActor, groupId: string, userId: string, until: number | null, reason: string | undefined): Promise<void> {
    const change: GroupChange = { kind: 'mute', userId };
    const guard = sanctionGuard(actor, (actorRole, target) => {
      allow(actor, change, actorRole, target, userId);
      memberNeeded(userId, target);
      return true;
    });
    await this.#muteAndTell(actor, groupId, userId, until, reason?.trim() || undefined, true, guard);
  }

  /** Lifts a member's mute in the group, checked at its write; unmuting someone who is not muted posts nothing. */
  async #unmute(actor: GroupActor, groupId: string, userId: string): Promise<void> {
    const change: GroupChange = { kind: 'unmute', userId };
    const guard = sanctionGuard(actor, (actorRole, target) => (allow(actor, change, actorRole, target, userId), true));
    if (!(await this.#host.moderation.liftIfAny(userId, 'mute', groupId, guard))) return;
    await this.#tellUnmuted(actor, groupId, userId);
  }

  /**
   * The site's REST mute in a group (`PUT /v1/users/:id/mute` with `groupId`): the same sanction
   * and, when the user is a member of the group, the same `member-muted` notice a group admin's
   * mute posts (with no operator). A mute of someone outside the group (or of a group not made
   * yet) is kept quietly, as before. Repeating a running mute as it is changes and posts nothing.
   */
  async siteMute(groupId: string, userId: string, until: number | null, reason: string | undefined): Promise<Sanction> {
    return this.#muteAndTell({ admin: true }, groupId, userId, until, reason, await this.#liveMember(groupId, userId));
  }

  /** The site's REST unmute in a group: NOT_FOUND when there is no mute; a notice when one was running and the user is a member. */
  async siteUnmute(groupId: string, userId: string): Promise<void> {
    if ((await this.#host.moderation.lift(userId, 'mute', groupId)) && (await this.#liveMember(groupId, userId))) await this.#tellUnmuted({ admin: true }, groupId, userId);
  }

  /** Mutes, then tells the group when `tell` and the mute changed anything (the same one running: nothing written, nothing told). */
  async #muteAndTell(actor: GroupActor, groupId: string, userId: string, until: number | null, reason: string | undefined, tell: boolean, guard?: SanctionGuard): Promise<Sanction> {
    const { sanction, changed } = await this.#host.moderation.mute(userId, groupId, until, reason, guard);
    if (tell && changed) {
      const [name] = await this.#names([userId]);
      await this.#system(groupId, groupNotice.muted(actor, userId, name!, until),
        changeEvent(actor, groupId, { kind: 'mute', userId, ...(until !== null && { until }), ...(reason !== undefined && { reason }) }));
    }
    return sanction;
  }

  async #tellUnmuted(actor: GroupActor, groupId: string, userId: string): Promise<void> {
    const [name] = await this.#names([userId]);
    await this.#system(groupId, groupNotice.unmuted(actor, userId, name!), changeEvent(actor, groupId, { kind: 'unmute', userId }));
  }

  async #liveMember(groupId: string, userId: string): Promise<boolean> {
    const group = await this.#host.store.getGroup(groupId);
    return group !== undefined && !group.dismissed && (await this.#host.store.isGroupMember(groupId, userId));
  }

  /** A group's settings as `userId` (a member) sees them. */
  async info(userId: string, groupId: string): Promise<GroupInfo> {
    const store = this.#host.store;
    const group = await store.getGroup(groupId);
    if (!group) throw new ChatError('GROUP_UNKNOWN');
    const role = await store.getGroupRole(groupId, userId);
    if (role === undefined) throw new ChatError('NOT_MEMBER');
    return {
      id: group.id, name: group.name, historyVisibility: group.historyVisibility ?? DEFAULT_HISTORY_VISIBILITY,
      memberCount: await store.countGroupMembers(groupId), role,
      ...(group.avatar !== undefined && { avatar: group.avatar }),
      ...(group.notice !== undefined && { notice: group.notice }),
    };
  }

  /** Adds the invitees in one write, checked at it (those who joined meanwhile are left out); tells the group of those it added. */
  async #invite(actor: GroupActor, groupId: string, userIds: string[]): Promise<void> {
    const store = this.#host.store;
    const wanted = [...new Set(userIds)];
    const fresh: string[] = [];
    for (const id of wanted) if (!(await store.isGroupMember(groupId, id))) fresh.push(id);
    const admitted = await this.#admissible(actor, fresh);
    if (admitted.length === 0) return;
    // The members counted in the write, the group's row locked: two invites at once on two nodes
    // cannot pass the limit together.
    const check = groupCheck(actor, { kind: 'invite', userIds }, () => true);
    const added = await store.addGroupMembers(groupId, admitted, check, memberOf(actor), 'admin' in actor ? undefined : this.#o.memberLimit);
    if (added.length === 0) return;
    this.#host.forgetMembers(groupId);
    await this.#system(groupId, groupNotice.joined(actor, added, await this.#names(added)), { type: 'group.members', data: { group: { id: groupId }, added } });
    await this.#announce(added, groupId);
  }

  /**
   * Drops `userId`'s membership, checked by the store at the write against the roles as they are
   * then (an owner made meanwhile on another node cannot leave or be removed by an admin), then
   * tells the group and them (their devices still receive it, the membership gone). Only the
   * change that dropped the membership tells: two removals (or a removal and a leave) at once, on
   * one node or two, post one notice.
   */
  async #drop(actor: GroupActor, groupId: string, userId: string, change: GroupChange, notice: (name: string) => SystemElem): Promise<void> {
    const removed = await this.#host.store.removeGroupMember(groupId, userId, (actorRole, target) => {
      allow(actor, change, actorRole, target, userId);
      // Someone no longer a member: nothing to do, nothing posted (as before).
      return target !== undefined;
    }, memberOf(actor));
    if (!removed) return;
    this.#host.forgetMembers(groupId);
    const [name] = await this.#names([userId]);
    await this.#system(groupId, notice(name!), { type: 'group.members', data: { group: { id: groupId }, removed: [userId] } }, { alsoTo: [userId] });
    await this.#host.notify([userId], { type: 'conversation.removed', conversationId: groupConversation(groupId) });
  }

  /**
   * Checked again by the store at its write, against the roles as they are then: an owner who
   * handed the group over on another node meanwhile is refused (GROUP_ROLE_REQUIRED), not a
   * second owner made. One owner: the one before stays on as an admin.
   */
  async #role(actor: GroupActor, groupId: string, userId: string, role: GroupRole): Promise<void> {
    const change: GroupChange = { kind: 'role', userId, role };
    const changed = await this.#host.store.changeGroupRole(groupId, userId, role, (actorRole, current) => {
      allow(actor, change, actorRole, current, userId);
      memberNeeded(userId, current);
      return current !== role;
    }, memberOf(actor));
    if (!changed) return;
    const [name] = await this.#names([userId]);
    await this.#system(groupId, groupNotice.role(actor, userId, name!, role), changeEvent(actor, groupId, { kind: 'role', userId, role }));
  }

  /**
   * Marks the group dismissed and drops every membership in one write, checked at it (of two
   * dismissals at once, on one node or two, the second is GROUP_DISMISSED), then tells those who
   * were members, as a removal tells the member removed.
   */
  async #dismiss(actor: GroupActor, groupId: string): Promise<void> {
    const members = await this.#host.store.dismissGroup(groupId, groupCheck(actor, { kind: 'dismiss' }, () => true), memberOf(actor));
    if (members === undefined) return;
    this.#host.forgetMembers(groupId);
    await this.#system(groupId, groupNotice.dismissed(actor), changeEvent(actor, groupId, { kind: 'dismiss' }), { alsoTo: members });
    if (members.length > 0) await this.#host.notify(members, { type: 'conversation.removed', conversationId: groupConversation(groupId) });
  }

  /**
   * The users `actor` may put in a group: in friends-only mode only the actor's friends
   * (NOT_FRIENDS, also for an id nobody has), else existing ones (USER_UNKNOWN otherwise). Someone who blocked the actor is left out quietly,
   * as a blocked sender's message is (SPEC §6's default).
   */
  async #admissible(actor: GroupActor, userIds: string[]): Promise<string[]> {
    const store = this.#host.store;
    const out: string[] = [];
    for (const id of new Set(userIds)) {
      // Friendship first: in friends-only mode a stranger and a nobody get the same answer.
      if (!('admin' in actor) && this.#o.friendsOnly && !(await store.areFriends(actor.userId, id))) throw new ChatError('NOT_FRIENDS', undefined, { userId: id });
      const user = await store.getUser(id);
      if (!user || user.deleted || id === SYSTEM_USER) throw new ChatError('USER_UNKNOWN', `There is no user "${id}".`, { userId: id });
      if ('admin' in actor) {
        out.push(id);
        continue;
      }
      if (!(await store.isBlocked(id, actor.userId))) out.push(id);
    }
    return out;
  }

  async #names(userIds: string[]): Promise<string[]> {
    return mapAtMost(userIds, MEMBERS_AT_ONCE, async (id) => (await this.#host.store.getUser(id))?.name ?? id);
  }

  /** Tells each of `userIds` the group's summary as they see it, the members counted once for all. */
  async #announce(userIds: readonly string[], groupId: string): Promise<void> {
    const { store } = this.#host;
    const memberCount = await store.countGroupMembers(groupId);
    await mapAtMost(userIds, MEMBERS_AT_ONCE, async (userId) => {
      const state = await store.getConversation(userId, groupKey(groupId));
      if (!state) return;
      const conversation = await summarize(store, userId, state, { memberCount });
      await this.#host.notify([userId], { type: 'conversation.updated', conversation });
    });
  }

  /** Posts a system notification into the group; `event` is the webhook event it stands for. */
  #system(groupId: string, elem: SystemElem, event?: GroupWebhookEvent, o: { alsoTo?: readonly string[] } = {}): Promise<SendOutcome> {
    return this.#host.sendMessage(systemRequest(groupId, elem), { admin: true, ...(event && { event }), ...(o.alsoTo && { alsoTo: o.alsoTo }) });
  }
}

/** A system notification of the group, as the site sends it. */
function systemRequest(groupId: string, elem: SystemElem): SendRequest {
  return { sender: SYSTEM_USER, senderProfile: {}, conversationId: groupConversation(groupId), clientMsgId: globalThis.crypto.randomUUID(), elem, options: {} };
}

/**
 * Members read and told at once by a create or invite: below the PostgreSQL pool's 10 connections,
 * so a big group's reads leave room for every other request's.
 */
const MEMBERS_AT_ONCE = 8;

/** The member making a change, undefined for the site (the store then reads no actor's role). */
const memberOf = (actor: GroupActor): string | undefined => ('admin' in actor ? undefined : actor.userId);

/**
 * Throws unless `actor` may make `change` with the roles given (undefined: not a member): those
 * read before it, or the store's at its write. The site may make any change.
 */
function allow(actor: GroupActor, change: GroupChange, actorRole: GroupRole | undefined, target: GroupRole | undefined, subject: string | undefined): void {
  if ('admin' in actor) return;
  if (actorRole === undefined) throw new ChatError('NOT_MEMBER');
  checkRole(actorRole, change, subject === actor.userId, target);
}

function memberNeeded(userId: string, role: GroupRole | undefined): void {
  if (role === undefined) throw new ChatError('NOT_MEMBER', `${userId} is not a member of this group.`);
}

/** The store's check of a change of the group itself at its write: refused in a dismissed group or by role; `differs` whether it changes anything. */
function groupCheck(actor: GroupActor, change: GroupChange, differs: (group: GroupRecord) => boolean): GroupCheck {
  return (actorRole, group) => {
    if (group.dismissed) throw new ChatError('GROUP_DISMISSED');
    allow(actor, change, actorRole, undefined, undefined);
    return differs(group);
  };
}

function sanctionGuard(actor: GroupActor, check: GroupRoleCheck): SanctionGuard {
  const member = memberOf(actor);
  return member === undefined ? { check } : { check, actor: member };
}

function send(conn: Connection, frame: ServerFrame): void {
  conn.send(JSON.stringify(frame));
}
