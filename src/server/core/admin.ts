import {
  ChatError,
  groupConversation,
  ID_PATTERN,
  type ConversationId,
  type ConversationSummary,
  type Elem,
  type SendOptions,
  type SystemElem,
} from '../../protocol/index.js';
import { signUserToken, SYSTEM_USER } from './auth.js';
import type { ChatCore, SendOutcome } from './chat-core.js';
import { groupKey, p2pKey } from './conversation-key.js';
import { fetchHistory } from './history.js';
import { summarize } from './summaries.js';
import type { GroupRecord, HistoryVisibility, Profile, UserRecord } from './types.js';
import { searchAs, type SearchRequest } from './search.js';
import type { WebhookEventType } from '../webhooks/types.js';

const DEFAULT_TOKEN_TTL = 24 * 3600;

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
    await this.#core.store.setFriends(a, b, friends);
  }

  async setBlocked(owner: string, other: string, blocked: boolean): Promise<void> {
    await this.#existing(owner);
    await this.#core.setBlocked(owner, other, blocked);
  }

  async createGroup(group: { id: string; name: string; avatar?: string; members: string[]; historyVisibility?: HistoryVisibility }): Promise<void> {
    checkUserId(group.id);
    const members = [...new Set(group.members)];
    for (const m of members) await this.#existing(m);
    const record: GroupRecord = {
      id: group.id, name: group.name, createdAt: this.#core.clock(),
      ...(group.avatar !== undefined && { avatar: group.avatar }),
      ...(group.historyVisibility !== undefined && { historyVisibility: group.historyVisibility }),
    };
    await this.#core.store.createGroup(record, members);
    await Promise.all(members.map((m) => this.#announce(m, group.id)));
    await this.#system(group.id, { type: 'system', event: 'group-created', text: `Group "${group.name}" was created.`, targets: members, groupName: group.name },
      { type: 'group.created', data: { group: { id: group.id, name: group.name, ...(group.avatar !== undefined && { avatar: group.avatar }) }, members } });
  }

  /** Changes a group's settings (GROUP_UNKNOWN when there is none); answers the group as stored. */
  async updateGroup(groupId: string, changes: { historyVisibility?: HistoryVisibility }): Promise<GroupRecord> {
    const group = await this.#core.store.updateGroup(groupId, changes);
    if (!group) throw new ChatError('GROUP_UNKNOWN');
    return group;
  }

  /** Adds a member; false (and nothing posted) when they already were one. */
  async addMember(groupId: string, userId: string): Promise<boolean> {
    await this.#group(groupId);
    const user = await this.#existing(userId);
    if (!(await this.#core.store.addGroupMember(groupId, userId))) return false;
    this.#core.forgetMembers(groupId);
    await this.#system(groupId, { type: 'system', event: 'member-joined', text: `${user.name ?? userId} joined the group.`, targets: [userId], targetNames: [user.name ?? userId] },
      { type: 'group.members', data: { group: { id: groupId }, added: [userId] } });
    await this.#announce(userId, groupId);
    return true;
  }

  async removeMember(groupId: string, userId: string): Promise<boolean> {
    await this.#group(groupId);
    const user = await this.#existing(userId);
    if (!(await this.#core.store.removeGroupMember(groupId, userId))) return false;
    this.#core.forgetMembers(groupId);
    await this.#core.notify([userId], { type: 'conversation.removed', conversationId: groupConversation(groupId) });
    await this.#system(groupId, { type: 'system', event: 'member-removed', text: `${user.name ?? userId} was removed from the group.`, targets: [userId], targetNames: [user.name ?? userId] },
      { type: 'group.members', data: { group: { id: groupId }, removed: [userId] } });
    return true;
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
  async recallMessage(messageId: string, where: { groupId: string } | { users: [string, string] }): Promise<{ seq: number; duplicate: boolean }> {
    const key = 'groupId' in where ? groupKey(where.groupId) : p2pKey(where.users[0], where.users[1]);
    const { message, duplicate } = await this.#core.changes.submit(
      { actor: SYSTEM_USER, actorProfile: {}, key, messageId, changeId: `recall-${messageId}`, change: { kind: 'recall' } },
      { admin: true },
    );
    return { seq: message.seq, duplicate };
  }

  async #existing(userId: string): Promise<UserRecord> {
    const user = await this.#core.store.getUser(userId);
    if (!user || user.deleted) throw new ChatError('USER_UNKNOWN', `There is no user "${userId}".`);
    return user;
  }

  async #group(groupId: string): Promise<void> {
    if (!(await this.#core.store.getGroup(groupId))) throw new ChatError('GROUP_UNKNOWN');
  }

  /** Tells a user's devices about a conversation they just joined. */
  async #announce(userId: string, groupId: string): Promise<void> {
    const state = await this.#core.store.getConversation(userId, groupKey(groupId));
    if (!state) return;
    const conversation = await summarize(this.#core.store, userId, state);
    await this.#core.notify([userId], { type: 'conversation.updated', conversation });
  }

  /**
   * Posts a system notification into the group; `event` is the webhook event it stands for,
   * queued in the same commit as the notification.
   */
  #system(groupId: string, elem: SystemElem, event: { type: WebhookEventType; data: unknown }): Promise<SendOutcome> {
    return this.#core.sendMessage(
      { sender: SYSTEM_USER, senderProfile: {}, conversationId: groupConversation(groupId), clientMsgId: globalThis.crypto.randomUUID(), elem, options: {} },
      { admin: true, event },
    );
  }
}

function checkUserId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new ChatError('BAD_REQUEST', 'Ids are letters, digits and `_ . @ -`, up to 64.');
  if (id === SYSTEM_USER) throw new ChatError('BAD_REQUEST', `"${SYSTEM_USER}" is reserved.`);
}
