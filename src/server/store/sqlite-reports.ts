import type Database from 'better-sqlite3';
import type { ReportAdmission, ReportStore, ReportRecord, ListedReport } from '../moderation/report-types.js';
import type { OutboxEvent } from '../webhooks/types.js';
import { INSERT_OUTBOX } from './sqlite-webhooks.js';

export const REPORTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS reports (
  id TEXT PRIMARY KEY,
  conv_key TEXT NOT NULL,
  message_id TEXT NOT NULL,
  reporter TEXT NOT NULL,
  reason TEXT NOT NULL,
  note TEXT,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  resolved_by TEXT,
  resolved_at INTEGER,
  UNIQUE (message_id, reporter)
);
CREATE INDEX IF NOT EXISTS reports_by_reporter ON reports (reporter, created_at);
CREATE INDEX IF NOT EXISTS reports_by_status ON reports (status, id);`;

type Row = Record<string, unknown>;

/** A report row of either SQL store. */
export function toReport(r: Row): ListedReport | ReportRecord {
  const report: ReportRecord & { reporters?: number } = {
    id: r['id'] as string, key: r['conv_key'] as string, messageId: r['message_id'] as string, reporter: r['reporter'] as string,
    reason: r['reason'] as ReportRecord['reason'], status: r['status'] as ReportRecord['status'], createdAt: Number(r['created_at']),
  };
  if (r['note'] != null) report.note = r['note'] as string;
  if (r['resolved_by'] != null) report.resolvedBy = r['resolved_by'] as string;
  if (r['resolved_at'] != null) report.resolvedAt = Number(r['resolved_at']);
  if (r['reporters'] != null) report.reporters = Number(r['reporters']);
  return report;
}

/** The report part of the SQLite store, on the main connection (rare writes, like sanctions). */
export function createSqliteReports(db: Database.Database): ReportStore {
  db.exec(REPORTS_SCHEMA);
  const q = {
    insert: db.prepare(
      'INSERT INTO reports (id, conv_key, message_id, reporter, reason, note, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    byPair: db.prepare('SELECT * FROM reports WHERE message_id = ? AND reporter = ?'),
    hook: db.prepare(INSERT_OUTBOX),
    recent: db.prepare('SELECT count(*) AS n, min(created_at) AS oldest FROM reports WHERE reporter = ? AND created_at >= ?'),
    get: db.prepare('SELECT * FROM reports WHERE id = ?'),
    list: db.prepare(
      `SELECT r.*, (SELECT count(*) FROM reports o WHERE o.message_id = r.message_id) AS reporters FROM reports r
       WHERE (:status IS NULL OR r.status = :status) AND (:before IS NULL OR r.id < :before) ORDER BY r.id DESC LIMIT :limit`),
    close: db.prepare(
      `UPDATE reports SET status = :status, resolved_by = :by, resolved_at = :at WHERE status = 'open'
       AND (message_id, conv_key) = (SELECT message_id, conv_key FROM reports WHERE id = :id)`),
  };
  const add = db.transaction((r: ReportRecord, limit: { since: number; max: number }, outbox: OutboxEvent[]): ReportAdmission => {
    const first = q.byPair.get(r.messageId, r.reporter) as Row | undefined;
    if (first) return { status: 'duplicate', report: toReport(first) };
    const recent = q.recent.get(r.reporter, limit.since) as Row;
    if (Number(recent['n']) >= limit.max) return { status: 'limited', oldest: Number(recent['oldest']) };
    q.insert.run(r.id, r.key, r.messageId, r.reporter, r.reason, r.note ?? null, r.status, r.createdAt);
    for (const e of outbox) q.hook.run(e.eventId, e.endpointId, e.type, e.key, e.time, e.payload, e.time, e.time);
    return { status: 'added', report: { ...r } };
  });
  return {
    async addReport(report, { limit, outbox }) {
      return add(report, limit, outbox ?? []);
    },
    async getReport(id) {
      const row = q.get.get(id) as Row | undefined;
      return row && toReport(row);
    },
    async listReports({ status, before, limit }) {
      return (q.list.all({ status: status ?? null, before: before ?? null, limit }) as Row[]).map(toReport) as ListedReport[];
    },
    async closeReports(id, status, by, at) {
      return q.close.run({ id, status, by, at }).changes;
    },
  };
}
