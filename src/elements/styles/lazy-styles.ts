import type { CSSResult } from 'lit';

/**
 * Gives a host's shadow root the styles of a piece loaded after the host (the emoji picker), once:
 * before the host's own sheets, where they were when the host's styles listed them, so that the
 * host's rules still win over the piece's.
 */
export function adoptLazyStyles(root: HTMLElement | DocumentFragment, styles: CSSResult): void {
  if (!(root instanceof ShadowRoot)) return;
  const sheet = styles.styleSheet;
  if (sheet) {
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [sheet, ...root.adoptedStyleSheets];
  } else if (![...root.querySelectorAll(':scope > style')].some((s) => s.textContent === styles.cssText)) {
    // No constructable sheets: a style element first in the shadow root, as Lit's own fallback does.
    const style = document.createElement('style');
    style.textContent = styles.cssText;
    root.prepend(style);
  }
}
