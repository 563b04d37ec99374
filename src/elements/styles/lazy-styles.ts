import type { CSSResult } from 'lit';

/**
 * Gives a host's shadow root the styles of a piece loaded after the host (the emoji picker, the
 * report dialog), once, where they were when the host's styles listed them: before the host's own
 * sheets (`start`: the host's rules win over the piece's) or after them (`end`: the piece's win).
 */
export function adoptLazyStyles(root: HTMLElement | DocumentFragment, styles: CSSResult, at: 'start' | 'end'): void {
  if (!(root instanceof ShadowRoot)) return;
  const sheet = styles.styleSheet;
  if (sheet) {
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = at === 'start' ? [sheet, ...root.adoptedStyleSheets] : [...root.adoptedStyleSheets, sheet];
  } else if (![...root.querySelectorAll(':scope > style')].some((s) => s.textContent === styles.cssText)) {
    // No constructable sheets: a style element of the shadow root, as Lit's own fallback does.
    const style = document.createElement('style');
    style.textContent = styles.cssText;
    if (at === 'start') root.prepend(style);
    else root.append(style);
  }
}
