import type { OutboxEvent } from '../webhooks/types.js';
import type { ReportRecord, ReportStore } from '../moderation/report-types.js';

/** The report part of the memory store; `enqueue` queues webhook events in the same (synchronous) step. */
export function createMemoryReports(enqueue: (events: OutboxEvent[]) => void = () => {}): ReportStore {
  /** By id; ids sort by creation time. */
  const reports = new Map<string, ReportRecord>();
  const byPair = new Map<string, string>();
  const pair = (messageId: string, reporter: string) => `${messageId}\n${reporter}`;
  const clone = (r: ReportRecord) => structuredClone(r);
  return {
    async addReport(report, { limit, outbox }) {
      const first = byPair.get(pair(report.messageId, report.reporter));
      if (first !== undefined) return { status: 'duplicate', report: clone(reports.get(first)!) };
      const recent = [...reports.values()].filter((r) => r.reporter === report.reporter && r.createdAt >= limit.since).map((r) => r.createdAt);
      if (recent.length >= limit.max) return { status: 'limited', oldest: Math.min(...recent) };
      reports.set(report.id, clone(report));
      byPair.set(pair(report.messageId, report.reporter), report.id);
      enqueue(outbox ?? []);
      return { status: 'added', report: clone(report) };
    },
    async getReport(id) {
      const r = reports.get(id);
      return r && clone(r);
    },
    async listReports({ status, before, limit }) {
      const counts = new Map<string, number>();
      for (const r of reports.values()) counts.set(r.messageId, (counts.get(r.messageId) ?? 0) + 1);
      return [...reports.values()]
        .filter((r) => (status === undefined || r.status === status) && (before === undefined || r.id < before))
        .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, limit)
        .map((r) => ({ ...clone(r), reporters: counts.get(r.messageId)! }));
    },
    async closeReports(id, status, by, at) {
      const target = reports.get(id);
      if (!target) return 0;
      let n = 0;
      for (const r of reports.values()) {
        if (r.messageId !== target.messageId || r.key !== target.key || r.status !== 'open') continue;
        Object.assign(r, { status, resolvedBy: by, resolvedAt: at });
        n++;
      }
      return n;
    },
  };
}
