/**
 * Which language a page asks the elements to speak, read from the DOM: the nearest `lang`
 * attribute (crossing shadow roots), else the page's, else the browser's. English and Simplified
 * Chinese have catalogues; any other language gets the English strings, but dates and numbers
 * still follow it (see `formatTagOf`).
 */
export type Locale = 'en' | 'zh-CN';

/** The nearest non-empty `lang` attribute above (or on) `el`, crossing shadow roots; undefined when none. */
export function langOf(el: Element): string | undefined {
  let node: Element | null = el;
  while (node) {
    // `lang=""` means "unknown": keep looking further up.
    const found: Element | null = node.closest('[lang]:not([lang=""])');
    if (found) return found.getAttribute('lang')!.trim() || undefined;
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return undefined;
}

/** The browser's preferred language (`navigator.language`), `en` where there is none. */
export function browserLang(): string {
  return globalThis.navigator?.language || 'en';
}

/** The catalogue an element uses: of its nearest `lang`, else of the browser's language. */
export function resolveLocale(el: Element): Locale {
  return toLocale(langOf(el) ?? browserLang());
}

/** Any Chinese tag maps to Simplified Chinese (our one Chinese catalogue); anything else to English. */
export function toLocale(tag: string): Locale {
  return /^zh\b/i.test(tag.trim()) ? 'zh-CN' : 'en';
}

/**
 * The locale dates, times and numbers are formatted in for a requested language tag. It is the
 * tag itself (`en-GB` gets a 24-hour clock, `fr` French month names beside English strings);
 * a bare language the browser knows with a region is narrowed to it (`en` on a page read with
 * `en-GB` preferred gives `en-GB`); Chinese is `zh-CN`, matching the Simplified catalogue;
 * a tag `Intl` rejects falls back to the catalogue's own locale.
 */
export function formatTagOf(tag: string, preferred: readonly string[] = globalThis.navigator?.languages ?? []): string {
  const locale = toLocale(tag);
  if (locale === 'zh-CN') return 'zh-CN';
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(tag.trim())[0] ?? locale;
  } catch {
    return locale;
  }
  if (canonical.includes('-')) return canonical;
  const narrower = preferred.find((p) => p.toLowerCase().startsWith(`${canonical.toLowerCase()}-`));
  return narrower ?? canonical;
}
