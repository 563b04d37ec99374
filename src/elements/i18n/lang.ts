/**
 * Which language tag a page asks an element to speak, read from the DOM, without the catalogues
 * (`./locale.ts` picks the catalogue of a tag): the launcher's first paint needs only this.
 */

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
