import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ChatError, type Message } from '../../protocol/index.js';
import { groupKey, parseKey } from '../core/conversation-key.js';
import type { Logger } from '../core/logger.js';
import type { GroupCheck, GroupRoleCheck, HeldReads, Store } from '../core/store.js';
import { parseStored } from '../core/frame-budget.js';
import { DEFAULT_HISTORY_VISIBILITY, type ConversationState, type GroupChanges, type GroupRecord, type GroupRole, type HistoryVisibility, type MemberRecord, type UserRecord } from '../core/types.js';
import { createSqliteBroadcasts } from './sqlite-broadcasts.js';
import { createSqliteChanges } from './sqlite-changes.js';
import { createSqliteWebhooks } from './sqlite-webhooks.js';
import { UNREAD_SCHEMA, createSqliteUnread } from './sqlite-unread.js';
import { catchUpSearch, createSqliteSearch, upgradeSearch, upgradeSearchKinds } from './sqlite-search.js';
import { createSqlitePush } from './sqlite-push.js';
import { FRIENDS_SCHEMA, createSqliteFriends } from './sqlite-friends.js';
import { BACKSTOP_PAGES, startCheckpointer, type Checkpointer } from './sqlite-checkpointer.js';
import { NOT_HIDDEN, SCHEMA, VISIBLE, upgradeGroupColumns, upgradeGroupRoles, upgradeMessagesTable, upgradeUsersTable } from './sqlite-schema.js';
import { createSqliteUnreadCount, upgradeMentionTable, upgradeUnreadRuns } from './sqlite-unread-count.js';
import { commitOnThisThread, execOnThisThread, startSqliteWriter, type WriterStatement } from './sqlite-writer.js';
import { createSqliteModeration } from './sqlite-moderation.js';
import { createSqliteReports } from './sqlite-reports.js';

export interface SqliteStoreOptions {
  /**
   * `full` (default) fsyncs the WAL at every commit, so an ack survives power loss; `normal`
   * survives process crashes only. Batched commits keep `full` affordable.
   */
  durability?: 'full' | 'normal';
  /** Told when opening the file upgraded its layout (a one-off rebuild of the messages table). */
  logger?: Logger;
  /** Index new messages for search (default true; off only to measure what the index costs: messages committed with it off are never indexed). */
  searchIndex?: boolean;
}

type Row = Record<string, unknown>;

/** Permission facts held in memory at most; past it they are all forgotten (and read again). */
const FACTS_MAX = 100_000;
/** Member lists of groups up to this size are held with the facts. */
const MEMBERS_HELD = 256;
/**
 * A page of a conversation's members (Store.listMembers with a page): a range of
 * memberships_by_conv from `after` in id order, so it reads `limit` rows whatever the group's
 * size (no sort; test/server/store/member-pages.test.ts reads its plan).
 */
export const MEMBERS_PAGE_SQL = `SELECT m.user_id AS userId, m.read_seq AS readSeq, m.role AS role, u.name AS name, u.avatar AS avatar
  FROM memberships m LEFT JOIN users u ON u.id = m.user_id
  WHERE m.conv_key = :key AND m.user_id > :after ORDER BY m.user_id LIMIT :limit`;

/**
 * The embedded store: one SQLite file in WAL mode through better-sqlite3. Message commits run
 * on a writer thread (sqlite-writer.ts); every other call is synchronous underneath, wrapped in
 * a promise to fit the `Store` shape. One process per file: it keeps permission facts in memory.
 */
