import { msg, str } from '@lit/localize';
import { formatLocale } from './localize.js';

/**
 * Labels of presence (SPEC §13: online / last seen), in the active locale. The own visibility
 * checkbox's and presence errors' are in `./presence-toggle.ts`: only the people views (loaded on
 * first use) show them, so in the script tag they come with those views.
 */
const presence = {
  get online() { return msg('online', { id: 'presence.online' }); },
  get justNow() { return msg('last seen just now', { id: 'presence.justNow' }); },
  /** `when`: a relative time of the formatting locale ("5 minutes ago") or a date. */
  lastSeen: (when: string) => msg(str`last seen ${when}`, { id: 'presence.lastSeen' }),
};

export function presenceStrings(): typeof presence {
  return presence;
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
