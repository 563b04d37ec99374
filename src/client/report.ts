import type { ConversationId } from '../protocol/ids.js';
import { REPORT_NOTE_CHARS, type ReportReason } from '../protocol/reports.js';
import type { Requests } from './requests.js';

/**
 * Reports a message to the site's moderators (SPEC §11): `message.report`, answered `ok` (also
 * for a repeat) or an error. Never queued: a report made offline fails at once (TIMEOUT) and the
 * person may send it again. Imported on first use (the thread's report dialog), so the script
 * tag's first paint does not carry it.
 */
export async function sendReport(requests: Requests, conversationId: ConversationId, messageId: string, reason: ReportReason, note?: string): Promise<void> {
  const words = note?.trim().slice(0, REPORT_NOTE_CHARS);
  await requests.request({ type: 'message.report', conversationId, messageId, reason, ...(words && { note: words }) });
}