export function createSqliteStore(file: string, options: SqliteStoreOptions = {}): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('foreign_keys = OFF');
  // Before the schema, so an old messages table is rebuilt once, not indexed first and then rebuilt.
  const started = performance.now();
  const moved = upgradeMessagesTable(db);
  if (moved !== undefined) {
    options.logger?.info({ rows: moved, ms: Math.round(performance.now() - started) }, 'sqlite: messages table rebuilt as a rowid table (one-off upgrade)');
  }
  db.exec(SCHEMA);
  db.exec(FRIENDS_SCHEMA);
  db.exec(UNREAD_SCHEMA);
  const added = upgradeGroupColumns(db);
  if (added.length > 0) options.logger?.info({ added }, 'sqlite: group history visibility columns added');
  const roles = upgradeGroupRoles(db);
  if (roles.length > 0) options.logger?.info({ added: roles }, 'sqlite: group role, notice and dismissal columns added');
  upgradeUsersTable(db);
  const indexStarted = performance.now();
  const indexed = upgradeSearch(db);
  if (indexed) options.logger?.info({ rows: indexed, ms: Math.round(performance.now() - indexStarted) }, 'sqlite: existing messages indexed for search (one-off upgrade)');
  const kindsStarted = performance.now();
  const kinds = upgradeSearchKinds(db);
  if (kinds !== undefined && kinds > 0) options.logger?.info({ rows: kinds, ms: Math.round(performance.now() - kindsStarted) }, 'sqlite: existing pictures, files and links indexed for search by kind (one-off upgrade)');
  const runsStarted = performance.now();
  const runs = upgradeUnreadRuns(db);
  if (runs !== undefined && runs > 0) options.logger?.info({ rows: runs, ms: Math.round(performance.now() - runsStarted) }, 'sqlite: existing messages given their unread runs (one-off upgrade)');
  const mentionsStarted = performance.now();
  const mentions = upgradeMentionTable(db);
  if (mentions !== undefined && mentions > 0) options.logger?.info({ rows: mentions, ms: Math.round(performance.now() - mentionsStarted) }, 'sqlite: existing @mentions written to the mentions table (one-off upgrade)');
  // Rows the last process left above the search index's watermark (sqlite-search.ts).
  const leftPending = catchUpSearch(db);
  if (leftPending > 0) options.logger?.info({ rows: leftPending }, 'sqlite: messages left pending indexed for search');
  // Checkpoints run on a worker thread (sqlite-checkpointer.ts), started with the writer's (below):
  // until then this connection checkpoints at SQLite's default, from then on only as the backstop.
  // A store that never commits through the writer starts neither thread (each costs 25–35 ms of CPU).
  let checkpointer: Checkpointer | undefined;
  const startCheckpointing = (): void => {
    if (checkpointer) return;
    checkpointer = startCheckpointer(file);
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  };
  // Messages commit on a worker thread (sqlite-writer.ts): the WAL fsync no longer stalls the
  // event loop. This connection reads, and writes the rest (waiting for the lock if need be).
  const writer = file === ':memory:' ? undefined : startSqliteWriter(file, {
    synchronous: options.durability === 'normal' ? 'NORMAL' : 'FULL',
    autocheckpoint: BACKSTOP_PAGES,
    search: options.searchIndex !== false,
    onStart: startCheckpointing,
  });

  const q = {
    getUser: db.prepare('SELECT * FROM users WHERE id = ?'),
    insertUser: db.prepare('INSERT INTO users (id, name, avatar, deleted, created_at) VALUES (?, ?, ?, 0, ?)'),
    // A deleted user created again: tokens issued before now stay refused (tokens_after).
    updateUser: db.prepare('UPDATE users SET name = coalesce(?, name), avatar = coalesce(?, avatar), tokens_after = CASE WHEN deleted = 1 THEN ? ELSE tokens_after END, deleted = 0 WHERE id = ?'),
    deleteUser: db.prepare('UPDATE users SET deleted = 1 WHERE id = ? AND deleted = 0'),
    dropGroupMemberships: db.prepare(`DELETE FROM memberships WHERE user_id = ? AND conv_key LIKE 'group:%'`),
    dropFriends: db.prepare('DELETE FROM friends WHERE a = ? OR b = ?'),
    dropBlocks: db.prepare('DELETE FROM blocks WHERE owner = ?'),
    dropFriendRequests: db.prepare('DELETE FROM friend_requests WHERE from_id = ? OR to_id = ?'),
    addFriend: db.prepare('INSERT OR IGNORE INTO friends (a, b) VALUES (?, ?)'),
    removeFriend: db.prepare('DELETE FROM friends WHERE a = ? AND b = ?'),
    areFriends: db.prepare('SELECT 1 FROM friends WHERE a = ? AND b = ?'),
    addBlock: db.prepare('INSERT OR IGNORE INTO blocks (owner, other) VALUES (?, ?)'),
    removeBlock: db.prepare('DELETE FROM blocks WHERE owner = ? AND other = ?'),
    isBlocked: db.prepare('SELECT 1 FROM blocks WHERE owner = ? AND other = ?'),
    listBlocked: db.prepare('SELECT other FROM blocks WHERE owner = ? ORDER BY other').pluck(),
    hidePresence: db.prepare('INSERT OR IGNORE INTO presence_hidden (user_id) VALUES (?)'),
    showPresence: db.prepare('DELETE FROM presence_hidden WHERE user_id = ?'),
    presenceHidden: db.prepare('SELECT 1 FROM presence_hidden WHERE user_id = ?'),
    getGroup: db.prepare('SELECT * FROM groups WHERE id = ?'),
    insertGroup: db.prepare('INSERT INTO groups (id, name, avatar, created_at, history_visibility) VALUES (?, ?, ?, ?, ?)'),
    updateGroup: db.prepare(
      `UPDATE groups SET name = coalesce(:name, name), history_visibility = coalesce(:visibility, history_visibility),
       avatar = CASE WHEN :setAvatar THEN :avatar ELSE avatar END, notice = CASE WHEN :setNotice THEN :notice ELSE notice END WHERE id = :id`,
    ),
    getRole: db.prepare('SELECT role FROM memberships WHERE user_id = ? AND conv_key = ?').pluck(),
    setRole: db.prepare('UPDATE memberships SET role = ? WHERE user_id = ? AND conv_key = ?'),
    demoteOwners: db.prepare(`UPDATE memberships SET role = 'admin' WHERE conv_key = ? AND role = 'owner' AND user_id <> ?`),
    dismiss: db.prepare('UPDATE groups SET dismissed = 1 WHERE id = ?'),
    dropMembers: db.prepare('DELETE FROM memberships WHERE conv_key = ? RETURNING user_id').pluck(),
    countMembers: db.prepare('SELECT count(*) FROM memberships WHERE conv_key = ?').pluck(),
    owner: db.prepare(`SELECT user_id FROM memberships WHERE conv_key = ? AND role = 'owner' LIMIT 1`).pluck(),
    ensureConversation: db.prepare('INSERT OR IGNORE INTO conversations (key) VALUES (?)'),
    lastSeq: db.prepare('SELECT last_seq FROM conversations WHERE key = ?').pluck(),
    join: db.prepare('INSERT OR IGNORE INTO memberships (user_id, conv_key, read_seq, joined_seq) VALUES (?, ?, ?, ?)'),
    leave: db.prepare('DELETE FROM memberships WHERE user_id = ? AND conv_key = ?'),
    members: db.prepare('SELECT user_id FROM memberships WHERE conv_key = ? ORDER BY user_id').pluck(),
    isMember: db.prepare('SELECT 1 FROM memberships WHERE user_id = ? AND conv_key = ?'),
    hasClientMsgId: db.prepare('SELECT 1 FROM messages WHERE client_msg_id = ? AND sender = ?').pluck(),
    findMessage: db.prepare('SELECT body, vis1, vis2 FROM messages WHERE conv_key = ? AND id = ?'),
    findMessages: db.prepare('SELECT body, vis1, vis2 FROM messages WHERE conv_key = ? AND id IN (SELECT value FROM json_each(?))'),
    rangeOldest: db.prepare(
      `SELECT body FROM messages WHERE conv_key = :key AND seq > :after AND seq <= :to AND ${VISIBLE} ORDER BY seq LIMIT :limit`,
    ).pluck(),
    rangeNewest: db.prepare(
      `SELECT body FROM messages WHERE conv_key = :key AND seq > :after AND seq <= :to AND ${VISIBLE} ORDER BY seq DESC LIMIT :limit`,
    ).pluck(),
    visibleBefore: db.prepare(`SELECT 1 FROM messages WHERE conv_key = :key AND seq < :before AND ${VISIBLE} LIMIT 1`),
    // The history floor joins in from the group's visibility setting (p2p rows match no group).
    conversations: db.prepare(
      `SELECT m.conv_key AS key, m.read_seq AS readSeq, c.last_seq AS lastSeq, CASE WHEN g.history_visibility = 'since-join' THEN m.joined_seq ELSE 0 END AS floor FROM memberships m
       JOIN conversations c ON c.key = m.conv_key
       LEFT JOIN groups g ON substr(m.conv_key, 1, 6) = 'group:' AND g.id = substr(m.conv_key, 7)
       WHERE m.user_id = ? ORDER BY c.key`,
    ),
    conversation: db.prepare(
      `SELECT m.conv_key AS key, m.read_seq AS readSeq, c.last_seq AS lastSeq, CASE WHEN g.history_visibility = 'since-join' THEN m.joined_seq ELSE 0 END AS floor FROM memberships m
       JOIN conversations c ON c.key = m.conv_key
       LEFT JOIN groups g ON substr(m.conv_key, 1, 6) = 'group:' AND g.id = substr(m.conv_key, 7)
       WHERE m.user_id = ? AND m.conv_key = ?`,
    ),
    readSeq: db.prepare('SELECT read_seq FROM memberships WHERE user_id = ? AND conv_key = ?').pluck(),
    markRead: db.prepare(
      `UPDATE memberships SET read_seq = max(read_seq, min(?, (SELECT last_seq FROM conversations WHERE key = ?)))
       WHERE user_id = ? AND conv_key = ? RETURNING read_seq`,
    ).pluck(),
    lastMessage: db.prepare(
      `SELECT body FROM messages WHERE conv_key = :key AND excl_last = 0 AND ${VISIBLE} AND ${NOT_HIDDEN} ORDER BY seq DESC LIMIT 1`,
    ).pluck(),
    listMembers: db.prepare(
      `SELECT m.user_id AS userId, m.read_seq AS readSeq, m.role AS role, u.name AS name, u.avatar AS avatar FROM memberships m
       LEFT JOIN users u ON u.id = m.user_id WHERE m.conv_key = ? ORDER BY m.user_id`,
    ),
    listMembersPage: db.prepare(MEMBERS_PAGE_SQL),
    // A range scan of the primary key; the flag lives in the body only (no column to migrate).
    receiptSenders: db.prepare(
      `SELECT DISTINCT sender FROM messages WHERE conv_key = :key AND seq > :after AND seq <= :to
       AND sender <> :viewer AND ${VISIBLE} AND json_extract(body, '$.needReadReceipt') = 1 ORDER BY sender`,
    ).pluck(),
  };

  const unreadCount = createSqliteUnreadCount(db);

  const toUser = (r: Row): UserRecord => {
    const u: UserRecord = { id: r['id'] as string, deleted: r['deleted'] === 1, createdAt: r['created_at'] as number };
    if (r['name'] != null) u.name = r['name'] as string;
    if (r['avatar'] != null) u.avatar = r['avatar'] as string;
    if (r['tokens_after'] != null) u.tokensValidAfter = r['tokens_after'] as number;
    return u;
  };

  const state = (userId: string, r: Row): ConversationState => {
    const key = r['key'] as string;
    const parsed = parseKey(key);
    if (parsed.type === 'group') {
      return { key, type: 'group', target: parsed.groupId, lastSeq: r['lastSeq'] as number, readSeq: r['readSeq'] as number, historyFloor: (r['floor'] as number | null) ?? 0 };
    }
    const peer = parsed.users[0] === userId ? parsed.users[1] : parsed.users[0];
    const peerReadSeq = (q.readSeq.get(peer, key) as number | undefined) ?? 0;
    return { key, type: 'p2p', target: peer, lastSeq: r['lastSeq'] as number, readSeq: r['readSeq'] as number, peerReadSeq };
  };

  // Only a `:memory:` database commits on this thread, with the writer's own commit code.
  const local = commitOnThisThread(db, options.searchIndex !== false);
  // IMMEDIATE from here on: with the writer thread committing meanwhile, a transaction that
  // reads before it writes must hold the write lock from its start (else SQLITE_BUSY_SNAPSHOT).
  const createGroup = db.transaction((g: GroupRecord, members: string[], roles: Readonly<Record<string, GroupRole>>) => {
    if (q.getGroup.get(g.id)) throw new ChatError('GROUP_EXISTS');
    q.insertGroup.run(g.id, g.name, g.avatar ?? null, g.createdAt, g.historyVisibility ?? DEFAULT_HISTORY_VISIBILITY);
    const key = groupKey(g.id);
    q.ensureConversation.run(key);
    for (const u of members) q.join.run(u, key, 0, 0);
    for (const [u, role] of Object.entries(roles)) q.setRole.run(role, u, key);
  });
  const updateGroup = (id: string, c: GroupChanges) => q.updateGroup.run({
    id, name: c.name ?? null, visibility: c.historyVisibility ?? null,
    setAvatar: c.avatar === undefined ? 0 : 1, avatar: c.avatar ?? null,
    setNotice: c.notice === undefined ? 0 : 1, notice: c.notice || null,
  });
  const roleIn = (key: string, u: string | undefined) => (u === undefined ? undefined : (q.getRole.get(u, key) as GroupRole | undefined) ?? undefined);
  // Read and written under the write lock: no other change comes between the check and the write.
  const checkedUpdate = db.transaction((id: string, c: GroupChanges, check: GroupCheck, actor: string | undefined) => {
    const g = readGroup(id);
    if (!g || !check(roleIn(groupKey(id), actor), g)) return false;
    updateGroup(id, c);
    return true;
  });
  const changeRole = db.transaction((groupId: string, userId: string, role: GroupRole, check: GroupRoleCheck, actor: string | undefined) => {
    const key = groupKey(groupId);
    const target = roleIn(key, userId);
    if (!check(roleIn(key, actor), target) || target === undefined) return false;
    if (role === 'owner') q.demoteOwners.run(key, userId);
    q.setRole.run(role, userId, key);
    return true;
  });
  const removeMember = db.transaction((groupId: string, userId: string, check: GroupRoleCheck | undefined, actor: string | undefined) => {
    const key = groupKey(groupId);
    if (check && !check(roleIn(key, actor), roleIn(key, userId))) return false;
    return q.leave.run(userId, key).changes > 0;
  });
  const dismissGroup = db.transaction((id: string, check: GroupCheck | undefined, actor: string | undefined) => {
    const g = readGroup(id);
    if (!g || (check && !check(roleIn(groupKey(id), actor), g))) return undefined;
    q.dismiss.run(id);
    return (q.dropMembers.all(groupKey(id)) as string[]).sort();
  });
  const join = (groupId: string, userId: string) => {
    const key = groupKey(groupId);
    // A new member starts with everything before the join already read; a 'since-join' group's
    // history starts there for them too.
    const last = (q.lastSeq.get(key) as number | undefined) ?? 0;
    return q.join.run(userId, key, last, last).changes > 0;
  };
  const addMember = db.transaction(join);
  const addMembers = db.transaction((groupId: string, userIds: readonly string[], check: GroupCheck, actor: string | undefined, limit: number | undefined) => {
    const g = readGroup(groupId);
    if (!g || !check(roleIn(groupKey(groupId), actor), g)) return [];
    const added = userIds.filter((u) => join(groupId, u));
    // Counted under the write lock; a throw rolls the joins back.
    if (limit !== undefined && added.length > 0 && (q.countMembers.get(groupKey(groupId)) as number) > limit) throw new ChatError('GROUP_FULL');
    return added;
  });
  const deleteUser = db.transaction((id: string) => {
    if (q.deleteUser.run(id).changes === 0) return false;
    q.dropGroupMemberships.run(id);
    q.dropFriends.run(id, id);
    q.dropBlocks.run(id);
    q.dropFriendRequests.run(id, id);
    return true;
  });
  const setFriends = db.transaction((a: string, b: string, on: boolean) => {
    const stmt = on ? q.addFriend : q.removeFriend;
    stmt.run(a, b);
    stmt.run(b, a);
  });
  const putUser = db.transaction((id: string, name: string | null, avatar: string | null, now: number) => {
    if (q.updateUser.run(name, avatar, now, id).changes === 0) q.insertUser.run(id, name, avatar, now);
    return toUser(q.getUser.get(id) as Row);
  });

  // One snapshot for a member row and its peer's read position.
  const listConversations = db.transaction((userId: string) => (q.conversations.all(userId) as Row[]).map((r) => state(userId, r)));
  const getConversation = db.transaction((userId: string, key: string) => {
    const r = q.conversation.get(userId, key) as Row | undefined;
    return r && state(userId, r);
  });

  const parse = (body: unknown) => parseStored(body as string, Buffer.byteLength(body as string));
  /** A message row (`body, vis1, vis2`) as `findMessage` answers it. */
  const foundRow = (r: Row): { message: Message; visibleTo?: string[] } => {
    const found: { message: Message; visibleTo?: string[] } = { message: parse(r['body']) };
    if (r['vis1'] != null) found.visibleTo = [r['vis1'] as string, ...(r['vis2'] != null ? [r['vis2'] as string] : [])];
    return found;
  };
  /** Webhook and reminder bookkeeping commits on the writer thread (`:memory:`: this connection). */
  const exec: (statements: WriterStatement[]) => Promise<number[]> = writer ? (s) => writer.exec(s) : ((local) => async (s) => local(s))(execOnThisThread(db));
  let closed = false;

  // The facts a send checks (user, group, group membership, block, friendship) are kept in
  // memory: they were a fifth of the event loop's time under load (each read is a fresh WAL
  // read transaction). Only this connection writes them (the writer thread commits messages and
  // 1:1 memberships), and every such write below forgets them all, synchronously, so a read
  // never answers from before a write. One process per database file (a cluster uses PostgreSQL).
  const facts = new Map<string, unknown>();
  // The read and its arguments, not a closure over them: a send makes four or five of these reads.
  const fact = <A, B, T>(key: string, read: (a: A, b: B) => T, a: A, b: B): T => {
    const known = facts.get(key);
    // One lookup for a fact held (undefined, an unknown user or group, takes a second).
    if (known !== undefined || facts.has(key)) return known as T;
    const value = read(a, b);
    remember(key, value);
    return value;
  };
  const remember = (key: string, value: unknown): void => {
    if (facts.size >= FACTS_MAX) facts.clear();
    facts.set(key, value);
  };
  const changing = <A extends unknown[], R>(write: (...args: A) => R) => (...args: A): R => {
    try {
      return write(...args);
    } finally {
      facts.clear();
    }
  };
  const readUser = (id: string) => {
    const r = q.getUser.get(id) as Row | undefined;
    return r && toUser(r);
  };
  const readGroup = (id: string) => {
    const r = q.getGroup.get(id) as Row | undefined;
    if (!r) return undefined;
    const g: GroupRecord = { id: r['id'] as string, name: r['name'] as string, createdAt: r['created_at'] as number, historyVisibility: r['history_visibility'] as HistoryVisibility };
    if (r['avatar'] != null) g.avatar = r['avatar'] as string;
    if (r['notice'] != null) g.notice = r['notice'] as string;
    if (r['dismissed'] === 1) g.dismissed = true;
    return g;
  };
  const readMember = (groupId: string, userId: string) => q.isMember.get(userId, groupKey(groupId)) !== undefined;
  const readBlocked = (owner: string, other: string) => q.isBlocked.get(owner, other) !== undefined;
  const readFriends = (a: string, b: string) => q.areFriends.get(a, b) !== undefined;
  // A send's checks read these on its own turn (Store.held); the async methods answer copies of them.
  const held: HeldReads = {
    getUser: (id) => fact(`u\0${id}`, readUser, id, undefined),
    getGroup: (id) => fact(`g\0${id}`, readGroup, id, undefined),
    isGroupMember: (groupId, userId) => fact(`m\0${groupId}\0${userId}`, readMember, groupId, userId),
    isBlocked: (owner, other) => fact(`b\0${owner}\0${other}`, readBlocked, owner, other),
    areFriends: (a, b) => fact(`f\0${a}\0${b}`, readFriends, a, b),
  };
  const write = {
    putUser: changing(putUser.immediate),
    deleteUser: changing(deleteUser.immediate),
    setFriends: changing(setFriends.immediate),
    setBlocked: changing((owner: string, other: string, blocked: boolean) => (blocked ? q.addBlock : q.removeBlock).run(owner, other)),
    createGroup: changing(createGroup.immediate),
    addMember: changing(addMember.immediate),
    addMembers: changing(addMembers.immediate),
    updateGroup: changing(updateGroup),
    checkedUpdate: changing(checkedUpdate.immediate),
    setRole: changing((groupId: string, userId: string, role: GroupRole) => q.setRole.run(role, userId, groupKey(groupId)).changes > 0),
    changeRole: changing(changeRole.immediate),
    dismissGroup: changing(dismissGroup.immediate),
    removeMember: changing(removeMember.immediate),
  };

  return {
    ...createSqliteBroadcasts(db),
    // Changes commit where messages do: on the writer thread, with them (`:memory:`: here).
    ...createSqliteChanges(db, writer ? (c) => writer.change(c) : async (c) => local.change(c)),
    ...createSqliteModeration(db, (scope, u) => roleIn(groupKey(scope), u)),
    ...createSqliteReports(db),
    // Leases and settlements go through the writer thread (`:memory:`: this connection).
    ...createSqliteWebhooks(db, exec),
    ...createSqliteUnread(db, exec),
    ...createSqliteSearch(db, parse),
    ...createSqlitePush(db),
    ...createSqliteFriends(db, () => facts.clear()),
    async ping() {
      if (closed) throw new Error('store closed');
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer?.stop();
      await checkpointer?.stop();
      db.close();
    },
    held,
    async getUser(id) {
      const u = held.getUser(id);
      return u && { ...u };
    },
    async putUser(id, profile, now) {
      return write.putUser(id, profile.name ?? null, profile.avatar ?? null, now);
    },
    async deleteUser(id) {
      return write.deleteUser(id);
    },
    async setFriends(a, b, friends) {
      write.setFriends(a, b, friends);
    },
    async areFriends(a, b) {
      return held.areFriends(a, b);
    },
    async setBlocked(owner, other, blocked) {
      write.setBlocked(owner, other, blocked);
    },
    async isBlocked(owner, other) {
      return held.isBlocked(owner, other);
    },
    async listBlocked(owner) {
      return q.listBlocked.all(owner) as string[];
    },
    async setPresenceHidden(userId, hidden) {
      (hidden ? q.hidePresence : q.showPresence).run(userId);
    },
    async presenceHiddenAmong(userIds) {
      return userIds.filter((u) => q.presenceHidden.get(u) !== undefined);
    },
    async createGroup(group, members, roles = {}) {
      write.createGroup(group, members, roles);
    },
    async getGroup(id) {
      const g = held.getGroup(id);
      return g && { ...g };
    },
    async updateGroup(id, changes, check, actor) {
      if (!check) write.updateGroup(id, changes);
      else if (!write.checkedUpdate(id, changes, check, actor)) return undefined;
      const g = readGroup(id);
      return g && { ...g };
    },
    async getGroupRole(groupId, userId) {
      return (q.getRole.get(userId, groupKey(groupId)) as GroupRole | undefined) ?? undefined;
    },
    async groupOwner(groupId) {
      return (q.owner.get(groupKey(groupId)) as string | undefined) ?? undefined;
    },
    async setGroupRole(groupId, userId, role) {
      return write.setRole(groupId, userId, role);
    },
    async changeGroupRole(groupId, userId, role, check, actor) {
      return write.changeRole(groupId, userId, role, check, actor);
    },
    async dismissGroup(groupId, check, actor) {
      return write.dismissGroup(groupId, check, actor);
    },
    async countGroupMembers(groupId) {
      return q.countMembers.get(groupKey(groupId)) as number;
    },
    async addGroupMember(groupId, userId) {
      return write.addMember(groupId, userId);
    },
    async addGroupMembers(groupId, userIds, check, actor, limit) {
      return write.addMembers(groupId, userIds, check, actor, limit);
    },
    async removeGroupMember(groupId, userId, check, actor) {
      return write.removeMember(groupId, userId, check, actor);
    },
    async listGroupMembers(groupId) {
      // Fan-out reads it for each group of each commit batch. Held for groups of up to
      // MEMBERS_HELD only: a larger group's fan-out costs far more than the read, and its list
      // held would cost its size in memory.
      const key = `l\0${groupId}`;
      let members = facts.get(key) as string[] | undefined;
      if (!members) {
        members = q.members.all(groupKey(groupId)) as string[];
        if (members.length <= MEMBERS_HELD) remember(key, members);
      }
      return [...members];
    },
    heldGroupMembers(groupId) {
      return facts.get(`l\0${groupId}`) as string[] | undefined;
    },
    async isGroupMember(groupId, userId) {
      return held.isGroupMember(groupId, userId);
    },
    async commitMessages(drafts) {
      if (closed) throw new Error('store closed');
      return writer ? writer.commit(drafts) : local.commit(drafts);
    },
    async commitGroupNotice(groupId, stands, draft) {
      const g = readGroup(groupId);
      if (!g || !stands(g)) return undefined;
      return (await (writer ? writer.commit([draft]) : local.commit([draft])))[0];
    },
    // The writer thread takes its batches from one queue; :memory: commits before it returns.
    commitsInCallOrder: true,
    // ... and commits all the batches queued when it starts a transaction in that one (sqlite-writer.ts).
    coalescesQueuedCommits: true,
    // ... and answers each transaction in one message, in commit order (:memory: before it returns).
    answersInCommitOrder: true,
    async hasClientMsgId(sender, clientMsgId) {
      return q.hasClientMsgId.get(clientMsgId, sender) !== undefined;
    },
    async findMessage(key, id) {
      const r = q.findMessage.get(key, id) as Row | undefined;
      return r && foundRow(r);
    },
    async findMessages(key, ids) {
      const found = new Map<string, { message: Message; visibleTo?: string[] }>();
      if (ids.length === 0) return found;
      for (const r of q.findMessages.all(key, JSON.stringify([...new Set(ids)])) as Row[]) {
        const m = foundRow(r);
        found.set(m.message.id, m);
      }
      return found;
    },
    async readRange(key, viewer, { afterSeq, toSeq, limit, take }) {
      const params = { key, viewer, after: afterSeq, to: toSeq, limit };
      if (take === 'oldest') return (q.rangeOldest.all(params) as string[]).map(parse);
      return (q.rangeNewest.all(params) as string[]).map(parse).reverse();
    },
    async hasVisibleBefore(key, viewer, beforeSeq) {
      return q.visibleBefore.get({ key, viewer, before: beforeSeq }) !== undefined;
    },
    async listConversations(userId) {
      return listConversations(userId);
    },
    async getConversation(userId, key) {
      return getConversation(userId, key);
    },
    async markRead(userId, key, seq) {
      return (q.markRead.get(seq, key, userId, key) as number | undefined) ?? 0;
    },
    async unreadState(key, viewer, readSeq) {
      return unreadCount(key, viewer, readSeq);
    },
    async lastMessage(key, viewer) {
      const body = q.lastMessage.get({ key, viewer });
      return body === undefined ? undefined : parse(body);
    },
    async listMembers(key, page) {
      const rows = page ? q.listMembersPage.all({ key, after: page.after ?? '', limit: page.limit }) : q.listMembers.all(key);
      return (rows as Row[]).map((r) => {
        const m: MemberRecord = { userId: r['userId'] as string, readSeq: r['readSeq'] as number };
        if (key.startsWith('group:')) m.role = r['role'] as GroupRole;
        if (r['name'] != null) m.name = r['name'] as string;
        if (r['avatar'] != null) m.avatar = r['avatar'] as string;
        return m;
      });
    },
    async receiptSenders(key, reader, afterSeq, toSeq) {
      if (toSeq <= afterSeq) return [];
      return q.receiptSenders.all({ key, viewer: reader, after: afterSeq, to: toSeq }) as string[];
    },
  };
}
