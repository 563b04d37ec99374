import {
  ChatError,
  type Change,
  groupConversation,
  ID_PATTERN,
  type ConversationId,
  type ConversationSummary,
  type Elem,
  type SendOptions,
} from '../../protocol/index.js';
import { signUserToken, SYSTEM_USER } from './auth.js';
import type { ChatCore, SendOutcome } from './chat-core.js';
import { groupKey, p2pKey } from './conversation-key.js';
import { fetchHistory } from './history.js';
import { summarize } from './summaries.js';
import { DEFAULT_HISTORY_VISIBILITY, type GroupRecord, type GroupRole, type HistoryVisibility, type Profile, type UserRecord } from './types.js';
import { searchAs, type SearchRequest } from './search.js';

const DEFAULT_TOKEN_TTL = 24 * 3600;

/** A user as `GET /v1/users/:id` answers. */
export interface AdminUser extends Profile {
  id: string;
  createdAt: number;
}

/** A group as `GET /v1/groups/:id` answers. */
export interface AdminGroup {
  id: string;
  conversationId: ConversationId;
  name: string;
  avatar?: string;
  notice?: string;
  historyVisibility: HistoryVisibility;
  createdAt: number;
  memberCount: number;
  owner?: string;
  dismissed?: true;
}

/** A member as `GET /v1/groups/:id/members` lists them. */
export interface AdminMember extends Profile {
  id: string;
  role: GroupRole;
  readSeq: number;
  muted?: { until?: number };
}

/** Where a message is, for the admin's changes: its group, or the two users of its 1:1 chat (ids are not looked up across conversations). */
export type MessagePlace = { groupId: string } | { users: [string, string] };

export interface AdminSend {
  /** Sender; may be left out for system notifications (then the reserved `system` user). */
  from?: string;
  to?: string;
  groupId?: string;
  elem: Elem;
  clientMsgId?: string;
  options?: SendOptions;
}

/**
 * What admins (REST, admin key) can do. Users become known when an admin creates them
 * (`putUser`), issues them a token, or when they first log in with a valid token; every other
 * operation that names a user requires the user to exist (USER_UNKNOWN otherwise).
 */
export class AdminApi {
  readonly #core: ChatCore;

  constructor(core: ChatCore) {
    this.#core = core;
  }

  async putUser(id: string, profile: Profile): Promise<UserRecord> {
    checkUserId(id);
    return this.#core.store.putUser(id, profile, this.#core.clock());
  }

