/**
 * In-page measurements shared by every renderer's page (bundled into each): when the newest
 * message is on screen, how many elements exist (through open shadow roots), and frame times
 * while scrolling the message list from the newest message to the oldest.
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
  /** Frames over 50 ms. */
  long: number;
  scrollHeight: number;
  /** The scroll was cut short by the time cap. */
  capped: boolean;
  /** Steps after which the list did not stand where it was sent (more than half a view away). */
  misses: number;
  /** The largest distance (px) between where a step sent the list and where it stood a frame later. */
  worstMiss: number;
  /** Whether the oldest message was on screen once the scroll reached the top. */
  oldestShown: boolean;
}

/**
 * A real scroll through the whole history, newest to oldest: from the bottom, `steps` equal
 * moves up to the top, one per animation frame, recording the time between frames. A frame
 * after each move the list must stand where it was sent (within half a view: a list may hold
 * the row in view still while rows above it are measured, but never undo the move); at the top,
 * the oldest message (`oldest`) must be on screen.
 */
export async function scrollFrames(steps: number, capMs: number, oldest: string): Promise<ScrollResult | undefined> {
  const el = findScroller();
  if (!el) return undefined;
  el.scrollTop = el.scrollHeight;
  for (let i = 0; i < 30; i++) await frame();
  el.scrollTop = el.scrollHeight;
  await frame();
  const from = el.scrollTop;
  const tolerance = el.clientHeight / 2;
  const deltas: number[] = [];
  let misses = 0;
  let worstMiss = 0;
  const start = performance.now();
  let last = await frame();
  let capped = false;
  for (let i = 1; i <= steps; i++) {
    const target = Math.round(from * (1 - i / steps));
    el.scrollTop = target;
    const now = await frame();
    deltas.push(now - last);
    last = now;
    const miss = Math.abs(el.scrollTop - target);
    worstMiss = Math.max(worstMiss, miss);
    if (miss > tolerance) misses++;
    if (now - start > capMs) {
      capped = i < steps;
      break;
    }
  }
  // The top: whatever the list still measures there, the oldest message shows within a few frames.
  let oldestShown = false;
  for (let i = 0; i < 30 && !capped && !oldestShown; i++) {
    await frame();
    oldestShown = el.scrollTop <= tolerance && textOnScreen(oldest);
  }
  deltas.sort((a, b) => a - b);
  const pick = (p: number) => deltas[Math.min(deltas.length - 1, Math.ceil((p / 100) * deltas.length) - 1)]!;
  return {
    frames: deltas.length,
    p50: pick(50),
    p95: pick(95),
    max: deltas.at(-1)!,
    slow: deltas.filter((d) => d > 20).length / deltas.length,
    long: deltas.filter((d) => d > 50).length,
    scrollHeight: el.scrollHeight,
    capped,
    misses,
    worstMiss,
    oldestShown,
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
