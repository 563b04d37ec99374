import { sourceLocale, targetLocales } from './locale-codes.js';
import { browserLang, langOf } from './lang.js';

export { browserLang, langOf };

/**
 * Which language a page asks the elements to speak, read from the DOM: the nearest `lang`
 * attribute (crossing shadow roots), else the page's, else the browser's. Each `Locale` has a
 * catalogue; a language without one gets the English strings, but dates and numbers still
 * follow it (see `formatTagOf`).
 */
export type Locale = typeof sourceLocale | (typeof targetLocales)[number];

const CATALOGUES: readonly Locale[] = [sourceLocale, ...targetLocales];

/** The catalogue an element uses: of its nearest `lang`, else of the browser's language. */
export function resolveLocale(el: Element): Locale {
  return toLocale(langOf(el) ?? browserLang());
}

/** A language tag with its likely script and region filled in (`zh-HK` → `zh-Hant-HK`); undefined when `Intl` rejects it. */
function maximized(tag: string): Intl.Locale | undefined {
  try {
    return new Intl.Locale(tag.trim()).maximize();
  } catch {
    return undefined;
  }
}

/**
 * The catalogue of a language tag: by its language, whatever the region (`es-MX` → `es`,
 * `fr-CA` → `fr`, `pt` and `pt-PT` → `pt-BR`); Chinese by script (`zh-TW`, `zh-HK`, `zh-MO`,
 * `zh-Hant` → `zh-TW`; `zh`, `zh-SG`, `zh-Hans-HK` → `zh-CN`); any other language, or a tag
 * that is not one, → `en`.
 */
export function toLocale(tag: string): Locale {
  const locale = maximized(tag);
  if (locale?.language === 'zh') return locale.script === 'Hant' ? 'zh-TW' : 'zh-CN';
  return CATALOGUES.find((c) => c.split('-')[0] === locale?.language) ?? 'en';
}

/**
 * The locale dates, times and numbers are formatted in for a requested language tag. It is the
 * tag itself when it names a region or script (`en-GB` gets a 24-hour clock, `es-MX` Mexican
 * conventions beside the Spanish strings, `it` Italian month names beside English strings). A
 * bare language is narrowed to the region the browser prefers for it, when that maps to the
 * same catalogue (`en` on a page read with `en-GB` preferred gives `en-GB`), else `Intl` takes
 * its likely region (`pt` formats as in Brazil, `zh` as in mainland China, matching the
 * catalogues). A tag `Intl` rejects falls back to the catalogue's locale.
 */
export function formatTagOf(tag: string, preferred: readonly string[] = globalThis.navigator?.languages ?? []): string {
  const locale = toLocale(tag);
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(tag.trim())[0] ?? locale;
  } catch {
    return locale;
  }
  if (canonical.includes('-')) return canonical;
  return preferred.find((p) => p.toLowerCase().startsWith(`${canonical.toLowerCase()}-`) && toLocale(p) === locale) ?? canonical;
}