  async deleteUser(id: string): Promise<void> {
    if (!(await this.#core.store.deleteUser(id))) throw new ChatError('USER_UNKNOWN');
    await this.#core.publish({ kind: 'kick', userId: id, error: new ChatError('USER_DELETED').toJSON() });
  }

  /** Signs a token for the user, creating the user if unknown (as the host backend would). */
  async issueToken(userId: string, ttlSeconds?: number): Promise<string> {
    checkUserId(userId);
    // Tokens this server would accept: within its longest lifetime, with its aud and iss.
    const policy = this.#core.tokenPolicy;
    const max = policy?.maxLifetimeSeconds ?? Infinity;
    if (ttlSeconds !== undefined && ttlSeconds > max) throw new ChatError('BAD_REQUEST', `ttlSeconds is above the longest token lifetime (${max} s).`);
    const user = await this.#core.store.getUser(userId);
    if (user?.deleted) throw new ChatError('USER_DELETED');
    if (!user) await this.#core.store.putUser(userId, {}, this.#core.clock());
    return signUserToken(this.#core.secret, userId, {
      now: this.#core.clock(),
      ttlSeconds: ttlSeconds ?? Math.min(DEFAULT_TOKEN_TTL, max),
      ...(policy?.audience !== undefined && { audience: policy.audience }),
      ...(policy?.issuer !== undefined && { issuer: policy.issuer }),
    });
  }

  async setFriends(a: string, b: string, friends: boolean): Promise<void> {
    if (a === b) throw new ChatError('SELF_CONVERSATION', 'A user cannot befriend themselves.');
    await this.#existing(a);
    await this.#existing(b);
    // Through the friend service, so both users' devices hear of it (`friends.updated`).
    await this.#core.friends.setFriends(a, b, friends);
  }

  async setBlocked(owner: string, other: string, blocked: boolean): Promise<void> {
    await this.#existing(owner);
    await this.#core.setBlocked(owner, other, blocked);
  }

  /** Creates a group; `owner`, when given, owns it (SPEC §13), else the site alone manages it. */
  async createGroup(group: { id: string; name: string; avatar?: string; members: string[]; historyVisibility?: HistoryVisibility; owner?: string }): Promise<void> {
    checkUserId(group.id);
    const { id, ...rest } = group;
    await this.#core.groups.create({ admin: true }, { groupId: id, ...rest, members: rest.owner === undefined ? rest.members : [...rest.members, rest.owner] });
  }

  /** Changes a group's settings (GROUP_UNKNOWN when there is none), each a notification in the group; answers the group as stored. */
  async updateGroup(groupId: string, changes: { name?: string; avatar?: string | null; notice?: string; historyVisibility?: HistoryVisibility }): Promise<GroupRecord> {
    const groups = this.#core.groups;
    if (changes.name !== undefined) await groups.change(ADMIN, groupId, { kind: 'rename', name: changes.name });
    if (changes.avatar !== undefined) await groups.change(ADMIN, groupId, changes.avatar === null ? { kind: 'avatar' } : { kind: 'avatar', avatar: changes.avatar });
    if (changes.notice !== undefined) await groups.change(ADMIN, groupId, { kind: 'notice', notice: changes.notice });
    if (changes.historyVisibility !== undefined) await groups.change(ADMIN, groupId, { kind: 'visibility', historyVisibility: changes.historyVisibility });
    const group = await this.#core.store.getGroup(groupId);
    if (!group) throw new ChatError('GROUP_UNKNOWN');
    return group;
  }

  /** A user's profile (`GET /v1/users/:id`); USER_UNKNOWN for nobody or a deleted user. */
  async user(id: string): Promise<AdminUser> {
    const user = await this.#existing(id);
    return { id: user.id, ...(user.name !== undefined && { name: user.name }), ...(user.avatar !== undefined && { avatar: user.avatar }), createdAt: user.createdAt };
  }

  /**
   * A group as the site sees it (`GET /v1/groups/:id`): its settings, owner and member count;
   * a dismissed group answers too (`dismissed: true`, no members). GROUP_UNKNOWN when there is none.
   */
  async group(groupId: string): Promise<AdminGroup> {
    const group = await this.#core.store.getGroup(groupId);
    if (!group) throw new ChatError('GROUP_UNKNOWN');
    // A count and the owner's row, not every member (10,000 in a big group).
    const store = this.#core.store;
    const [memberCount, owner] = group.dismissed ? [0, undefined] : await Promise.all([store.countGroupMembers(groupId), store.groupOwner(groupId)]);
    return {
      id: group.id, conversationId: groupConversation(group.id), name: group.name,
      ...(group.avatar !== undefined && { avatar: group.avatar }), ...(group.notice !== undefined && { notice: group.notice }),
      historyVisibility: group.historyVisibility ?? DEFAULT_HISTORY_VISIBILITY, createdAt: group.createdAt, memberCount,
      ...(owner !== undefined && { owner }), ...(group.dismissed && { dismissed: true as const }),
    };
  }

  /**
   * A page of a group's members by id after `after` (`GET /v1/groups/:id/members`), each with
   * profile, role, how far they have read and, when muted in the group, until when.
   */
  async groupMembers(groupId: string, after: string | undefined, limit: number): Promise<{ items: AdminMember[]; next?: string }> {
    const group = await this.#core.store.getGroup(groupId);
    if (!group) throw new ChatError('GROUP_UNKNOWN');
    if (group.dismissed) return { items: [] };
    // One more than the page, read by id from `after` on: whether a next page exists, at a page's cost.
    const [rows, mutes] = await Promise.all([this.#core.store.listMembers(groupKey(groupId), { after, limit: limit + 1 }), this.#core.moderation.groupMutes(groupId)]);
    const page = rows.slice(0, limit).map(({ userId, name, avatar, readSeq, role }): AdminMember => ({
      id: userId, ...(name !== undefined && { name }), ...(avatar !== undefined && { avatar }), role: role ?? 'member', readSeq,
      ...(mutes.has(userId) && { muted: mutes.get(userId)! }),
    }));
    return { items: page, ...(rows.length > limit && { next: page[page.length - 1]!.id }) };
  }

  /** Adds a member; false (and nothing posted) when they already were one. */
  async addMember(groupId: string, userId: string): Promise<boolean> {
    const before = await this.#member(groupId, userId);
    if (!before) await this.#core.groups.change(ADMIN, groupId, { kind: 'invite', userIds: [userId] });
    return !before;
  }

  /** Removes a member (told first, so their devices see it); false when they were not one. */
  async removeMember(groupId: string, userId: string): Promise<boolean> {
    const before = await this.#member(groupId, userId);
    if (before) await this.#core.groups.change(ADMIN, groupId, { kind: 'remove', userId });
    return before;
  }

  /** Sets a member's role; `owner` hands the group over (the previous owner becomes an admin). */
  async setRole(groupId: string, userId: string, role: GroupRole): Promise<void> {
    await this.#core.groups.change(ADMIN, groupId, { kind: 'role', userId, role });
  }

  /** Dismisses the group: a last notification, then every member is removed. */
  async dismissGroup(groupId: string): Promise<void> {
    await this.#core.groups.change(ADMIN, groupId, { kind: 'dismiss' });
  }

  /** Sends as any user (or as `system`), skipping friend and block checks. */
  async send(input: AdminSend): Promise<SendOutcome> {
    if ((input.to === undefined) === (input.groupId === undefined)) {
      throw new ChatError('BAD_REQUEST', 'Give exactly one of `to` and `groupId`.');
    }
    const from = input.from ?? (input.elem.type === 'system' && input.groupId !== undefined ? SYSTEM_USER : undefined);
    if (from === undefined) throw new ChatError('BAD_REQUEST', '`from` is required.');
    const profile: Profile = {};
    if (from !== SYSTEM_USER) {
      const user = await this.#existing(from);
      if (user.name !== undefined) profile.name = user.name;
      if (user.avatar !== undefined) profile.avatar = user.avatar;
    }
    const conversationId: ConversationId = input.to !== undefined ? `p2p:${input.to}` : groupConversation(input.groupId!);
    return this.#core.sendMessage(
      { sender: from, senderProfile: profile, conversationId, clientMsgId: input.clientMsgId ?? globalThis.crypto.randomUUID(), elem: input.elem, options: input.options ?? {} },
      { admin: true },
    );
  }

  async conversations(userId: string): Promise<ConversationSummary[]> {
    await this.#existing(userId);
    const states = await this.#core.store.listConversations(userId);
    return Promise.all(states.map((s) => summarize(this.#core.store, userId, s)));
  }

  async history(userId: string, conversationId: ConversationId, before?: number, limit?: number) {
    await this.#existing(userId);
    return fetchHistory(this.#core.store, userId, { conversationId, ...(before !== undefined && { before }), ...(limit !== undefined && { limit }) });
  }

  /** Search (SPEC §12) as `userId`: `GET /v1/users/:id/search`. */
  async search(userId: string, req: SearchRequest) {
    await this.#existing(userId);
    return searchAs(this.#core.store, userId, req);
  }

  /**
   * Recalls any message (SPEC §9: admins any time): `DELETE /v1/messages/:messageId` with the
   * group, or the two users of the 1:1 chat. Idempotent: a repeat answers the first recall.
   */
  async recallMessage(messageId: string, where: MessagePlace): Promise<{ seq: number; duplicate: boolean }> {
    return this.#change(messageId, where, `recall-${messageId}`, { kind: 'recall' });
  }

  /**
   * Edits the text of any text message, any time (`PATCH /v1/messages/:messageId`): the site's
   * moderator redacting what a user wrote, as Stream's and Sendbird's server-side message update.
   * Every device shows the new text with the "edited" mark; the event's sender is `system`.
   * `changeId` makes a retry apply once (a repeat answers the first edit, `duplicate`).
   */
  async editMessage(
    messageId: string,
    where: MessagePlace,
    edit: { text: string; groupAtUserList?: string[]; changeId?: string },
  ): Promise<{ seq: number; duplicate: boolean }> {
    return this.#change(messageId, where, edit.changeId, {
      kind: 'edit', text: edit.text, ...(edit.groupAtUserList && { groupAtUserList: edit.groupAtUserList }),
    });
  }

  /** Pins or unpins any message (`PUT` / `DELETE /v1/messages/:messageId/pin`), whatever `NATTER_PIN` says. */
  async pinMessage(messageId: string, where: MessagePlace, on: boolean, changeId?: string): Promise<{ seq: number; duplicate: boolean }> {
    return this.#change(messageId, where, changeId, { kind: 'pin', on });
  }

  /** An admin's change to a message, as `system` (a change without `changeId` gets a new one: not retried as one). */
  async #change(messageId: string, where: MessagePlace, changeId: string | undefined, change: Change): Promise<{ seq: number; duplicate: boolean }> {
    const key = 'groupId' in where ? groupKey(where.groupId) : p2pKey(where.users[0], where.users[1]);
    const { message, duplicate } = await this.#core.changes.submit(
      { actor: SYSTEM_USER, actorProfile: {}, key, messageId, changeId: changeId ?? globalThis.crypto.randomUUID(), change },
      { admin: true },
    );
    return { seq: message.seq, duplicate };
  }

  async #existing(userId: string): Promise<UserRecord> {
    const user = await this.#core.store.getUser(userId);
    if (!user || user.deleted) throw new ChatError('USER_UNKNOWN', `There is no user "${userId}".`);
    return user;
  }

  /** Whether `userId` (an existing user) is a member of the group (GROUP_UNKNOWN, GROUP_DISMISSED, USER_UNKNOWN otherwise). */
  async #member(groupId: string, userId: string): Promise<boolean> {
    const group = await this.#core.store.getGroup(groupId);
    if (!group) throw new ChatError('GROUP_UNKNOWN');
    if (group.dismissed) throw new ChatError('GROUP_DISMISSED');
    await this.#existing(userId);
    return this.#core.store.isGroupMember(groupId, userId);
  }
}

const ADMIN = { admin: true } as const;

function checkUserId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new ChatError('BAD_REQUEST', 'Ids are letters, digits and `_ . @ -`, up to 64.');
  if (id === SYSTEM_USER) throw new ChatError('BAD_REQUEST', `"${SYSTEM_USER}" is reserved.`);
}
