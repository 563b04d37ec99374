import { AT_ALL, ChatError, type Message } from '../../protocol/index.js';
import { matchesKind, matchesTerms } from '../../protocol/search.js';
import { passesSearchFilter, searchTextOf } from '../core/search-text.js';
import { groupKey, parseKey } from '../core/conversation-key.js';
import type { Store } from '../core/store.js';
import { DEFAULT_HISTORY_VISIBILITY, UNREAD_COUNT_MAX, type CommitOutcome, type ConversationState, type GroupRecord, type GroupRole, type MemberRecord, type MessageDraft, type PinRecord, type StoredMessage, type UserRecord } from '../core/types.js';
import { createMemoryBroadcasts } from './memory-broadcasts.js';
import { createMemoryWebhooks } from './memory-webhooks.js';
import { createMemoryUnread } from './memory-unread.js';
import { createMemoryModeration } from './memory-moderation.js';
import { createMemoryReports } from './memory-reports.js';
import { changePayload, messagePayload, outboxEvents } from '../webhooks/types.js';
import { createMemoryPush } from './memory-push.js';
import { createMemoryFriends } from './memory-friends.js';
import { mentionTargets, mentionTargetsChange } from './mention-targets.js';

interface StoredRow {
  message: Message;
  visibleTo?: string[];
  /** The folded searchable text, kept with the message as the SQL stores keep their index. */
  search: string;
  /** Its run for unread counts, as `messages.run_start` (sqlite-unread-count.ts): a seq. */
  runStart: number;
}

interface Conversation {
  lastSeq: number;
  /** Index = seq - 1; seqs are gapless so an array is the whole index. */
  rows: StoredRow[];
  /** user -> readSeq */
  members: Map<string, number>;
  /** user -> last seq when they joined the group (absent: a first member, or p2p). */
  joined: Map<string, number>;
  /** Group members whose role is not `member`. */
  roles: Map<string, GroupRole>;
  /** Seqs of the messages for one member (a group's `receiver`) that count as unread, by that member (`messages_targeted`). */
  targeted: Map<string, number[]>;
  /** Seqs of the rows that mention each user (or '@all') and count for them, ascending (`message_mentions`, mention-targets.ts). */
  mentions: Map<string, number[]>;
}

/** A row's class for its run: '' when it counts for nobody in the walk (excluded, or for one or two members), else its sender. */
const runClass = (r: Pick<StoredRow, 'message' | 'visibleTo'>) => (r.message.isExcludedFromUnreadCount || r.visibleTo ? '' : r.message.sender);

/** Whom a row's @mentions count for (mention-targets.ts). */
const mentionsOf = (r: StoredRow) => mentionTargets(r.message.sender, r.visibleTo, r.message.isExcludedFromUnreadCount === true, r.message.groupAtUserList);

/** Moves row `seq`'s entries in `c.mentions` from `was` to `now` (an edit's; a new row's from null). */
function setMentions(c: Conversation, seq: number, was: string[] | null, now: string[] | null): void {
  for (const w of was ?? []) {
    const seqs = c.mentions.get(w);
    const i = seqs ? seqs.indexOf(seq) : -1;
    if (i >= 0) seqs!.splice(i, 1);
  }
  for (const w of now ?? []) {
    const seqs = c.mentions.get(w) ?? [];
    let i = seqs.length;
    while (i > 0 && seqs[i - 1]! > seq) i--;
    if (seqs[i - 1] !== seq) seqs.splice(i, 0, seq);
    c.mentions.set(w, seqs);
  }
}

/**
 * A store that keeps everything in memory and loses it on exit: for tests and the browser demo.
 * It has no Node dependencies and behaves as the SQLite store (same contract suite).
 */
