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
import type { Store } from '../core/store.js';
import { summarize } from '../core/summaries.js';
import { DEFAULT_HISTORY_VISIBILITY, type Clock, type GroupRecord, type HistoryVisibility } from '../core/types.js';
import { groupNotice, type GroupActor } from './group-notices.js';
import type { WebhookEventType } from '../webhooks/types.js';
import { checkRole } from './roles.js';
import type { Moderation } from '../moderation/moderation.js';
import { isActive, type Sanction } from '../moderation/types.js';
import { GROUP_LIMITS } from '../../protocol/group-frames.js';

/** Who may create groups from the widget: anyone, or only the site's backend (admin REST). `NATTER_GROUP_CREATE`. */
export type GroupCreatePolicy = 'everyone' | 'admin';

/** What the service needs of the chat core (ChatCore has it all). */
export interface GroupHost {
  readonly store: Store;
  readonly clock: Clock;
  notify(users: string[], frame: ServerFrame): Promise<void>;
  forgetMembers(groupId: string): void;
  sendMessage(req: SendRequest, opts: { admin: boolean; event?: GroupWebhookEvent; alsoTo?: readonly string[] }): Promise<SendOutcome>;
  /** Group mutes are the moderation's mutes scoped to the group (SPEC §11). */
  readonly moderation: Moderation;
}

/** The webhook event a group change's notification stands for, queued in the same commit (SPEC §11). */
export type GroupWebhookEvent = { type: Extract<WebhookEventType, 'group.created' | 'group.members'>; data: unknown };

export interface GroupServiceOptions {
  create: GroupCreatePolicy;
  /** Members may invite only their friends (the `friends-only` messaging mode). */
  friendsOnly: boolean;
}

