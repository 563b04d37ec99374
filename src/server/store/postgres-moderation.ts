import type { PoolClient, QueryResultRow } from 'pg';
import { guardAllows, type ModerationStore, type SanctionGuard, type StoredWord } from '../moderation/types.js';
import { lockRoles } from './postgres-group-locks.js';
import { toSanction, toWord } from './sqlite-moderation.js';
import { rowsOfKeys } from './postgres-lookups.js';
import type { FactMemo } from './postgres-facts.js';
import { factKey, factPrefix } from '../core/facts.js';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The moderation part of the PostgreSQL store (sanctions in migration 8, indexed by scope in 19; the word list in 12). */
export function createPostgresModeration({ query, transaction, facts }: {
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
  /** The node's held facts (postgres-facts.ts): a user's sanctions are held with them. */
  facts?: FactMemo;
}): ModerationStore {
  const UPSERT =
    `INSERT INTO word_list (word, mode) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (word) DO UPDATE SET mode = EXCLUDED.mode`;
  const columns = (entries: StoredWord[]) => [entries.map((e) => e.word), entries.map((e) => e.mode ?? null)];
  // Read on every send (a per-node cache in front): one query per turn for every user asked,
  // held between turns with the node's facts (a ban or mute on another node drops them).
  const sanctionsOf = rowsOfKeys<Row>(query, 'SELECT *, user_id AS k FROM sanctions WHERE user_id = ANY($1::text[]) ORDER BY user_id, kind, scope',
    facts && { memo: facts, prefix: factPrefix.sanctions });
  /** Runs a sanction's write (`sql` answers a row per row written), under `guard` in one transaction with the roles locked; true when it wrote. */
  async function written(userId: string, scope: string, guard: SanctionGuard | undefined, sql: string, params: unknown[]): Promise<boolean> {
    const done = guard === undefined
      ? (await query(sql, params)).length > 0
      : await transaction(async (c) => {
        const roleOf = await lockRoles(c, scope, [userId, guard.actor]);
        return guardAllows((_, u) => roleOf(u), userId, scope, guard) && (await c.query(sql, params)).rows.length > 0;
      });
    if (done) await facts?.changed([factKey.sanctions(userId)]);
    return done;
  }
  return {
    async listWords() {
      return (await query<Row>('SELECT word, mode FROM word_list ORDER BY word')).map(toWord);
    },
    async replaceWords(entries) {
      await transaction(async (c) => {
        await c.query('DELETE FROM word_list');
        if (entries.length > 0) await c.query(UPSERT, columns(entries));
      });
    },
    async putWords(entries) {
      if (entries.length > 0) await query(UPSERT, columns(entries));
    },
    async deleteWord(word) {
      return (await query<Row>('DELETE FROM word_list WHERE word = $1 RETURNING 1', [word])).length > 0;
    },
    async putSanction(s, guard) {
      // The same sanction standing writes nothing (a retried mute is told once).
      return written(s.userId, s.scope, guard,
        `INSERT INTO sanctions (user_id, kind, scope, until, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, kind, scope) DO UPDATE SET until = $4, reason = $5, created_at = $6
         WHERE sanctions.until IS DISTINCT FROM $4 OR sanctions.reason IS DISTINCT FROM $5 RETURNING 1`,
        [s.userId, s.kind, s.scope, s.until, s.reason ?? null, s.createdAt]);
    },
    async deleteSanction(userId, kind, scope, guard) {
      return written(userId, scope, guard, 'DELETE FROM sanctions WHERE user_id = $1 AND kind = $2 AND scope = $3 RETURNING 1', [userId, kind, scope]);
    },
    async listSanctions(userId) {
      return (await sanctionsOf(userId)).map(toSanction);
    },
    async listGroupMutes(groupId) {
      return (await query<Row>("SELECT * FROM sanctions WHERE scope = $1 AND kind = 'mute' ORDER BY user_id", [groupId])).map(toSanction);
    },
  };
}
