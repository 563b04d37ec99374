/**
 * Message reports (SPEC §11): a user tells the site's moderators about a message they can see.
 * Plain constants, no schema: the elements' report dialog reads them without loading valibot
 * (the frame's schema is in `./client-frames.ts`).
 */

/** Why a message is reported; `other` asks for the note. */
export const REPORT_REASONS = ['spam', 'abuse', 'harassment', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** Characters of a report's optional note. */
export const REPORT_NOTE_CHARS = 500;

/** Where a report stands: open until an admin resolves (acted on) or dismisses (no action) it. */
export type ReportStatus = 'open' | 'resolved' | 'dismissed';
