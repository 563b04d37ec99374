import type { ListedReport, ReportAdmission, ReportStore } from '../moderation/report-types.js';
import type { PostgresAccess } from './postgres-broadcasts.js';
import { insertOutbox } from './postgres-webhooks.js';
import { toReport } from './sqlite-reports.js';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The report part of the PostgreSQL store (table in migration 11). */
export function createPostgresReports(db: PostgresAccess): ReportStore {
  return {
    async addReport(r, { limit, outbox }) {
      return db.transaction(async (c): Promise<ReportAdmission> => {
        // One reporter's reports take turns (on every node), so the count below stays exact.
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`natter.reports:${r.reporter}`]);
        const first = await c.query<Row>('SELECT * FROM reports WHERE message_id = $1 AND reporter = $2', [r.messageId, r.reporter]);
        if (first.rows[0]) return { status: 'duplicate', report: toReport(first.rows[0]) };
        const recent = (await c.query<Row>('SELECT count(*) AS n, min(created_at) AS oldest FROM reports WHERE reporter = $1 AND created_at >= $2', [r.reporter, limit.since])).rows[0]!;
        if (Number(recent['n']) >= limit.max) return { status: 'limited', oldest: Number(recent['oldest']) };
        await c.query(
          'INSERT INTO reports (id, conv_key, message_id, reporter, reason, note, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
          [r.id, r.key, r.messageId, r.reporter, r.reason, r.note ?? null, r.status, r.createdAt],
        );
        await insertOutbox(c, outbox ?? []);
        return { status: 'added', report: { ...r } };
      });
    },
    async getReport(id) {
      const row = (await db.query<Row>('SELECT * FROM reports WHERE id = $1', [id]))[0];
      return row && toReport(row);
    },
    async listReports({ status, before, limit }) {
      const rows = await db.query<Row>(
        `SELECT r.*, (SELECT count(*) FROM reports o WHERE o.message_id = r.message_id) AS reporters FROM reports r
         WHERE ($1::text IS NULL OR r.status = $1) AND ($2::text IS NULL OR r.id < $2) ORDER BY r.id DESC LIMIT $3`,
        [status ?? null, before ?? null, limit],
      );
      return rows.map(toReport) as ListedReport[];
    },
    async closeReports(id, status, by, at) {
      const rows = await db.query<Row>(
        `UPDATE reports SET status = $2, resolved_by = $3, resolved_at = $4 WHERE status = 'open'
         AND (message_id, conv_key) = (SELECT message_id, conv_key FROM reports WHERE id = $1) RETURNING 1`,
        [id, status, by, at],
      );
      return rows.length;
    },
  };
}
