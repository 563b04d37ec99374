import type { CustomTypesConfig, Pool, PoolClient, PoolConfig, QueryResultRow } from 'pg';
import { UNREAD_STATE_SQL } from './postgres-unread-count.js';
import { ChatError, type Message } from '../../protocol/index.js';
import { groupKey, parseKey } from '../core/conversation-key.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { GroupCheck, Store } from '../core/store.js';
import { parseStored } from '../core/frame-budget.js';
import { DEFAULT_HISTORY_VISIBILITY, type ConversationState, type GroupRecord, type GroupRole, type MemberRecord, type UserRecord } from '../core/types.js';
import { createPostgresBroadcasts } from './postgres-broadcasts.js';
import { createPostgresChanges } from './postgres-changes.js';
import { createPostgresWebhooks } from './postgres-webhooks.js';
import { createPostgresUnread } from './postgres-unread.js';
import { createPostgresPush } from './postgres-push.js';
import { createPostgresFriends } from './postgres-friends.js';
import { createPostgresModeration } from './postgres-moderation.js';
import { createPostgresReports } from './postgres-reports.js';
import { commitBatch, commitFresh } from './postgres-commit.js';
import { pairExists, rowsById, rowsOfKeys } from './postgres-lookups.js';
import { FactMemo } from './postgres-facts.js';
import { factKey, factPrefix } from '../core/facts.js';
import { createPostgresSearch } from './postgres-search.js';
import { arrayParam } from './postgres-arrays.js';
import { createSearchMover } from './postgres-search-move.js';
import { lockRoles } from './postgres-group-locks.js';
import { migrate, notHiddenFor, quoteIdent, visibleTo } from './postgres-schema.js';

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database`; libpq parameters such as `?options=-c search_path=x` pass through. */
  connectionString: string;
  /** Keep Natter's tables in this schema (created if missing); default: the search_path's first. */
  schema?: string;
  /** Most connections this node opens. Default 10. */
  poolSize?: number;
  /** Receives errors of idle connections (the pool replaces them) and what migrations did. */
  logger?: Logger;
  /** Index new messages for search (default true; off only to measure what the index costs). */
  searchIndex?: boolean;
}

/** PostgreSQL error codes worth one more try of a whole transaction. */
const RETRYABLE = new Set(['23505', '40001', '40P01']);
const MAX_ATTEMPTS = 5;
/** Member lists of groups up to this size are held with the facts; longer ones are read each turn. */
const MEMBERS_HELD = 1000;
/** A conversation's members with their profiles (Store.listMembers). */
const MEMBERS_SQL = `SELECT m.user_id, m.read_seq, m.role, u.name, u.avatar FROM memberships m
  LEFT JOIN users u ON u.id = m.user_id WHERE m.conv_key = $1`;
/**
 * A page of them: a range of memberships_by_conv from `after` ($2) in id order, so it reads
 * `limit` ($3) rows whatever the group's size (test/server/store/member-pages.test.ts reads its plan).
 */
export const MEMBERS_PAGE_SQL = `${MEMBERS_SQL} AND m.user_id > $2 ORDER BY m.user_id LIMIT $3`;

/**
 * The pool's connection string and startup options: those of the string (`?options=`), then JIT
 * off, then the schema's search_path. No JIT: every statement here is short and led by an index,
 * but PostgreSQL compiles one whose estimated cost passes jit_above_cost, and a search's
 * estimate for the rows above its watermarks (a range it cannot know: a third of each
 * conversation) passed it at a million messages: 90–150 ms of compiling for a 3 ms search
 * (issue 20). The string's own options are moved out of it, as pg lets them replace ours.
 */
export function connectionOptions(connectionString: string, schema?: string): { connectionString: string; options: string } {
  let given: string | null = null;
  try {
    const url = new URL(connectionString);
    given = url.searchParams.get('options');
    if (given !== null) {
      url.searchParams.delete('options');
      connectionString = url.toString();
    }
  } catch {
    // Not a URL pg would read options from either: nothing to move.
  }
  const options = [given, '-c jit=off', schema ? `-c search_path=${quoteIdent(schema)}` : null].filter((o) => o !== null).join(' ');
  return { connectionString, options };
}

/**
 * The Store of a cluster: every node opens its own pool on one PostgreSQL database. `pg` is
 * imported here only, so installs that keep the SQLite default never load it. Migrations run
 * before the store is returned; a database that cannot be reached rejects the factory.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pg = (await import('pg')).default;
  const log = options.logger ?? silentLogger;
  const config: PoolConfig = {
    ...connectionOptions(options.connectionString, options.schema),
    max: options.poolSize ?? 10,
    // Without it a send would wait forever for a connection to an unreachable server.
    connectionTimeoutMillis: 5000,
    // count(*), seqs and epoch milliseconds come back as int8; below 2^53 a number is exact.
    // Per pool, not pg.types.setTypeParser: that would change every other pg user in the process.
    types: { getTypeParser: ((oid, format) => (oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format))) as CustomTypesConfig['getTypeParser'] },
  };
  const pool: Pool = new pg.Pool(config);
  // An idle connection that dies emits here; without a listener it would crash the process.
  pool.on('error', (err) => log.error({ err }, 'postgres: idle connection failed'));

  const first = await pool.connect().catch(async (err: unknown) => {
    await pool.end();
    throw new Error(`PostgreSQL at ${redact(options.connectionString)} is unreachable: ${(err as Error).message}`, { cause: err });
  });
  try {
    await migrate(first, options.schema, log);
  } catch (err) {
    first.release(true);
    await pool.end();
    throw err;
  }
  // Destroyed rather than pooled: it held the advisory lock and any session state of it ends here.
  first.release(true);

  let closed = false;
  const q = async <R extends QueryResultRow>(sql: string, params: unknown[] = []) => (await pool.query<R>(sql, params)).rows;
  const one = async <R extends QueryResultRow>(sql: string, params: unknown[] = []) => (await q<R>(sql, params))[0];
  // What every send reads, one query per turn for all of them (postgres-lookups.ts), held
  // between turns once the node connects the facts to its bus (postgres-facts.ts). Every
  // change to them below goes through `facts.changed` before it resolves.
  const facts = new FactMemo();
  const userRow = rowsById<Row>(q, 'users', { memo: facts, prefix: factPrefix.user });
  const groupRow = rowsById<Row>(q, 'groups', { memo: facts, prefix: factPrefix.group });
  const member = pairExists(q, 'memberships', ['user_id', 'conv_key'], { memo: facts, prefix: factPrefix.member });
  const blocked = pairExists(q, 'blocks', ['owner', 'other'], { memo: facts, prefix: factPrefix.block });
  const friends = pairExists(q, 'friends', ['a', 'b'], { memo: facts, prefix: factPrefix.friend });
  const members = rowsOfKeys<{ user_id: string }>(q, 'SELECT conv_key AS k, user_id FROM memberships WHERE conv_key = ANY($1::text[]) ORDER BY conv_key, user_id', {
    memo: facts, prefix: factPrefix.members, keep: (rows) => rows === undefined || (rows as unknown[]).length <= MEMBERS_HELD,
  });
  /** The facts a change of these users' membership of the group changes. */
  const membership = (groupId: string, userIds: readonly string[]) => {
    const key = groupKey(groupId);
    return [factKey.members(key), ...userIds.map((u) => factKey.member(u, key))];
  };
  // Off, nothing moves into the index (only to measure what it costs: searches still find every
  // message, on its body, as long as it stays above the watermark).
  const mover = options.searchIndex !== false ? createSearchMover(() => pool.connect(), log) : undefined;
  await mover?.sweep();

  /** Runs `work` in one transaction, again from the start when PostgreSQL asks for a retry. */
  async function transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      let broken: unknown;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        broken = await client.query('ROLLBACK').then(() => undefined, (e: unknown) => e);
        const code = (err as { code?: string }).code;
        if (attempt >= MAX_ATTEMPTS || !code || !RETRYABLE.has(code)) throw err;
      } finally {
        // A connection whose ROLLBACK failed is in an unknown state: destroy it, never reuse it.
        client.release(broken instanceof Error ? broken : undefined);
      }
    }
  }

  /**
   * The group's row, then the actor's membership, locked (dismissGroup's order), and `check` run
   * on them as they are: false for no group or nothing to do.
   */
  async function checkedGroup(c: PoolClient, groupId: string, check: GroupCheck, actor: string | undefined): Promise<boolean> {
    const { rows: [g] } = await c.query<Row>('SELECT * FROM groups WHERE id = $1 FOR UPDATE', [groupId]);
    return g !== undefined && check((await lockRoles(c, groupId, [actor]))(actor), toGroup(g));
  }

  /** Adds the members not yet in the group, in one statement; answers those added, in the order given. */
  async function insertMembers(c: Pick<PoolClient, 'query'>, groupId: string, userIds: readonly string[]): Promise<string[]> {
    // A new member starts with everything before the join already read.
    const { rows } = await c.query<{ user_id: string }>(
      `INSERT INTO memberships (user_id, conv_key, read_seq, joined_seq)
       SELECT u, $2, x.s, x.s FROM unnest($1::text[]) AS u, (SELECT coalesce((SELECT last_seq FROM conversations WHERE key = $2), 0) AS s) AS x
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [userIds, groupKey(groupId)],
    );
    const added = new Set(rows.map((r) => r.user_id));
    return userIds.filter((u) => added.has(u));
  }
  /** Runs `write` (an insertMembers), then drops what this node and the others hold of those added. */
  async function addMembers(groupId: string, write: () => Promise<string[]>): Promise<string[]> {
    const added = await write();
    if (added.length > 0) await facts.changed(membership(groupId, added));
    return added;
  }

  const toUser = (r: Row): UserRecord => {
    const u: UserRecord = { id: r.id, deleted: r.deleted, createdAt: r.created_at };
    if (r.name != null) u.name = r.name;
    if (r.avatar != null) u.avatar = r.avatar;
    if (r.tokens_after != null) u.tokensValidAfter = Number(r.tokens_after);
    return u;
  };

  const toGroup = (r: Row): GroupRecord => {
    const g: GroupRecord = { id: r.id, name: r.name, createdAt: r.created_at, historyVisibility: r.history_visibility };
    if (r.avatar != null) g.avatar = r.avatar;
    if (r.notice != null) g.notice = r.notice;
    if (r.dismissed === true) g.dismissed = true;
    return g;
  };

  const state = (userId: string, r: Row): ConversationState => {
    const parsed = parseKey(r.key);
    if (parsed.type === 'group') return { key: r.key, type: 'group', target: parsed.groupId, lastSeq: r.last_seq, readSeq: r.read_seq, historyFloor: r.floor ?? 0 };
    const peer = parsed.users[0] === userId ? parsed.users[1] : parsed.users[0];
    return { key: r.key, type: 'p2p', target: peer, lastSeq: r.last_seq, readSeq: r.read_seq, peerReadSeq: r.peer_read_seq ?? 0 };
  };

  // The peer's read position joins in for p2p rows only (a group has many other members).
  // The history floor joins in from the group's visibility setting (p2p rows match no group).
  const CONVERSATIONS = `SELECT m.conv_key AS key, m.read_seq, c.last_seq, p.read_seq AS peer_read_seq,
      CASE WHEN g.history_visibility = 'since-join' THEN m.joined_seq ELSE 0 END AS floor
    FROM memberships m JOIN conversations c ON c.key = m.conv_key
    LEFT JOIN memberships p ON m.conv_key LIKE 'p2p:%' AND p.conv_key = m.conv_key AND p.user_id <> m.user_id
    LEFT JOIN groups g ON m.conv_key LIKE 'group:%' AND g.id = substr(m.conv_key, 7)
    WHERE m.user_id = $1`;
  const parse = (body: string) => parseStored(body, Buffer.byteLength(body));
  /** A message row (`body, visible_to`) as `findMessage` answers it. */
  const foundRow = (r: Row): { message: Message; visibleTo?: string[] } => {
    const found: { message: Message; visibleTo?: string[] } = { message: parse(r.body) };
    if (r.visible_to != null) found.visibleTo = r.visible_to;
    return found;
  };

  return {
    ...createPostgresBroadcasts({ query: q, transaction }),
    ...createPostgresSearch(q, parse),
    ...createPostgresChanges({ query: q, transaction }),
    ...createPostgresWebhooks({ query: q, transaction }),
    ...createPostgresUnread({ query: q, transaction }),
    ...createPostgresPush({ query: q, transaction }),
    ...createPostgresFriends({ query: q, transaction, changed: (a, b) => facts.changed([factKey.friend(a, b), factKey.friend(b, a)]) }),
    ...createPostgresModeration({ query: q, transaction, facts }),
    facts,
    ...createPostgresReports({ query: q, transaction }),
    async ping() {
      if (closed) throw new Error('store closed');
      await pool.query('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await mover?.close();
      await pool.end();
    },
    async getUser(id) {
      const r = await userRow(id);
      return r && toUser(r);
    },
    async putUser(id, profile, now) {
      const r = await one<Row>(
        `INSERT INTO users (id, name, avatar, deleted, created_at) VALUES ($1, $2, $3, false, $4)
         ON CONFLICT (id) DO UPDATE SET name = coalesce(EXCLUDED.name, users.name),
           avatar = coalesce(EXCLUDED.avatar, users.avatar), deleted = false,
           tokens_after = CASE WHEN users.deleted THEN EXCLUDED.created_at ELSE users.tokens_after END
         RETURNING *`,
        [id, profile.name ?? null, profile.avatar ?? null, now],
      );
      await facts.changed([factKey.user(id)]);
      return toUser(r!);
    },
    async deleteUser(id) {
      const deleted = await transaction(async (c) => {
        const res = await c.query('UPDATE users SET deleted = true WHERE id = $1 AND NOT deleted', [id]);
        if (res.rowCount === 0) return false;
        await c.query(`DELETE FROM memberships WHERE user_id = $1 AND conv_key LIKE 'group:%'`, [id]);
        await c.query('DELETE FROM friends WHERE a = $1 OR b = $1', [id]);
        await c.query('DELETE FROM blocks WHERE owner = $1', [id]);
        await c.query('DELETE FROM friend_requests WHERE from_id = $1 OR to_id = $1', [id]);
        return true;
      });
      // Their memberships, friendships and blocks everywhere: rare enough to forget everything.
      if (deleted) await facts.changed('all');
      return deleted;
    },
    async setFriends(a, b, friends) {
      // Both directions in one statement, so a crash never leaves a one-sided friendship.
      if (friends) await q('INSERT INTO friends (a, b) VALUES ($1, $2), ($2, $1) ON CONFLICT DO NOTHING', [a, b]);
      else await q('DELETE FROM friends WHERE (a, b) IN (($1, $2), ($2, $1))', [a, b]);
      await facts.changed([factKey.friend(a, b), factKey.friend(b, a)]);
    },
    async areFriends(a, b) {
      return friends(a, b);
    },
    async setBlocked(owner, other, blocked) {
      if (blocked) await q('INSERT INTO blocks (owner, other) VALUES ($1, $2) ON CONFLICT DO NOTHING', [owner, other]);
      else await q('DELETE FROM blocks WHERE owner = $1 AND other = $2', [owner, other]);
      await facts.changed([factKey.block(owner, other)]);
    },
    async isBlocked(owner, other) {
      return blocked(owner, other);
    },
    async setPresenceHidden(userId, hidden) {
      if (hidden) await q('INSERT INTO presence_hidden (user_id) VALUES ($1) ON CONFLICT DO NOTHING', [userId]);
      else await q('DELETE FROM presence_hidden WHERE user_id = $1', [userId]);
    },
    async presenceHiddenAmong(userIds) {
      if (userIds.length === 0) return [];
      const hidden = new Set((await q<{ user_id: string }>('SELECT user_id FROM presence_hidden WHERE user_id = ANY($1)', [userIds])).map((r) => r.user_id));
      return userIds.filter((u) => hidden.has(u));
    },
    async listBlocked(owner) {
      return (await q<{ other: string }>('SELECT other FROM blocks WHERE owner = $1 ORDER BY other', [owner])).map((r) => r.other);
    },
    async createGroup(g, members, roles = {}) {
      await transaction(async (c) => {
        const created = await c.query('INSERT INTO groups (id, name, avatar, created_at, history_visibility) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
          g.id, g.name, g.avatar ?? null, g.createdAt, g.historyVisibility ?? DEFAULT_HISTORY_VISIBILITY,
        ]);
        if (created.rowCount === 0) throw new ChatError('GROUP_EXISTS');
        const key = groupKey(g.id);
        await c.query('INSERT INTO conversations (key) VALUES ($1) ON CONFLICT DO NOTHING', [key]);
        await c.query('INSERT INTO memberships (user_id, conv_key) SELECT u, $2 FROM unnest($1::text[]) AS u ON CONFLICT DO NOTHING', [members, key]);
        const named = Object.entries(roles);
        if (named.length > 0) {
          await c.query('UPDATE memberships m SET role = r.role FROM unnest($1::text[], $2::text[]) AS r(u, role) WHERE m.user_id = r.u AND m.conv_key = $3', [
            named.map(([u]) => u), named.map(([, role]) => role), key,
          ]);
        }
      });
      await facts.changed([factKey.group(g.id), ...membership(g.id, members)]);
    },
    async getGroup(id) {
      const r = await groupRow(id);
      return r && toGroup(r);
    },
    async updateGroup(id, changes, check, actor) {
      const update = async (c: Pick<PoolClient, 'query'>) => (await c.query<Row>(
        `UPDATE groups SET history_visibility = coalesce($2, history_visibility), name = coalesce($3, name),
           avatar = CASE WHEN $4 THEN $5 ELSE avatar END, notice = CASE WHEN $6 THEN $7 ELSE notice END WHERE id = $1 RETURNING *`,
        [id, changes.historyVisibility ?? null, changes.name ?? null, changes.avatar !== undefined, changes.avatar ?? null, changes.notice !== undefined, changes.notice || null],
      )).rows[0];
      const r = check === undefined ? await update(pool) : await transaction(async (c) => (await checkedGroup(c, id, check, actor)) ? update(c) : undefined);
      if (r) await facts.changed([factKey.group(id)]);
      return r && toGroup(r);
    },
    async getGroupRole(groupId, userId) {
      return (await one<{ role: GroupRole }>('SELECT role FROM memberships WHERE user_id = $1 AND conv_key = $2', [userId, groupKey(groupId)]))?.role;
    },
    async setGroupRole(groupId, userId, role) {
      return (await q('UPDATE memberships SET role = $3 WHERE user_id = $1 AND conv_key = $2 RETURNING 1', [userId, groupKey(groupId), role])).length > 0;
    },
    async changeGroupRole(groupId, userId, role, check, actor) {
      const key = groupKey(groupId);
      return transaction(async (c) => {
        // The owners' rows too: an ownership handed over meanwhile on another node is seen here.
        const roleOf = await lockRoles(c, groupId, [userId, actor], true);
        if (!check(roleOf(actor), roleOf(userId)) || roleOf(userId) === undefined) return false;
        if (role === 'owner') await c.query(`UPDATE memberships SET role = 'admin' WHERE conv_key = $1 AND role = 'owner' AND user_id <> $2`, [key, userId]);
        await c.query('UPDATE memberships SET role = $3 WHERE user_id = $1 AND conv_key = $2', [userId, key, role]);
        return true;
      });
    },
    async dismissGroup(groupId, check, actor) {
      const removed = await transaction(async (c) => {
        if (check && !(await checkedGroup(c, groupId, check, actor))) return undefined;
        if ((await c.query('UPDATE groups SET dismissed = true WHERE id = $1', [groupId])).rowCount === 0) return undefined;
        const { rows } = await c.query<{ user_id: string }>('DELETE FROM memberships WHERE conv_key = $1 RETURNING user_id', [groupKey(groupId)]);
        return rows.map((r) => r.user_id).sort();
      });
      if (removed) await facts.changed([factKey.group(groupId), ...membership(groupId, removed)]);
      return removed;
    },
    async groupOwner(groupId) {
      return (await one<{ user_id: string }>(`SELECT user_id FROM memberships WHERE conv_key = $1 AND role = 'owner' LIMIT 1`, [groupKey(groupId)]))?.user_id;
    },
    async countGroupMembers(groupId) {
      return Number((await one<{ n: string }>('SELECT count(*) AS n FROM memberships WHERE conv_key = $1', [groupKey(groupId)]))!.n);
    },
    async addGroupMember(groupId, userId) {
      return (await addMembers(groupId, () => insertMembers(pool, groupId, [userId]))).length > 0;
    },
    async addGroupMembers(groupId, userIds, check, actor, limit) {
      return addMembers(groupId, () => transaction(async (c) => {
        if (!(await checkedGroup(c, groupId, check, actor))) return [];
        const added = await insertMembers(c, groupId, userIds);
        // Counted after the insert, the group's row locked (so after any invite before): a throw rolls it back.
        if (limit !== undefined && added.length > 0) {
          const { rows: [n] } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM memberships WHERE conv_key = $1', [groupKey(groupId)]);
          if (n!.n > limit) throw new ChatError('GROUP_FULL');
        }
        return added;
      }));
    },
    async removeGroupMember(groupId, userId, check, actor) {
      const key = groupKey(groupId);
      const removed = check === undefined
        ? (await q('DELETE FROM memberships WHERE user_id = $1 AND conv_key = $2 RETURNING 1', [userId, key])).length > 0
        : await transaction(async (c) => {
          const roleOf = await lockRoles(c, groupId, [userId, actor]);
          if (!check(roleOf(actor), roleOf(userId)) || roleOf(userId) === undefined) return false;
          return (await c.query('DELETE FROM memberships WHERE user_id = $1 AND conv_key = $2', [userId, key])).rowCount! > 0;
        });
      if (removed) await facts.changed(membership(groupId, [userId]));
      return removed;
    },
    async listGroupMembers(groupId) {
      return (await members(groupKey(groupId))).map((r) => r.user_id);
    },
    async isGroupMember(groupId, userId) {
      return member(userId, groupKey(groupId));
    },
    // Half the pool: the other half stays for the reads that sends and sessions make meanwhile.
    concurrentCommits: Math.max(1, Math.floor((options.poolSize ?? 10) / 2)),
    async commitMessages(drafts) {
      if (closed) throw new Error('store closed');
      if (drafts.length === 0) return [];
      // The common batch in one round trip; a duplicate, a webhook event or a retryable error
      // (another node's concurrent insert or deadlock) takes the transaction, which handles all.
      const fast = await commitFresh(async (query) => (await pool.query(query)).rows, drafts).catch((err: unknown) => {
        if (RETRYABLE.has((err as { code?: string }).code ?? '')) return undefined;
        throw err;
      });
      const outcomes = fast ?? await transaction((c) => commitBatch(c, drafts));
      mover?.committed(new Set(drafts.map((d) => d.key)), drafts.length);
      return outcomes;
    },
    async commitGroupNotice(groupId, stands, draft) {
      if (closed) throw new Error('store closed');
      // The group's row, then (commitBatch) the conversation's: the order every group write keeps.
      const outcome = await transaction(async (c) => {
        const { rows: [g] } = await c.query<Row>('SELECT * FROM groups WHERE id = $1 FOR SHARE', [groupId]);
        return g && stands(toGroup(g)) ? (await commitBatch(c, [draft]))[0] : undefined;
      });
      if (outcome) mover?.committed(new Set([draft.key]), 1);
      return outcome;
    },
    async hasClientMsgId(sender, clientMsgId) {
      return (await one('SELECT 1 FROM messages WHERE client_msg_id = $1 AND sender = $2', [clientMsgId, sender])) !== undefined;
    },
    async findMessage(key, id) {
      const r = await one<Row>('SELECT body, visible_to FROM messages WHERE conv_key = $1 AND id = $2', [key, id]);
      return r && foundRow(r);
    },
    async findMessages(key, ids) {
      const found = new Map<string, { message: Message; visibleTo?: string[] }>();
      if (ids.length === 0) return found;
      const rows = await q<Row>('SELECT body, visible_to FROM messages WHERE conv_key = $1 AND id = ANY($2::text[])', [key, arrayParam([...new Set(ids)])]);
      for (const r of rows) {
        const m = foundRow(r);
        found.set(m.message.id, m);
      }
      return found;
    },
    async readRange(key, viewer, { afterSeq, toSeq, limit, take }) {
      const rows = await q<{ body: string }>(
        `SELECT body FROM messages WHERE conv_key = $1 AND seq > $3 AND seq <= $4 AND ${visibleTo('$2')}
         ORDER BY seq ${take === 'oldest' ? 'ASC' : 'DESC'} LIMIT $5`,
        [key, viewer, afterSeq, toSeq, limit],
      );
      const messages = rows.map((r) => parse(r.body));
      return take === 'oldest' ? messages : messages.reverse();
    },
    async hasVisibleBefore(key, viewer, beforeSeq) {
      return (await one(`SELECT 1 FROM messages WHERE conv_key = $1 AND seq < $3 AND ${visibleTo('$2')} LIMIT 1`, [key, viewer, beforeSeq])) !== undefined;
    },
    async listConversations(userId) {
      return (await q<Row>(`${CONVERSATIONS} ORDER BY m.conv_key`, [userId])).map((r) => state(userId, r));
    },
    async getConversation(userId, key) {
      const r = await one<Row>(`${CONVERSATIONS} AND m.conv_key = $2`, [userId, key]);
      return r && state(userId, r);
    },
    async markRead(userId, key, seq) {
      const r = await one<{ read_seq: number }>(
        `UPDATE memberships SET read_seq = greatest(read_seq, least($3::bigint, (SELECT last_seq FROM conversations WHERE key = $2)))
         WHERE user_id = $1 AND conv_key = $2 RETURNING read_seq`,
        [userId, key, seq],
      );
      return r?.read_seq ?? 0;
    },
    async unreadState(key, viewer, readSeq) {
      // A bounded number of rows, exact up to UNREAD_COUNT_MAX (postgres-unread-count.ts).
      // Named: prepared once per connection, not planned at each count.
      const { rows: [r] } = await pool.query<{ unread: number; mentioned: boolean }>({ name: 'natter-unread-state', text: UNREAD_STATE_SQL, values: [key, viewer, readSeq] });
      return { unread: r!.unread, mentioned: r!.mentioned };
    },
    async lastMessage(key, viewer) {
      const r = await one<{ body: string }>(
        `SELECT body FROM messages WHERE conv_key = $1 AND NOT excl_last AND ${visibleTo('$2')} AND ${notHiddenFor('$2')} ORDER BY seq DESC LIMIT 1`,
        [key, viewer],
      );
      return r && parse(r.body);
    },
    async listMembers(key, page) {
      const rows = await q<Row>(page ? MEMBERS_PAGE_SQL : `${MEMBERS_SQL} ORDER BY m.user_id`, page ? [key, page.after ?? '', page.limit] : [key]);
      return rows.map((r) => {
        const m: MemberRecord = { userId: r.user_id, readSeq: r.read_seq };
        if (key.startsWith('group:')) m.role = r.role;
        if (r.name != null) m.name = r.name;
        if (r.avatar != null) m.avatar = r.avatar;
        return m;
      });
    },
    async receiptSenders(key, reader, afterSeq, toSeq) {
      if (toSeq <= afterSeq) return [];
      // A range scan of the primary key; the flag lives in the body only (no column to migrate).
      const rows = await q<{ sender: string }>(
        `SELECT DISTINCT sender FROM messages WHERE conv_key = $1 AND seq > $3 AND seq <= $4 AND sender <> $2
         AND ${visibleTo('$2')} AND (body::jsonb ->> 'needReadReceipt') = 'true' ORDER BY sender`,
        [key, reader, afterSeq, toSeq],
      );
      return rows.map((r) => r.sender);
    },
  };
}

// Rows are read by column name; the SQL above is what types them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

/** The connection string without its password, for error messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}
