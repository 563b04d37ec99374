import { ChatError, type MessageReportFrame, type Message, type ReportStatus } from '../../protocol/index.js';
import { keyOf, parseKey, viewOf } from '../core/conversation-key.js';
import { newMessageId } from '../core/message-id.js';
import type { Connection } from '../core/connection.js';
import type { Store } from '../core/store.js';
import { asSeenBy } from '../core/summaries.js';
import type { Clock, ConversationKey, StoredMessage } from '../core/types.js';
import { outboxEvents, type WebhookHooks } from '../webhooks/types.js';
import type { ListedReport, ReportRecord } from './report-types.js';

/** Default reports per user and hour: a person flagging what they see, never a bot's volume. */
export const DEFAULT_REPORTS_PER_HOUR = 20;
const HOUR_MS = 3_600_000;

/** Where a message is, as the admin recall (`DELETE /v1/messages/:id`) names it. */
export type MessagePlace = { groupId: string } | { users: [string, string] };

export interface ReportsDeps {
  store: Store;
  clock: Clock;
  /** Reports per user in any hour (REPORTS_RATE_LIMITED past it). */
  perHour?: number;
  webhooks?: WebhookHooks;
}

/** A report as admins list it: the message as the reporter's history shows it (absent once gone from the store). */
export type ReportView = Omit<ListedReport, 'key'> & { conversation: string; message?: Message };

/**
 * Message reports (SPEC §11): users report what they can see (`message.report`); admins list and
 * close them over REST (http/reports-routes.ts). The count behind the rate limit is the store's,
 * so it holds across nodes and restarts; a repeat is answered before it counts.
 */
export class Reports {
  readonly #d: ReportsDeps;

  constructor(deps: ReportsDeps) {
    this.#d = deps;
  }

  /** `message.report` of a session: answered `ok` (a repeat too), or the error (by chat-core). */
  async handleFrame(conn: Connection, frame: MessageReportFrame): Promise<void> {
    const { type: _type, reqId, ...report } = frame;
    await this.report(conn.session!.userId, report);
    if (reqId !== undefined) conn.send(JSON.stringify({ type: 'ok', reqId }));
  }

  /**
   * Files `userId`'s report. The message must be one they can see: in a conversation they are in
   * (NOT_MEMBER for a group, MESSAGE_UNKNOWN otherwise), visible to them, from after their history
   * floor, not a change event (MESSAGE_UNKNOWN), not recalled (MESSAGE_RECALLED), not their own
   * (REPORT_OWN_MESSAGE). The `message.reported` webhook event commits with the report.
   */
  async report(userId: string, frame: Omit<MessageReportFrame, 'type' | 'reqId'>): Promise<{ report: ReportRecord; duplicate: boolean }> {
    const { store, clock } = this.#d;
    const { key, type } = keyOf(userId, frame.conversationId);
    const state = await store.getConversation(userId, key);
    if (!state) throw new ChatError(type === 'group' ? 'NOT_MEMBER' : 'MESSAGE_UNKNOWN');
    const found = await store.findMessage(key, frame.messageId);
    const m = found?.message as StoredMessage | undefined;
    if (!found || !m || (found.visibleTo && !found.visibleTo.includes(userId)) || m.elem.type === 'change' || m.seq <= (state.historyFloor ?? 0)) {
      throw new ChatError('MESSAGE_UNKNOWN');
    }
    if (m.recalled || m.elem.type === 'recalled') throw new ChatError('MESSAGE_RECALLED');
    if (m.sender === userId) throw new ChatError('REPORT_OWN_MESSAGE');
    const now = clock();
    const report: ReportRecord = {
      id: newMessageId(now), key, messageId: m.id, reporter: userId, reason: frame.reason,
      ...(frame.note !== undefined && frame.note.trim() !== '' && { note: frame.note.trim() }), status: 'open', createdAt: now,
    };
    const endpoints = this.#d.webhooks?.endpointsFor('message.reported');
    const outbox = endpoints?.length
      ? outboxEvents({ type: 'message.reported', endpoints }, { eventId: report.id, key, time: now, payload: JSON.stringify(reportedPayload(report, m)) })
      : undefined;
    // A repeat is answered from the first report (idempotent, and free of the budget).
    const admission = await store.addReport(report, { limit: { since: now - HOUR_MS, max: this.#d.perHour ?? DEFAULT_REPORTS_PER_HOUR }, ...(outbox && { outbox }) });
    if (admission.status === 'limited') throw new ChatError('REPORTS_RATE_LIMITED', undefined, { retryAfterMs: Math.max(1, admission.oldest + HOUR_MS - now) });
    if (outbox && admission.status === 'added') this.#d.webhooks!.queued();
    return { report: admission.report, duplicate: admission.status === 'duplicate' };
  }

  /** `GET /v1/reports`: newest first; `next` is the cursor of the following page. */
  async list(query: { status?: ReportStatus; cursor?: string; limit: number }): Promise<{ items: ReportView[]; next?: string }> {
    const rows = await this.#d.store.listReports({ ...(query.status && { status: query.status }), ...(query.cursor && { before: query.cursor }), limit: query.limit });
    const items = await Promise.all(rows.map((r) => this.#view(r)));
    return { items, ...(rows.length === query.limit && rows.length > 0 && { next: rows[rows.length - 1]!.id }) };
  }

  async #view({ key, ...r }: ListedReport): Promise<ReportView> {
    const found = await this.#d.store.findMessage(key, r.messageId);
    return { ...r, conversation: viewOf(key, r.reporter), ...(found && { message: asSeenBy(found.message, key, r.reporter) }) };
  }

  /**
   * Closes the report, and every other open report of its message, as `status`. With `recall`,
   * the message is recalled first (the admin recall path; one already recalled counts as done).
   * REPORT_UNKNOWN, or REPORT_CLOSED when it is no longer open.
   */
  async close(id: string, status: 'resolved' | 'dismissed', by: string, recall?: (messageId: string, place: MessagePlace) => Promise<unknown>): Promise<{ report: Omit<ReportView, 'reporters' | 'message'>; closed: number }> {
    const report = await this.#d.store.getReport(id);
    if (!report) throw new ChatError('REPORT_UNKNOWN');
    if (report.status !== 'open') throw new ChatError('REPORT_CLOSED');
    if (recall) {
      try {
        await recall(report.messageId, placeOf(report.key));
      } catch (err) {
        if (!(err instanceof ChatError && err.name === 'MESSAGE_RECALLED')) throw err;
      }
    }
    const at = this.#d.clock();
    const closed = await this.#d.store.closeReports(id, status, by, at);
    if (closed === 0) throw new ChatError('REPORT_CLOSED');
    const { key, ...rest } = report;
    return { report: { ...rest, conversation: viewOf(key, report.reporter), status, resolvedBy: by, resolvedAt: at }, closed };
  }
}

function placeOf(key: ConversationKey): MessagePlace {
  const parsed = parseKey(key);
  return parsed.type === 'group' ? { groupId: parsed.groupId } : { users: parsed.users };
}

/** The `data` of a `message.reported` event: the report and the message as stored. */
function reportedPayload(r: ReportRecord, m: Message) {
  return {
    conversation: r.key,
    report: { id: r.id, reporter: r.reporter, reason: r.reason, ...(r.note !== undefined && { note: r.note }), time: r.createdAt },
    message: m,
  };
}
