import { msg, str } from '@lit/localize';
import type { ErrorName } from '../../protocol/error-codes.js';
import { errorText } from './errors.js';
import { formatLocale } from './localize.js';

/** Labels of presence (SPEC §13: online / last seen), in the active locale. */
const presence = {
  get online() { return msg('online', { id: 'presence.online' }); },
  get justNow() { return msg('last seen just now', { id: 'presence.justNow' }); },
  /** `when`: a relative time of the formatting locale ("5 minutes ago") or a date. */
  lastSeen: (when: string) => msg(str`last seen ${when}`, { id: 'presence.lastSeen' }),
  get show() { return msg('Show when I am online', { id: 'presence.show' }); },
  get hiddenNote() { return msg('Hidden: others see you offline, and you see no one’s last seen.', { id: 'presence.hiddenNote' }); },
};

/** Presence errors, in words a person understands. */
const PRESENCE_ERRORS: Partial<Record<ErrorName, () => string>> = {
  PRESENCE_FORBIDDEN: () => msg('You can only see whether your contacts are online.', { id: 'presence.error.PRESENCE_FORBIDDEN' }),
  PRESENCE_DISABLED: () => msg('This site does not show who is online.', { id: 'presence.error.PRESENCE_DISABLED' }),
};

export function presenceStrings(): typeof presence {
  return presence;
}

/** The sentence for a failed presence action. */
export function presenceErrorText(error: { name: ErrorName } | undefined): string {
  const sentence = error ? PRESENCE_ERRORS[error.name] : undefined;
  return sentence ? sentence() : errorText(error);
}

const relative = new Map<string, Intl.RelativeTimeFormat>();

/**
 * "online", "last seen 5 minutes ago" (`Intl.RelativeTimeFormat` of the formatting locale, up to
 * a week, then the date), or '' for someone offline without a last seen (hidden, or never seen).
 */
export function presenceText(state: { online: boolean; lastSeen?: number } | undefined, now = Date.now()): string {
  if (!state) return '';
  const t = presence;
  if (state.online) return t.online;
  if (state.lastSeen === undefined) return '';
  const locale = formatLocale();
  const seconds = Math.max(0, (now - state.lastSeen) / 1000);
  if (seconds < 60) return t.justNow;
  let format = relative.get(locale);
  if (!format) relative.set(locale, (format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })));
  const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
    seconds < 3600 ? [Math.floor(seconds / 60), 'minute'] : seconds < 86_400 ? [Math.floor(seconds / 3600), 'hour'] : [Math.floor(seconds / 86_400), 'day'];
  if (unit === 'day' && value >= 7) return t.lastSeen(new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(state.lastSeen));
  return t.lastSeen(format.format(-value, unit));
}
