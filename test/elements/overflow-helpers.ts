// Sideways overflow at narrow widths, read from real layout (narrow.test.ts, mute-narrow.test.ts), and
// whether a field's placeholder fits its line (Chromium cuts a text area's placeholder without an ellipsis).

/** Every element in the shadow roots under `root`, recursively. */
function shadowElements(root: Element): Element[] {
  const inside = root.shadowRoot ? [...root.shadowRoot.querySelectorAll('*')] : [];
  const light = [...root.querySelectorAll('*')];
  return [...inside, ...[...inside, ...light].flatMap((el) => (el.shadowRoot ? shadowElements(el) : []))];
}

/** The nearest ancestor (across shadow roots) that clips its content sideways. */
function clipper(el: Element): Element | null {
  for (let node = el.parentElement ?? ((el.getRootNode() as ShadowRoot).host ?? null); node; node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host ?? null)) {
    if (getComputedStyle(node).overflowX !== 'visible') return node;
  }
  return null;
}

/** What overflows sideways: the page, a scroll container, or a visible (unclipped) box past 0…`width` (the viewport). */
export function overflowPast(root: Element, width: number): string[] {
  const found: string[] = [];
  const page = document.scrollingElement!;
  if (page.scrollWidth > page.clientWidth) found.push(`page scrolls sideways: ${page.scrollWidth} > ${page.clientWidth}`);
  for (const el of [root, ...shadowElements(root)]) {
    const s = getComputedStyle(el);
    const name = `${(el.getRootNode() as ShadowRoot).host?.localName ?? ''} ${el.localName}[${el.getAttribute('part') ?? el.className}]`;
    if (['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1) found.push(`${name} scrolls sideways: ${el.scrollWidth} > ${el.clientWidth}`);
    const r = el.getBoundingClientRect();
    const visible = r.width > 1 && r.height > 1 && s.visibility !== 'hidden';
    const past = (box: DOMRect) => box.left < -1 || box.right > width + 1;
    const clip = clipper(el);
    if (visible && past(r) && (!clip || past(clip.getBoundingClientRect()))) found.push(`${name} spans ${Math.round(r.left)}…${Math.round(r.right)}`);
  }
  return found;
}

/**
 * How wide `field`'s placeholder is drawn (its ink, what a cut would hide) and how much room its
 * line has (the box less padding and borders), in px.
 */
export function placeholderInk(field: HTMLInputElement | HTMLTextAreaElement): { ink: number; room: number } {
  const style = getComputedStyle(field);
  const context = document.createElement('canvas').getContext('2d')!;
  context.font = style.font;
  const metrics = context.measureText(field.placeholder);
  const chrome = ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth'] as const;
  return {
    ink: metrics.actualBoundingBoxLeft + metrics.actualBoundingBoxRight,
    room: chrome.reduce((room, side) => room - parseFloat(style[side]), field.getBoundingClientRect().width),
  };
}
