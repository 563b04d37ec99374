import { msg } from '@lit/localize';
import type { ErrorBody } from '../../protocol/error-codes.js';
import type { ReportReason } from '../../protocol/reports.js';
import { changeErrorText } from './errors.js';
import { panelLabels } from './panel-labels.js';

/** Why a report was refused, for the codes reports get (others: the message sentences). */
const REFUSALS: Partial<Record<string, () => string>> = {
  REPORT_OWN_MESSAGE: () => msg('You cannot report your own message.', { id: 'report.error.REPORT_OWN_MESSAGE' }),
  REPORT_UNKNOWN: () => msg('There is no such report.', { id: 'report.error.REPORT_UNKNOWN' }),
  REPORT_CLOSED: () => msg('This report was already resolved or dismissed.', { id: 'report.error.REPORT_CLOSED' }),
  REPORTS_RATE_LIMITED: () => msg('You have sent as many reports as allowed for now. Try again later.', { id: 'report.error.REPORTS_RATE_LIMITED' }),
  TIMEOUT: () => msg('No connection. Try again when you are back online.', { id: 'report.error.TIMEOUT' }),
};

/** The sentence for a refused report: its own for report codes, else a change's (MESSAGE_RECALLED …). */
export function reportErrorText(error: Pick<ErrorBody, 'name'> | undefined): string {
  const own = error ? REFUSALS[error.name] : undefined;
  return own ? own() : changeErrorText(error);
}

/** Labels of the thread's "Report" item and its dialog, in the active locale (read when used; Cancel and Close are `uiStrings`'). */
const strings = {
  get report() { return panelLabels.report; },
  get title() { return msg('Report message', { id: 'report.title' }); },
  get why() { return msg('Why are you reporting this message?', { id: 'report.why' }); },
  get note() { return msg('Add a note (optional)', { id: 'report.note' }); },
  get send() { return msg('Send report', { id: 'report.send' }); },
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
