/**
 * The language the elements speak: the nearest `lang` attribute (crossing shadow roots), else
 * the page's, else the browser's. English and Simplified Chinese for now; strings live in the
 * catalogues beside this file until the elements move to @lit/localize.
 */
export type Locale = 'en' | 'zh-CN';

export function resolveLocale(el: Element): Locale {
  let node: Element | null = el;
  while (node) {
    const found: Element | null = node.closest('[lang]');
    if (found) return toLocale(found.getAttribute('lang') ?? '');
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return toLocale(globalThis.navigator?.language ?? 'en');
}

/** Any Chinese tag maps to Simplified Chinese (our one Chinese catalogue); anything else to English. */
export function toLocale(tag: string): Locale {
  return /^zh\b/i.test(tag.trim()) ? 'zh-CN' : 'en';
}
