import { msg } from '@lit/localize';
import type { ErrorBody } from '../../protocol/error-codes.js';
import type { ReportReason } from '../../protocol/reports.js';
import { errorText } from './errors.js';

/** Why a report was refused, for the codes reports get (others: the message sentences). */
const REFUSALS: Partial<Record<string, () => string>> = {
  REPORT_OWN_MESSAGE: () => msg('You cannot report your own message.', { id: 'report.error.REPORT_OWN_MESSAGE' }),
  REPORT_UNKNOWN: () => msg('There is no such report.', { id: 'report.error.REPORT_UNKNOWN' }),
  REPORT_CLOSED: () => msg('This report was already resolved or dismissed.', { id: 'report.error.REPORT_CLOSED' }),
  REPORTS_RATE_LIMITED: () => msg('You have sent as many reports as allowed for now. Try again later.', { id: 'report.error.REPORTS_RATE_LIMITED' }),
  MESSAGE_RECALLED: () => msg('The message was recalled.', { id: 'report.error.MESSAGE_RECALLED' }),
  MESSAGE_UNKNOWN: () => msg('This message is no longer available to you.', { id: 'report.error.MESSAGE_UNKNOWN' }),
  TIMEOUT: () => msg('No connection. Try again when you are back online.', { id: 'report.error.TIMEOUT' }),
};

/** The sentence for a refused report. */
export function reportErrorText(error: Pick<ErrorBody, 'name'> | undefined): string {
  const own = error ? REFUSALS[error.name] : undefined;
  return own ? own() : errorText(error);
}

/** Labels of the thread's "Report" item and its dialog, in the active locale (read when used). */
const strings = {
  get report() { return msg('Report', { id: 'report.item' }); },
  get title() { return msg('Report message', { id: 'report.title' }); },
  get why() { return msg('Why are you reporting this message?', { id: 'report.why' }); },
  get note() { return msg('Add a note (optional)', { id: 'report.note' }); },
  get send() { return msg('Send report', { id: 'report.send' }); },
  get sending() { return msg('Sending…', { id: 'report.sending' }); },
  get cancel() { return msg('Cancel', { id: 'report.cancel' }); },
  get close() { return msg('Close', { id: 'report.close' }); },
  get done() { return msg('Reported. Thanks', { id: 'report.done' }); },
  reason(r: ReportReason): string {
    switch (r) {
      case 'spam': return msg('Spam', { id: 'report.reason.spam' });
      case 'abuse': return msg('Abuse', { id: 'report.reason.abuse' });
      case 'harassment': return msg('Harassment', { id: 'report.reason.harassment' });
      case 'other': return msg('Something else', { id: 'report.reason.other' });
    }
  },
};

export type ReportStrings = typeof strings;

export function reportStrings(): ReportStrings {
  return strings;
}
