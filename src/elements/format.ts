/**
 * Small display helpers shared by the elements. Dates, times and numbers are formatted through
 * `Intl` in the formatting locale (`formatLocale()`: the page's or the browser's language, or the
 * one `setLocale()` set), so they follow the user's conventions and change with the locale.
 */
import { browserLang, formatTagOf, langOf } from './i18n/locale.js';
import { formatLocale } from './i18n/localize.js';
import { uiStrings } from './i18n/ui.js';

const formats = new Map<string, unknown>();

/** The `Intl` formatter `key` names, made once (building one costs more than using it). */
function cached<T>(key: string, make: () => T): T {
  if (!formats.has(key)) formats.set(key, make());
  return formats.get(key) as T;
}

/** A cached `Intl.DateTimeFormat` of the formatting locale. */
function dateTimeFormat(name: string, options: Intl.DateTimeFormatOptions, locale = formatLocale()): Intl.DateTimeFormat {
  return cached(`${locale}/${name}`, () => new Intl.DateTimeFormat(locale, options));
}

const TIME: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
const WEEKDAY: Intl.DateTimeFormatOptions = { weekday: 'short' };
const DATE: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric' };
const LONG_DATE: Intl.DateTimeFormatOptions = { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' };
const DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: 'full', timeStyle: 'short' };

let warming = false;

/**
 * Builds the formatters a thread's first render uses (`<chat-thread>` calls it when the page is
 * idle after the tag is defined), in the locale the page's elements will most likely format in
 * (the page's `lang`, else the browser's language).
 * The first `Intl` object a page makes costs 40–80 ms in Chromium (ICU loads its data), the
 * first of each other kind a few ms, later ones a fraction of a millisecond: made ahead, that
 * cost stays out of the first render. Once per page.
 */
export function warmFormats(): void {
  if (warming) return;
  warming = true;
  const locale = formatTagOf(langOf(document.documentElement) ?? browserLang());
  dateTimeFormat('time', TIME, locale);
  dateTimeFormat('long-date', LONG_DATE, locale);
  // Numbers, plurals, name lists and day headings ("Read by 2 of 5", upload percentages, "Bob and Carol joined").
  new Intl.NumberFormat(locale).format(0);
  new Intl.PluralRules(locale).select(0);
  new Intl.ListFormat(locale, { type: 'conjunction' }).format([]);
  formatRelativeDay(0, locale);
}

function startOfDay(time: number): number {
  const d = new Date(time);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Clock time of a message, e.g. `14:05` or `2:05 PM`. */
export function formatTime(time: number): string {
  return dateTimeFormat('time', TIME).format(time);
}

/** Compact time for a list: clock time today, weekday this week, else the date. */
export function formatShortTime(time: number, now = Date.now()): string {
  const days = Math.round((startOfDay(now) - startOfDay(time)) / 86_400_000);
  if (days <= 0) return dateTimeFormat('time', TIME).format(time);
  if (days < 7) return dateTimeFormat('weekday', WEEKDAY).format(time);
  return dateTimeFormat('date', DATE).format(time);
}

/**
 * When something ends: `18:30` today, else `6 Dec, 18:30` (in the formatting locale's words and
 * order). The composer's mute notice, a refused send's, the group panel's and the group's
 * "muted until" notifications all say it so.
 */
export function formatUntil(time: number): string {
  return new Date().toDateString() === new Date(time).toDateString() ? formatTime(time) : dateTimeFormat('day-time', { ...DATE, ...TIME }).format(time);
}

/** Date and time in full, for a tooltip: `Monday, 3 March 2025 at 14:05`. */
export function formatDateTime(time: number): string {
  return dateTimeFormat('date-time', DATE_TIME).format(time);
}

/**
 * A day counted from today in words of the formatting locale (`Intl.RelativeTimeFormat`,
 * `numeric: 'auto'`), capitalised as a heading: `Today`, `Yesterday`, `Hier`, `Вчера`, `أمس`, `昨日`.
 */
export function formatRelativeDay(daysAgo: number, locale = formatLocale()): string {
  const text = cached(`${locale}/relative`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })).format(-daysAgo, 'day');
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/** Heading of a day in a thread: Today, Yesterday (in the locale's own words), else the full date. */
export function formatDay(time: number, now = Date.now()): string {
  const days = Math.round((startOfDay(now) - startOfDay(time)) / 86_400_000);
  if (days === 0 || days === 1) return formatRelativeDay(days);
  return dateTimeFormat('long-date', LONG_DATE).format(time);
}

/** Whether two times fall on the same local day. */
export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}

/**
 * Up to two initials for a placeholder avatar, from letters only (`\p{L}`): the first letter of
 * the first two words ("Ada Lovelace" → "AL", "<Script> Bob" → "SB", "<S" → "S"). A name in
 * a script without case or word spaces (Chinese, Japanese, Korean) gives its first character
 * ("张伟" → "张"). No letter at all: "?".
 */
export function initials(name: string): string {
  const words = name
    .split(/[\s._@-]+/u)
    .map((w) => w.match(/\p{L}/gu)?.join('') ?? '')
    .filter(Boolean);
  const first = words[0]?.match(/\p{L}/u)?.[0];
  if (!first) return '?';
  if (CJK.test(first)) return first;
  const second = words.length > 1 ? words[1]!.match(/\p{L}/u)![0] : '';
  return (first + (CJK.test(second) ? '' : second)).toUpperCase();
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** A stable hue for a user id, so placeholder avatars tell people apart. */
export function hueOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % 360;
}

/** Length of a recording, `m:ss` (or `h:mm:ss`). */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const SIZE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/**
 * A file size for people, in the locale's digits and unit names: `512 bytes`, `1.5 MB`, `1,5 Mo` (default: the
 * formatting locale). Decimal units, as file managers show sizes; `step` 1024 gives the binary units the upload
 * limits are set in (28 MB = 28 × 1024²). Bytes are spelled out: CLDR's short English byte is "byte", so a small
 * file read "18 byte"; the long form is plural-aware ("18 bytes", "1 byte", "18 octets").
 */
export function formatFileSize(bytes: number, locale = formatLocale(), step = 1000): string {
  let value = Math.max(0, Number.isFinite(bytes) ? bytes : 0);
  let unit = 0;
  while (value >= step && unit < SIZE_UNITS.length - 1) {
    value /= step;
    unit++;
  }
  const format = cached(`${locale}/${SIZE_UNITS[unit]}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit: SIZE_UNITS[unit], unitDisplay: unit ? 'short' : 'long', maximumFractionDigits: unit ? 1 : 0 }));
  return format.format(value);
}

/** Latitude and longitude for people, e.g. `48.85840° N, 2.29450° E`, `北纬 48.85840°，东经 2.29450°`. */
export function formatCoordinates(latitude: number, longitude: number): string {
  return uiStrings().coordinates(latitude, longitude);
}

