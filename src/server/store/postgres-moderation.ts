import type { QueryResultRow } from 'pg';
import type { ModerationStore } from '../moderation/types.js';
import { toSanction } from './sqlite-moderation.js';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The moderation part of the PostgreSQL store (table in migration 8). */
export function createPostgresModeration({ query }: { query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]> }): ModerationStore {
  return {
    async putSanction(s) {
      await query(
        `INSERT INTO sanctions (user_id, kind, scope, until, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, kind, scope) DO UPDATE SET until = $4, reason = $5, created_at = $6`,
        [s.userId, s.kind, s.scope, s.until, s.reason ?? null, s.createdAt],
      );
    },
    async deleteSanction(userId, kind, scope) {
      return (await query<Row>('DELETE FROM sanctions WHERE user_id = $1 AND kind = $2 AND scope = $3 RETURNING 1', [userId, kind, scope])).length > 0;
    },
    async listSanctions(userId) {
      return (await query<Row>('SELECT * FROM sanctions WHERE user_id = $1 ORDER BY kind, scope', [userId])).map(toSanction);
    },
  };
}