/**
 * Groups run by their members (SPEC §13): creating, and each change checked by the actor's role
 * (roles.ts), stored, then told to the group as a structured system notification. The site's
 * backend (admin REST) makes the same changes without a role. Role changes and removals are
 * checked again by the store at their write, so two changes at once on two nodes act on the
 * roles as they are, not as each read them. Someone removed (or leaving) is dropped first, then
 * told with the group; a dismissal is told first, then every membership dropped.
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
    const record: GroupRecord = {
      id: g.groupId, name: g.name, createdAt: this.#host.clock(),
      ...(g.avatar !== undefined && { avatar: g.avatar }),
      historyVisibility: g.historyVisibility ?? DEFAULT_HISTORY_VISIBILITY,
    };
    await this.#host.store.createGroup(record, members, owner === undefined ? {} : { [owner]: 'owner' });
    await Promise.all(members.map((m) => this.#announce(m, g.groupId)));
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
      const role = await store.getGroupRole(groupId, actor.userId);
      if (role === undefined) throw new ChatError('NOT_MEMBER');
      const target = subject === undefined ? undefined : await store.getGroupRole(groupId, subject);
      checkRole(role, change, subject === actor.userId, target);
    }
    switch (change.kind) {
      case 'rename':
        if (change.name === group.name) return;
        await store.updateGroup(groupId, { name: change.name });
        return void (await this.#system(groupId, groupNotice.renamed(actor, change.name)));
      case 'avatar':
        if (change.avatar === group.avatar) return;
        await store.updateGroup(groupId, { avatar: change.avatar ?? null });
        return void (await this.#system(groupId, groupNotice.avatar(actor, change.avatar)));
      case 'notice':
        if (change.notice === (group.notice ?? '')) return;
        await store.updateGroup(groupId, { notice: change.notice });
        return void (await this.#system(groupId, groupNotice.notice(actor)));
      case 'visibility':
        if (change.historyVisibility === group.historyVisibility) return;
        await store.updateGroup(groupId, { historyVisibility: change.historyVisibility });
        return void (await this.#system(groupId, groupNotice.visibility(actor, change.historyVisibility)));
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

  /** Mutes a member in the group (a group-scoped sanction, as the admin's), then tells the group. */
  async #mute(actor: GroupActor, groupId: string, userId: string, until: number | null, reason: string | undefined): Promise<void> {
    if (!(await this.#host.store.isGroupMember(groupId, userId))) throw new ChatError('NOT_MEMBER', `${userId} is not a member of this group.`);
    await this.#muteAndTell(actor, groupId, userId, until, reason?.trim() || undefined, true);
  }

  /** Lifts a member's mute in the group; unmuting someone who is not muted posts nothing. */
  async #unmute(actor: GroupActor, groupId: string, userId: string): Promise<void> {
    if (!(await this.#host.moderation.liftIfAny(userId, 'mute', groupId))) return;
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

  async #muteAndTell(actor: GroupActor, groupId: string, userId: string, until: number | null, reason: string | undefined, tell: boolean): Promise<Sanction> {
    const moderation = this.#host.moderation;
    const running = (await moderation.list(userId)).find((s) => s.kind === 'mute' && s.scope === groupId && isActive(s, this.#host.clock()));
    if (running && running.until === until && running.reason === reason) return running;
    const sanction = await moderation.mute(userId, groupId, until, reason);
    if (tell) {
      const [name] = await this.#names([userId]);
      await this.#system(groupId, groupNotice.muted(actor, userId, name!, until));
    }
    return sanction;
  }

  async #tellUnmuted(actor: GroupActor, groupId: string, userId: string): Promise<void> {
    const [name] = await this.#names([userId]);
    await this.#system(groupId, groupNotice.unmuted(actor, userId, name!));
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

  async #invite(actor: GroupActor, groupId: string, userIds: string[]): Promise<void> {
    const store = this.#host.store;
    const wanted = [...new Set(userIds)];
    const fresh: string[] = [];
    for (const id of wanted) if (!(await store.isGroupMember(groupId, id))) fresh.push(id);
    const admitted = await this.#admissible(actor, fresh);
    if (admitted.length === 0) return;
    if (!('admin' in actor) && (await store.countGroupMembers(groupId)) + admitted.length > GROUP_LIMITS.members) throw new ChatError('GROUP_FULL');
    const added: string[] = [];
    for (const id of admitted) if (await store.addGroupMember(groupId, id)) added.push(id);
    if (added.length === 0) return;
    this.#host.forgetMembers(groupId);
    await this.#system(groupId, groupNotice.joined(actor, added, await this.#names(added)), { type: 'group.members', data: { group: { id: groupId }, added } });
    await Promise.all(added.map((m) => this.#announce(m, groupId)));
  }

  /**
   * Drops `userId`'s membership, checked by the store at the write against the roles as they are
   * then (an owner made meanwhile on another node cannot leave or be removed by an admin), then
   * tells the group and them (their devices still receive it, the membership gone). Only the
   * change that dropped the membership tells: two removals (or a removal and a leave) at once, on
   * one node or two, post one notice.
   */
  async #drop(actor: GroupActor, groupId: string, userId: string, change: GroupChange, notice: (name: string) => SystemElem): Promise<void> {
    const member = 'admin' in actor ? undefined : actor.userId;
    const removed = await this.#host.store.removeGroupMember(groupId, userId, (actorRole, target) => {
      if (member !== undefined) {
        if (actorRole === undefined) throw new ChatError('NOT_MEMBER');
        checkRole(actorRole, change, userId === member, target);
      }
      // Someone no longer a member: nothing to do, nothing posted (as before).
      return target !== undefined;
    }, member);
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
    const member = 'admin' in actor ? undefined : actor.userId;
    const change: GroupChange = { kind: 'role', userId, role };
    const changed = await this.#host.store.changeGroupRole(groupId, userId, role, (actorRole, current) => {
      if (member !== undefined) {
        if (actorRole === undefined) throw new ChatError('NOT_MEMBER');
        checkRole(actorRole, change, userId === member, current);
      }
      if (current === undefined) throw new ChatError('NOT_MEMBER', `${userId} is not a member of this group.`);
      return current !== role;
    }, member);
    if (!changed) return;
    const [name] = await this.#names([userId]);
    await this.#system(groupId, groupNotice.role(actor, userId, name!, role));
  }

  /**
   * Tells the group, then drops every membership. A group is dismissed once (its id is never made
   * again), so its notice has one idempotency key: two dismissals at once, on one node or two,
   * commit one notice, and the second's dismissGroup finds no member left.
   */
  async #dismiss(actor: GroupActor, groupId: string): Promise<void> {
    await this.#system(groupId, groupNotice.dismissed(actor), undefined, { clientMsgId: await dismissalKey(groupId) });
    const members = await this.#host.store.dismissGroup(groupId);
    this.#host.forgetMembers(groupId);
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
    return Promise.all(userIds.map(async (id) => (await this.#host.store.getUser(id))?.name ?? id));
  }

  /** Tells a user's devices about a group they just joined. */
  async #announce(userId: string, groupId: string): Promise<void> {
    const state = await this.#host.store.getConversation(userId, groupKey(groupId));
    if (!state) return;
    const conversation = await summarize(this.#host.store, userId, state);
    await this.#host.notify([userId], { type: 'conversation.updated', conversation });
  }

  /** Posts a system notification into the group; `event` is the webhook event it stands for. */
  #system(groupId: string, elem: SystemElem, event?: GroupWebhookEvent, o: { clientMsgId?: string; alsoTo?: readonly string[] } = {}): Promise<SendOutcome> {
    const clientMsgId = o.clientMsgId ?? globalThis.crypto.randomUUID();
    return this.#host.sendMessage(
      { sender: SYSTEM_USER, senderProfile: {}, conversationId: groupConversation(groupId), clientMsgId, elem, options: {} },
      { admin: true, ...(event && { event }), ...(o.alsoTo && { alsoTo: o.alsoTo }) },
    );
  }
}

/** The idempotency key of a group's dismissal notice: a valid clientMsgId (a group id may hold `.` and `@`), the same on every node. */
async function dismissalKey(groupId: string): Promise<string> {
  // Web Crypto, not node:crypto: this module also runs in the browser (the in-browser demo server, src/local).
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(groupId)));
  const base64 = btoa(String.fromCharCode(...digest));
  return `group-dismissed-${base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

function send(conn: Connection, frame: ServerFrame): void {
  conn.send(JSON.stringify(frame));
}