export function createMemoryStore(): Store {
  const users = new Map<string, UserRecord>();
  const friends = new Set<string>();
  const blocks = new Map<string, Set<string>>();
  const presenceHidden = new Set<string>();
  const groups = new Map<string, GroupRecord>();
  const conversations = new Map<string, Conversation>();
  const idempotency = new Map<string, { key: string; message: Message }>();
  const webhooks = createMemoryWebhooks();
  const memoryFriends = createMemoryFriends({ users, friends });
  const pair = (a: string, b: string) => `${a}\n${b}`;
  /** `userId`'s role in the group, undefined when not a member (or no user). */
  const roleAt = (key: string, userId: string | undefined) => {
    const c = conversations.get(key);
    return userId !== undefined && c?.members.has(userId) ? c.roles.get(userId) ?? 'member' : undefined;
  };
  const roleIn = (groupId: string, userId: string | undefined) => roleAt(groupKey(groupId), userId);
  const addMember = (groupId: string, userId: string) => {
    const c = conv(groupKey(groupId));
    if (c.members.has(userId)) return false;
    c.members.set(userId, c.lastSeq);
    c.joined.set(userId, c.lastSeq);
    return true;
  };
  // Nothing in a batch can fail half-way here, so applying drafts in order is the transaction;
  // `staged` lets a later draft of the batch see an earlier one as its duplicate.
  const commitAll = (drafts: MessageDraft[]) => {
    const staged = new Map<string, { key: string; message: Message }>();
    const outcomes = drafts.map((d) => commitOne(d, staged));
    for (const [id, entry] of staged) idempotency.set(id, entry);
    return outcomes;
  };
  /** Appends a row, its run going on from the row before when of one class. */
  const pushRow = (c: Conversation, row: StoredRow) => {
    const before = c.rows[c.rows.length - 1];
    if (before && runClass(before) === runClass(row)) row.runStart = before.runStart;
    c.rows.push(row);
    const receiver = row.visibleTo?.[1];
    if (receiver !== undefined && !row.message.isExcludedFromUnreadCount) {
      const seqs = c.targeted.get(receiver) ?? [];
      seqs.push(row.message.seq);
      c.targeted.set(receiver, seqs);
    }
    setMentions(c, row.message.seq, null, mentionsOf(row));
  };
  const conv = (key: string) => {
    let c = conversations.get(key);
    if (!c) conversations.set(key, (c = { lastSeq: 0, rows: [], members: new Map(), joined: new Map(), roles: new Map(), targeted: new Map(), mentions: new Map() }));
    return c;
  };
  const visible = (row: StoredRow, viewer: string) => !row.visibleTo || row.visibleTo.includes(viewer);
  /** Deleted by `viewer` for themselves. */
  const hiddenFor = (row: StoredRow, viewer: string) => (row.message as StoredMessage).hiddenFor?.includes(viewer) === true;
  const clone = <T>(x: T): T => structuredClone(x);
  /** A stored row as `findMessage` answers it: copies, never the row's own objects. */
  const foundRow = (row: StoredRow): { message: Message; visibleTo?: string[] } =>
    row.visibleTo ? { message: clone(row.message), visibleTo: [...row.visibleTo] } : { message: clone(row.message) };
  const state = (userId: string, key: string, c: Conversation): ConversationState => {
    const parsed = parseKey(key);
    const readSeq = c.members.get(userId) ?? 0;
    if (parsed.type === 'group') {
      const since = groups.get(parsed.groupId)?.historyVisibility === 'since-join';
      return { key, type: 'group', target: parsed.groupId, lastSeq: c.lastSeq, readSeq, historyFloor: since ? c.joined.get(userId) ?? 0 : 0 };
    }
    const peer = parsed.users[0] === userId ? parsed.users[1] : parsed.users[0];
    return { key, type: 'p2p', target: peer, lastSeq: c.lastSeq, readSeq, peerReadSeq: c.members.get(peer) ?? 0 };
  };

  const commitOne = (d: MessageDraft, staged: Map<string, { key: string; message: Message }>): CommitOutcome => {
    const id = pair(d.message.sender, d.message.clientMsgId);
    const existing = staged.get(id) ?? idempotency.get(id);
    if (existing) {
      return existing.key === d.key ? { status: 'duplicate', message: clone(existing.message) } : { status: 'conflict' };
    }
    const c = conv(d.key);
    const message: Message = { ...clone(d.message), seq: c.lastSeq + 1 };
    c.lastSeq++;
    const row: StoredRow = { message, search: searchTextOf(message) ?? '', runStart: message.seq };
    if (d.visibleTo) row.visibleTo = [...d.visibleTo];
    pushRow(c, row);
    const parsed = parseKey(d.key);
    if (parsed.type === 'p2p') {
      for (const u of parsed.users) if (!c.members.has(u) && visible(row, u)) c.members.set(u, 0);
    }
    staged.set(id, { key: d.key, message });
    if (d.webhooks?.length) {
      const payload = messagePayload(d.key, JSON.stringify(message));
      webhooks.enqueueNow(outboxEvents({ type: 'message.created', endpoints: d.webhooks }, { eventId: message.id, key: d.key, time: message.time, payload }));
    }
    if (d.outbox) webhooks.enqueueNow(d.outbox);
    return { status: 'committed', message: clone(message) };
  };

  return {
    ...createMemoryBroadcasts(webhooks.enqueueNow),
    ...webhooks.api,
    ...createMemoryUnread({ conversations, enqueueNow: webhooks.enqueueNow }),
    ...createMemoryPush(),
    ...createMemoryModeration(roleIn),
    ...createMemoryReports(webhooks.enqueueNow),
    ...memoryFriends.api,
    async ping() {},
    async close() {},
    async getUser(id) {
      const u = users.get(id);
      return u && { ...u };
    },
    async putUser(id, profile, now) {
      const u = users.get(id) ?? { id, deleted: false, createdAt: now };
      if (profile.name !== undefined) u.name = profile.name;
      if (profile.avatar !== undefined) u.avatar = profile.avatar;
      if (u.deleted) u.tokensValidAfter = now;
      u.deleted = false;
      users.set(id, u);
      return { ...u };
    },
    async deleteUser(id) {
      const u = users.get(id);
      if (!u || u.deleted) return false;
      u.deleted = true;
      for (const [key, c] of conversations) if (key.startsWith('group:')) c.members.delete(id), c.joined.delete(id), c.roles.delete(id);
      for (const f of [...friends]) if (f.startsWith(`${id}\n`) || f.endsWith(`\n${id}`)) friends.delete(f);
      blocks.delete(id);
      memoryFriends.dropUser(id);
      return true;
    },
    async setFriends(a, b, on) {
      for (const f of [pair(a, b), pair(b, a)]) on ? friends.add(f) : friends.delete(f);
    },
    async areFriends(a, b) {
      return friends.has(pair(a, b));
    },
    async setBlocked(owner, other, on) {
      let set = blocks.get(owner);
      if (!set) blocks.set(owner, (set = new Set()));
      on ? set.add(other) : set.delete(other);
    },
    async isBlocked(owner, other) {
      return blocks.get(owner)?.has(other) ?? false;
    },
    async listBlocked(owner) {
      return [...(blocks.get(owner) ?? [])].sort();
    },
    async setPresenceHidden(userId, hidden) {
      if (hidden) presenceHidden.add(userId);
      else presenceHidden.delete(userId);
    },
    async presenceHiddenAmong(userIds) {
      return userIds.filter((u) => presenceHidden.has(u));
    },
    async createGroup(group, members, roles = {}) {
      if (groups.has(group.id)) throw new ChatError('GROUP_EXISTS');
      groups.set(group.id, { historyVisibility: DEFAULT_HISTORY_VISIBILITY, ...group });
      const c = conv(groupKey(group.id));
      for (const u of members) if (!c.members.has(u)) c.members.set(u, 0);
      for (const u of members) c.joined.delete(u);
      for (const u of members) if (roles[u] !== undefined && roles[u] !== 'member') c.roles.set(u, roles[u]);
    },
    async getGroup(id) {
      const g = groups.get(id);
      return g && { ...g };
    },
    async updateGroup(id, changes, check, actor) {
      // One synchronous step: nothing runs between the check and the write.
      const g = groups.get(id);
      if (!g || (check && !check(roleIn(id, actor), { ...g }))) return undefined;
      if (changes.historyVisibility !== undefined) g.historyVisibility = changes.historyVisibility;
      if (changes.name !== undefined) g.name = changes.name;
      if (changes.avatar === null) delete g.avatar;
      else if (changes.avatar !== undefined) g.avatar = changes.avatar;
      if (changes.notice === null || changes.notice === '') delete g.notice;
      else if (changes.notice !== undefined) g.notice = changes.notice;
      return { ...g };
    },
    async getGroupRole(groupId, userId) {
      return roleIn(groupId, userId);
    },
    async groupOwner(groupId) {
      for (const [userId, role] of conversations.get(groupKey(groupId))?.roles ?? []) if (role === 'owner') return userId;
      return undefined;
    },
    async setGroupRole(groupId, userId, role) {
      const c = conversations.get(groupKey(groupId));
      if (!c?.members.has(userId)) return false;
      role === 'member' ? c.roles.delete(userId) : c.roles.set(userId, role);
      return true;
    },
    async changeGroupRole(groupId, userId, role, check, actor) {
      // One synchronous step: nothing runs between the check and the write.
      const c = conversations.get(groupKey(groupId));
      const target = roleIn(groupId, userId);
      if (!check(roleIn(groupId, actor), target) || target === undefined || !c) return false;
      if (role === 'owner') for (const [u, r] of c.roles) if (r === 'owner' && u !== userId) c.roles.set(u, 'admin');
      role === 'member' ? c.roles.delete(userId) : c.roles.set(userId, role);
      return true;
    },
    async dismissGroup(groupId, check, actor) {
      const g = groups.get(groupId);
      const c = conversations.get(groupKey(groupId));
      if (!g || (check && !check(roleIn(groupId, actor), { ...g }))) return undefined;
      g.dismissed = true;
      const members = [...(c?.members.keys() ?? [])].sort();
      c?.members.clear(), c?.joined.clear(), c?.roles.clear();
      return members;
    },
    async countGroupMembers(groupId) {
      return conversations.get(groupKey(groupId))?.members.size ?? 0;
    },
    async addGroupMember(groupId, userId) {
      return addMember(groupId, userId);
    },
    async addGroupMembers(groupId, userIds, check, actor, limit) {
      const g = groups.get(groupId);
      if (!g || !check(roleIn(groupId, actor), { ...g })) return [];
      const members = conversations.get(groupKey(groupId))?.members;
      if (limit !== undefined && (members?.size ?? 0) + new Set(userIds.filter((u) => !members?.has(u))).size > limit) throw new ChatError('GROUP_FULL');
      return userIds.filter((u) => addMember(groupId, u));
    },
    async removeGroupMember(groupId, userId, check, actor) {
      const c = conversations.get(groupKey(groupId));
      if (check && !check(roleIn(groupId, actor), roleIn(groupId, userId))) return false;
      c?.joined.delete(userId);
      c?.roles.delete(userId);
      return c?.members.delete(userId) ?? false;
    },
    async listGroupMembers(groupId) {
      return [...(conversations.get(groupKey(groupId))?.members.keys() ?? [])].sort();
    },
    async isGroupMember(groupId, userId) {
      return conversations.get(groupKey(groupId))?.members.has(userId) ?? false;
    },
    async commitMessages(drafts) {
      return commitAll(drafts);
    },
    async commitGroupNotice(groupId, stands, draft) {
      const g = groups.get(groupId);
      return g && stands({ ...g }) ? commitAll([draft])[0] : undefined;
    },
    async commitChange(d) {
      const id = pair(d.message.sender, d.message.clientMsgId);
      const existing = idempotency.get(id);
      if (existing) {
        if (existing.key !== d.key) return { status: 'conflict' };
        const row = conversations.get(d.key)!.rows[existing.message.seq - 1]!;
        return { status: 'duplicate', message: clone(row.message), ...(row.visibleTo && { visibleTo: [...row.visibleTo] }) };
      }
      const c = conversations.get(d.key);
      const targetRow = c?.rows.find((r) => r.message.id === d.targetId);
      if (!c || !targetRow) throw new ChatError('MESSAGE_UNKNOWN');
      const pinCount = c.rows.filter((r) => r.message.pinned).length;
      // apply throws to refuse: nothing below has run yet, so nothing is stored.
      const role = d.senderRole && roleAt(d.key, d.message.sender);
      const applied = d.apply(clone(targetRow.message), targetRow.visibleTo && [...targetRow.visibleTo], pinCount, role || undefined);
      const seq = ++c.lastSeq;
      const message: Message = { ...clone(d.message), seq, elem: applied.elem };
      if (applied.mentions) message.groupAtUserList = [...applied.mentions];
      const row: StoredRow = { message, search: '', runStart: seq };
      if (applied.visibleTo) row.visibleTo = [...applied.visibleTo];
      pushRow(c, row);
      const before = targetRow.message;
      targetRow.message = { ...clone(applied.target), changeSeq: seq } as Message;
      const moved = mentionTargetsChange(before, targetRow.message, targetRow.visibleTo);
      if (moved) setMentions(c, targetRow.message.seq, ...moved);
      targetRow.search = searchTextOf(targetRow.message) ?? '';
      idempotency.set(id, { key: d.key, message });
      if (d.webhooks?.endpoints.length) {
        const payload = changePayload(d.key, JSON.stringify(message), JSON.stringify(targetRow.message));
        webhooks.enqueueNow(outboxEvents(d.webhooks, { eventId: message.id, key: d.key, time: message.time, payload }));
      }
      return { status: 'committed', message: clone(message), target: clone(targetRow.message) as StoredMessage, ...(row.visibleTo && { visibleTo: [...row.visibleTo] }) };
    },
    async listPins(key) {
      const pins: PinRecord[] = [];
      for (const r of conversations.get(key)?.rows ?? []) {
        const p = r.message.pinned;
        if (p) pins.push({ messageId: r.message.id, seq: r.message.seq, by: p.by, time: p.time });
      }
      return pins.sort((a, b) => b.time - a.time || b.seq - a.seq);
    },
    async hasClientMsgId(sender, clientMsgId) {
      return idempotency.has(pair(sender, clientMsgId));
    },
    async findMessage(key, id) {
      const row = conversations.get(key)?.rows.find((r) => r.message.id === id);
      return row && foundRow(row);
    },
    async findMessages(key, ids) {
      const wanted = new Set(ids);
      const found = new Map<string, { message: Message; visibleTo?: string[] }>();
      if (wanted.size === 0) return found;
      for (const row of conversations.get(key)?.rows ?? []) {
        if (!wanted.has(row.message.id)) continue;
        found.set(row.message.id, foundRow(row));
      }
      return found;
    },
    async readRange(key, viewer, { afterSeq, toSeq, limit, take }) {
      const rows = conversations.get(key)?.rows.slice(Math.max(0, afterSeq), Math.max(0, toSeq)) ?? [];
      const seen = rows.filter((r) => visible(r, viewer)).map((r) => clone(r.message));
      return take === 'oldest' ? seen.slice(0, limit) : seen.slice(Math.max(0, seen.length - limit));
    },
    async hasVisibleBefore(key, viewer, beforeSeq) {
      const rows = conversations.get(key)?.rows.slice(0, Math.max(0, beforeSeq - 1)) ?? [];
      return rows.some((r) => visible(r, viewer));
    },
    async searchMessages(viewer, { terms, key, before, limit, filter }) {
      const found: Message[] = [];
      for (const [k, c] of conversations) {
        if ((key !== undefined && k !== key) || !c.members.has(viewer)) continue;
        const floor = state(viewer, k, c).historyFloor ?? 0;
        for (const r of c.rows) {
          if (r.message.seq > floor && (before === undefined || r.message.id < before) && visible(r, viewer) && passesSearchFilter(r.message, filter)
            && (terms.length > 0 ? matchesTerms(r.search, terms) : matchesKind(r.message.elem, undefined))) found.push(r.message);
        }
      }
      return found.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, limit).map(clone);
    },
    async listConversations(userId) {
      const out: ConversationState[] = [];
      for (const [key, c] of conversations) if (c.members.has(userId)) out.push(state(userId, key, c));
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async getConversation(userId, key) {
      const c = conversations.get(key);
      return c?.members.has(userId) ? state(userId, key, c) : undefined;
    },
    async markRead(userId, key, seq) {
      const c = conversations.get(key);
      const current = c?.members.get(userId);
      if (!c || current === undefined) return 0;
      const next = Math.max(current, Math.min(seq, c.lastSeq));
      c.members.set(userId, next);
      return next;
    },
    async unreadState(key, viewer, readSeq) {
      // As sqlite-unread-count.ts: newest first, a row that does not count for the viewer skips its run.
      const c = conversations.get(key);
      let unread = 0;
      let mentioned = false;
      const mentions = (m: Message) => m.groupAtUserList?.some((u) => u === viewer || u === '@all') === true;
      for (let seq = c?.lastSeq ?? 0; seq > readSeq && unread < UNREAD_COUNT_MAX; seq--) {
        const r = c!.rows[seq - 1]!;
        if (runClass(r) === '' || r.message.sender === viewer) seq = Math.max(r.runStart, readSeq + 1);
        else if (!hiddenFor(r, viewer)) {
          unread++;
          if (mentions(r.message)) mentioned = true;
        }
      }
      for (const seq of c?.targeted.get(viewer) ?? []) {
        const r = c!.rows[seq - 1]!;
        if (seq <= readSeq || r.message.sender === viewer || hiddenFor(r, viewer)) continue;
        unread++;
        if (mentions(r.message)) mentioned = true;
      }
      // A mention among the older unread rows still counts: the rows that mention the viewer or
      // '@all' (c.mentions), newest first; only the viewer's own '@all' and what they deleted for
      // themselves are passed over.
      if (!mentioned && unread >= UNREAD_COUNT_MAX) {
        for (const who of [viewer, AT_ALL]) {
          const seqs = c?.mentions.get(who) ?? [];
          for (let i = seqs.length - 1; i >= 0 && seqs[i]! > readSeq && !mentioned; i--) {
            const r = c!.rows[seqs[i]! - 1]!;
            mentioned = r.message.sender !== viewer && !hiddenFor(r, viewer);
          }
        }
      }
      return { unread: Math.min(unread, UNREAD_COUNT_MAX), mentioned };
    },
    async lastMessage(key, viewer) {
      const rows = conversations.get(key)?.rows ?? [];
      for (let i = rows.length - 1; i >= 0; i--) {
        const r = rows[i]!;
        if (!r.message.isExcludedFromLastMessage && visible(r, viewer) && !hiddenFor(r, viewer)) return clone(r.message);
      }
      return undefined;
    },
    async listMembers(key, page) {
      const c = conversations.get(key);
      if (!c) return [];
      // No index here: the page is cut from the sorted list (a memory store's groups are small).
      const ids = [...c.members.keys()].sort();
      const from = page?.after === undefined ? 0 : ids.findIndex((id) => id > page.after!);
      return (page ? (from < 0 ? [] : ids.slice(from, from + page.limit)) : ids).map((userId) => {
        const m: MemberRecord = { userId, readSeq: c.members.get(userId)! };
        if (key.startsWith('group:')) m.role = c.roles.get(userId) ?? 'member';
        const u = users.get(userId);
        if (u?.name !== undefined) m.name = u.name;
        if (u?.avatar !== undefined) m.avatar = u.avatar;
        return m;
      });
    },
    async receiptSenders(key, reader, afterSeq, toSeq) {
      const senders = new Set<string>();
      for (const r of conversations.get(key)?.rows.slice(Math.max(0, afterSeq), Math.max(0, toSeq)) ?? []) {
        if (r.message.needReadReceipt && r.message.sender !== reader && visible(r, reader)) senders.add(r.message.sender);
      }
      return [...senders].sort();
    },
  };
}
