import type { ReportReason, ReportStatus } from '../../protocol/index.js';
import type { OutboxEvent } from '../webhooks/types.js';

/**
 * One user's report of one message (SPEC §11). A reporter reports a message once: a repeat
 * answers the first report. Admins close it: `resolved` (acted on, perhaps by deleting the
 * message) or `dismissed` (no action), with who did it and when.
 */
export interface ReportRecord {
  /** Made by the server; ids sort by creation time (UUIDv7), which the listing pages by. */
  id: string;
  /** The conversation's storage key. */
  key: string;
  messageId: string;
  reporter: string;
  reason: ReportReason;
  note?: string;
  status: ReportStatus;
  createdAt: number;
  resolvedBy?: string;
  resolvedAt?: number;
}

/** A report as admins list it: with how many users reported the same message. */
export interface ListedReport extends ReportRecord {
  reporters: number;
}

/** The report part of every Store (contract: test/server/store/store-reports-contract.ts). */
export interface ReportStore {
  /**
   * Stores the report and its webhook events in one transaction, unless this reporter already
   * reported this message (then nothing is written and the first report is answered, `duplicate`)
   * or already made `limit.max` reports at or after `limit.since` (then `limited`, with the time of
   * the oldest of those: one more is allowed once it leaves the window).
   */
  addReport(report: ReportRecord, options: { limit: { since: number; max: number }; outbox?: OutboxEvent[] }): Promise<ReportAdmission>;
  getReport(id: string): Promise<ReportRecord | undefined>;
  /** Newest first, with `status` only, ids before `before` only, at most `limit`. */
  listReports(query: { status?: ReportStatus; before?: string; limit: number }): Promise<ListedReport[]>;
  /**
   * Closes every open report of the message `id` reports (its own too) as `status`, by `by` at
   * `at`: the message is what moderators act on. Answers how many it closed.
   */
  closeReports(id: string, status: Exclude<ReportStatus, 'open'>, by: string, at: number): Promise<number>;
}

export type ReportAdmission = { status: 'added' | 'duplicate'; report: ReportRecord } | { status: 'limited'; oldest: number };
