/**
 * In-page measurements shared by every renderer's page (bundled into each): when the newest
 * message is on screen, how many elements exist (through open shadow roots), and frame times
 * while scrolling the message list from top to bottom.
 */

/** The deepest element at (x, y), descending into open shadow roots. */
function deepHit(x: number, y: number): Element | null {
  let root: Document | ShadowRoot = document;
  let hit: Element | null = null;
  for (;;) {
    const next: Element | null = root.elementFromPoint(x, y);
    if (!next || next === hit) return hit;
    hit = next;
    if (!next.shadowRoot) return hit;
    root = next.shadowRoot;
  }
}

/** Whether an element showing `text` (and little else) is painted somewhere in the viewport. */
export function textOnScreen(text: string): boolean {
  const w = innerWidth;
  const h = innerHeight;
  for (let y = h - 4; y > 0; y -= 6) {
    for (const x of [w * 0.1, w * 0.3, w * 0.5, w * 0.7, w * 0.9]) {
      const el = deepHit(x, y);
      const content = el?.textContent ?? '';
      if (content.includes(text) && content.length < text.length + 200) return true;
    }
  }
  return false;
}

/** Resolves with ms from `t0` to the first frame that shows `text`, or -1 after `capMs`. */
export function whenOnScreen(text: string, t0: number, capMs: number): Promise<number> {
  return new Promise((resolve) => {
    const check = (now: number) => {
      if (textOnScreen(text)) return resolve(performance.now() - t0);
      if (now - t0 > capMs) return resolve(-1);
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

function* allElements(root: Document | ShadowRoot | Element): Generator<Element> {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n as Element;
    yield el;
    if (el.shadowRoot) yield* allElements(el.shadowRoot);
  }
}

/** Elements in the document, counting those inside open shadow roots. */
export function countElements(): number {
  let n = 0;
  for (const _ of allElements(document)) n++;
  return n;
}

/** Elements matching `selector`, inside open shadow roots too. */
export function countMatching(selector: string): number {
  let n = 0;
  for (const el of allElements(document)) if (el.matches(selector)) n++;
  return n;
}

/** The element that scrolls the messages: the tallest scrollable one. */
export function findScroller(): HTMLElement | undefined {
  let best: HTMLElement | undefined;
  for (const el of allElements(document)) {
    if (!(el instanceof HTMLElement) || el.scrollHeight <= el.clientHeight + 20) continue;
    const overflow = getComputedStyle(el).overflowY;
    if (overflow !== 'auto' && overflow !== 'scroll') continue;
    if (!best || el.scrollHeight > best.scrollHeight) best = el;
  }
  return best;
}

const frame = () => new Promise<number>((r) => requestAnimationFrame(r));

export interface ScrollResult {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  /** Share of frames that missed a 60 Hz vsync (> 20 ms: deltas of a smooth run jitter around 16.7). */
  slow: number;
  scrollHeight: number;
  /** The scroll was cut short by the time cap. */
  capped: boolean;
}

/**
 * Jumps to the top, lets the list settle (it may load older messages there), then scrolls to the
 * bottom in `steps` equal frames, recording the time between animation frames.
 */
export async function scrollFrames(steps: number, capMs: number): Promise<ScrollResult | undefined> {
  const el = findScroller();
  if (!el) return undefined;
  el.scrollTop = 0;
  for (let i = 0; i < 30; i++) await frame();
  el.scrollTop = 0;
  await frame();
  const deltas: number[] = [];
  const start = performance.now();
  let last = await frame();
  let capped = false;
  for (let i = 1; i <= steps; i++) {
    el.scrollTop = (i / steps) * (el.scrollHeight - el.clientHeight);
    const now = await frame();
    deltas.push(now - last);
    last = now;
    if (now - start > capMs) {
      capped = i < steps;
      break;
    }
  }
  deltas.sort((a, b) => a - b);
  const pick = (p: number) => deltas[Math.min(deltas.length - 1, Math.ceil((p / 100) * deltas.length) - 1)]!;
  return {
    frames: deltas.length,
    p50: pick(50),
    p95: pick(95),
    max: deltas.at(-1)!,
    slow: deltas.filter((d) => d > 20).length / deltas.length,
    scrollHeight: el.scrollHeight,
    capped,
  };
}

export interface Bench {
  /** Gets the data ready (not timed). */
  prepare(): Promise<void>;
  /** Hands the messages to the renderer; resolves with ms until the newest is on screen (-1: cap). */
  show(capMs: number): Promise<number>;
  /** Before the scroll: bring the whole history into the list if it pages (ms it took). */
  loadAll?(capMs: number): Promise<number>;
}

declare global {
  interface Window {
    bench: Bench & { countElements: typeof countElements; countMatching: typeof countMatching; scrollFrames: typeof scrollFrames };
  }
}

export function install(bench: Bench): void {
  window.bench = { ...bench, countElements, countMatching, scrollFrames };
}

export function params(): URLSearchParams {
  return new URLSearchParams(location.search);
}
