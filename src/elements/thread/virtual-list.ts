/**
 * Windowing for `<chat-thread>`: of N rows only those near the viewport exist in the DOM, between
 * two spacers that stand in for the rest.
 *
 * Why not @lit-labs/virtualizer: its flow layout caches measured sizes by index, so prepending
 * older messages shifts every cached size onto the wrong row and the view jumps; it has no end
 * anchoring (only a one-off `pin`, released on the first scroll, that does not follow appends),
 * and it owns the scroll position asynchronously, which fights the corrections a chat needs.
 * Here heights are cached by message key, and the scroll position is kept by an anchor: a row
 * on screen and its distance from the viewport top, restored after every change above it
 * (older messages loaded, a row measured or resized). At the bottom the list is pinned instead.
 *
 * The anchor follows the person, never the other way round: it is read again from where the
 * view stands at every scroll and before every render (when no rendered row is on screen, e.g.
 * after a wheel fling, Home or a scrollbar drag past the rendered rows, it is the row the
 * estimated offsets put there), and a correction moves the view only by what changed above the
 * anchor (`scrollTop += delta`, skipped when nothing did), so it never re-pins a stale position
 * and does not stop a scroll under way. The browser's own `overflow-anchor` is off on the log.
 */

/** Distance of a row's top from the scroller's viewport top (px). */
export interface Anchor {
  key: string;
  delta: number;
}

export interface VirtualListOptions {
  /** The scrolling element, the element holding the rows, and the two spacers (all in the host's shadow root). */
  elements(): { scroller: HTMLElement; rows: HTMLElement; before: HTMLElement; after: HTMLElement } | undefined;
  /** A row wants rendering (the window moved) or re-measuring. */
  requestUpdate(): void;
  /** The list moved the scroll position itself (not the user). */
  onProgrammaticScroll(top: number): void;
  /** Px rendered beyond each edge of the viewport. */
  overscan?: number;
  /** Most rows ever rendered at once (keeps the DOM bounded even for tiny rows). */
  maxRows?: number;
  /** Fewest rows rendered, whatever their height. */
  minRows?: number;
}

const ROW_SELECTOR = ':scope > [data-row]';

export class VirtualList {
  /** Index of the first rendered row and one past the last. */
  start = 0;
  end = 0;
  /** At the bottom: new rows and resizes keep the newest row in view. */
  pinned = true;

  readonly #options: VirtualListOptions;
  readonly #overscan: number;
  readonly #maxRows: number;
  readonly #minRows: number;
  #keys: readonly string[] = [];
  #index = new Map<string, number>();
  readonly #heights = new Map<string, number>();
  #measuredSum = 0;
  #offsets = new Float64Array(1);
  /** Where to put a row after the next render (`scrollToKey`); wins over the anchor. */
  #target: Anchor | undefined;
  #anchor: Anchor | undefined;
  /** The scroller's scrollTop when `#anchor` was read: a different one means the person scrolled since. */
  #anchorTop = Number.NaN;
  /** The rows changed since the last settle (older ones loaded above): the anchor holds, wherever the view is. */
  #rowsChanged = false;
  #fixedEstimate = 64;
  /** This render holds the view's rows only; the overscan follows on the next frame. */
  #deferred = false;
  /** Top of the rows element in scroll coordinates, as last seen. */
  #rowsTop = 0;
  #resize: ResizeObserver | undefined;
  readonly #observed = new Set<Element>();
  /** Re-renders asked by `settle` in a row without a scroll or a data change: a guard against loops. */
  #chained = 0;

  constructor(options: VirtualListOptions) {
    this.#options = options;
    this.#overscan = options.overscan ?? 360;
    this.#maxRows = options.maxRows ?? 100;
    this.#minRows = Math.min(this.#maxRows, options.minRows ?? 16);
  }

  get keys(): readonly string[] {
    return this.#keys;
  }

  indexOf(key: string): number {
    return this.#index.get(key) ?? -1;
  }

  connect(): void {
    this.#resize ??= new ResizeObserver(() => this.settle(true));
  }

  disconnect(): void {
    this.#resize?.disconnect();
    this.#resize = undefined;
    this.#observed.clear();
  }

  /** Forgets positions (another conversation is shown); heights stay cached by key. */
  reset(): void {
    this.pinned = true;
    this.#target = undefined;
    this.#anchor = undefined;
    this.#anchorTop = Number.NaN;
  }

  /**
   * Before a render: takes the rows' keys (oldest first) and decides which to render. The DOM is
   * still the previous render's, so the anchor is read from it now.
   */
  prepare(keys: readonly string[]): void {
    if (!this.pinned && !this.#target) this.#noteAnchor();
    if (keys !== this.#keys) {
      // The old first row may gain or lose its day heading and name: measure it again.
      const oldFirst = this.#keys[0];
      if (oldFirst !== undefined && keys[0] !== oldFirst) this.#forget(oldFirst);
      this.#keys = keys;
      this.#index = new Map(keys.map((k, i) => [k, i]));
      this.#computeOffsets();
      this.#chained = 0;
      this.#rowsChanged = true;
    }
    const top = this.#desiredTop();
    let [start, end] = this.#rangeFor(top);
    // A jump past every rendered row (a fling, a drag, Home): this frame renders the view alone,
    // the rows beyond its edges come a frame later (the next jump usually makes them moot).
    if (!this.pinned && !this.#target && (start >= this.end || end <= this.start) && this.end > this.start) {
      [start, end] = this.#rangeFor(top, 0);
      this.#deferred = true;
      requestAnimationFrame(() => this.#options.requestUpdate());
    }
    [this.start, this.end] = [start, end];
  }

  /** Scrolls so the row of `key` sits `delta` px below the viewport top, after the next render. */
  scrollToKey(key: string, delta: number): boolean {
    if (!this.#index.has(key)) return false;
    this.pinned = false;
    this.#target = { key, delta };
    this.#chained = 0;
    this.#options.requestUpdate();
    return true;
  }

  /**
   * After a render (and on resizes): measures the rendered rows, sizes the spacers, restores the
   * anchor (or the bottom), and asks for another render when the window no longer covers the view.
   */
  settle(fromResize = false): void {
    const els = this.#options.elements();
    if (!els) return;
    const { scroller, rows, before, after } = els;
    // Hidden (display: none, a closed panel) or detached: rows measure 0, which would spoil the
    // cached heights and grow the window for nothing. The scroller stays observed, so showing it
    // settles the list.
    if (scroller.clientHeight === 0) {
      this.#observe([], scroller);
      return;
    }
    // The person scrolled since the anchor was read (no scroll event yet): hold where they are now.
    if (!this.pinned && !this.#target && scroller.scrollTop !== this.#anchorTop) this.#noteAnchor();
    const rowEls = [...rows.querySelectorAll<HTMLElement>(ROW_SELECTOR)];
    let changed = false;
    for (const el of rowEls) {
      const key = el.dataset.row!;
      const h = el.getBoundingClientRect().height;
      const old = this.#heights.get(key);
      if (old !== undefined && Math.abs(old - h) < 0.5) continue;
      this.#measuredSum += h - (old ?? 0);
      this.#heights.set(key, h);
      changed = true;
    }
    if (changed) this.#computeOffsets();
    before.style.height = `${this.#offsets[this.start]}px`;
    after.style.height = `${this.#offsets[this.#keys.length] - this.#offsets[this.end]}px`;
    this.#observe(rowEls, scroller);

    const view = scroller.getBoundingClientRect();
    const place = this.#target ?? (this.pinned ? undefined : this.#anchor);
    if (this.pinned) {
      this.#scrollTo(scroller, scroller.scrollHeight);
    } else if (place) {
      const el = rowEls.find((r) => r.dataset.row === place.key);
      // Only what moved the anchor row (content above it changed) moves the view, by that much.
      const shift = el ? el.getBoundingClientRect().top - view.top - place.delta : 0;
      // Within a view's height of the start, rows measured for the first time are not worth a
      // correction: it would carry a scroll under way (Home, a fling) past the top it was going to.
      const nearTop = !this.#target && !this.#rowsChanged && scroller.scrollTop <= this.#rowsTop + scroller.clientHeight;
      if (Math.abs(shift) >= 0.5 && !nearTop) this.#scrollTo(scroller, scroller.scrollTop + shift);
      this.#target = undefined;
    }
    this.#rowsChanged = false;
    this.#rowsTop = rows.getBoundingClientRect().top - view.top + scroller.scrollTop;
    if (!this.pinned) this.#noteAnchor();

    // The window was picked from estimated heights; now they are measured. Another render right
    // away (from the host's `updated`) costs a second update cycle, so it is asked for only when
    // the rows are needed before the next paint, which only layout can tell (see `#covers`). At
    // most 8 in a row without a scroll or a data change in between: measuring cannot loop.
    // From a ResizeObserver callback the render waits for the next frame: rows it added and
    // observed within the callback would end the observer's loop undelivered (an error event).
    const deferred = this.#deferred;
    this.#deferred = false;
    if (!deferred && !this.#covers(this.pinned ? this.#desiredTop() : this.#viewTop()) && this.#chained++ < 8) {
      if (fromResize) requestAnimationFrame(() => this.#options.requestUpdate());
      else this.#options.requestUpdate();
    }
  }

  /** On scroll: notes the anchor and re-renders when the window must move. */
  onScroll(): void {
    this.#chained = 0;
    if (!this.pinned) this.#noteAnchor();
    if (!this.#covers(this.#viewTop())) this.#options.requestUpdate();
  }

  /**
   * Whether the rendered rows need no render for the view at `top`: they are the rows a render
   * would pick, or they reach at least half the overscan beyond the view on each side (or the end
   * of the list there). Surplus rows stay until the next render (`maxRows` bounds them), and that
   * render restores the whole overscan, so scrolling renders every half overscan or so rather
   * than at every row boundary it crosses.
   */
  #covers(top: number): boolean {
    const [start, end] = this.#rangeFor(top);
    if (start === this.start && end === this.end) return true;
    const margin = this.#overscan / 2;
    const offsets = this.#offsets;
    return (
      (this.start === 0 || offsets[this.start] <= top - margin) &&
      (this.end === this.#keys.length || offsets[this.end] >= top + this.#viewHeight() + margin)
    );
  }

  #forget(key: string): void {
    const h = this.#heights.get(key);
    if (h === undefined) return;
    this.#measuredSum -= h;
    this.#heights.delete(key);
  }

  /**
   * Height of a row not measured yet: the mean of the measured ones, followed only while the list
   * is pinned to the bottom. Away from it the estimate holds still: were it to change with every
   * row measured, every unmeasured row above the view would move, and so would the scroll
   * position (by thousands of px in a long thread) under a person scrolling through it.
   */
  #estimate(): number {
    if (this.pinned && this.#heights.size > 0) this.#fixedEstimate = this.#measuredSum / this.#heights.size;
    return this.#fixedEstimate;
  }

  #computeOffsets(): void {
    const n = this.#keys.length;
    const estimate = this.#estimate();
    const offsets = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + (this.#heights.get(this.#keys[i]) ?? estimate);
    this.#offsets = offsets;
  }

  /** Top of the viewport in row coordinates, as the scroller stands now. */
  #viewTop(): number {
    const els = this.#options.elements();
    return els ? els.scroller.scrollTop - this.#rowsTop : 0;
  }

  #viewHeight(): number {
    // Before the first render (or while hidden) there is no viewport to read: plan for the
    // window's height, which a log rarely exceeds and which costs no layout to read.
    return this.#options.elements()?.scroller.clientHeight || globalThis.innerHeight || 720;
  }

  /** Top of the viewport in row coordinates once this render is placed. */
  #desiredTop(): number {
    if (this.pinned) return this.#offsets[this.#keys.length] - this.#viewHeight();
    const place = this.#target ?? this.#anchor;
    const i = place ? this.#index.get(place.key) : undefined;
    return i !== undefined ? this.#offsets[i] - place!.delta : this.#viewTop();
  }

  /** The rows overlapping [top - overscan, top + view + overscan], as [start, end). */
  #rangeFor(top: number, overscan = this.#overscan): [number, number] {
    const n = this.#keys.length;
    const bottom = top + this.#viewHeight() + overscan;
    let start = this.#rowAt(top - overscan);
    let end = Math.min(n, this.#rowAt(bottom) + 1);
    if (end - start > this.#maxRows) {
      if (this.pinned) start = end - this.#maxRows;
      else end = start + this.#maxRows;
    }
    // A few tall rows still come with their neighbours (a short thread renders whole).
    const missing = this.#minRows - (end - start);
    if (missing > 0) {
      end = Math.min(n, end + Math.floor(missing / 2));
      start -= this.#minRows - (end - start);
    }
    start = Math.max(0, start);
    return [start, Math.max(start, end)];
  }

  /** Index of the row at `y` (row coordinates), clamped to the rows. */
  #rowAt(y: number): number {
    const offsets = this.#offsets;
    let lo = 0;
    let hi = this.#keys.length - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid] <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Reads the anchor from where the view stands now: the first rendered row on screen or, when
   * the view is past the rendered rows (a long scroll), the row the offsets put at its top.
   */
  #noteAnchor(): void {
    const els = this.#options.elements();
    if (!els) return;
    // At the very top (Home, a drag to the top) the first row is the anchor, so rows measured
    // above a rendered one cannot push the view off the top the person asked for.
    const top = els.scroller.scrollTop <= 0;
    const anchor = (top ? undefined : this.#readAnchor()) ?? this.#anchorAt(this.#viewTop());
    if (!anchor) return;
    this.#anchor = anchor;
    this.#anchorTop = els.scroller.scrollTop;
  }

  /** The row at `top` (row coordinates) by the offsets, and how far below the view top it starts. */
  #anchorAt(top: number): Anchor | undefined {
    if (this.#keys.length === 0) return undefined;
    const i = this.#rowAt(top);
    return { key: this.#keys[i]!, delta: this.#offsets[i] - top };
  }

  /** The first rendered row still visible at the viewport top, and how far below the top it starts. */
  #readAnchor(): Anchor | undefined {
    const els = this.#options.elements();
    if (!els) return undefined;
    const view = els.scroller.getBoundingClientRect();
    for (const el of els.rows.querySelectorAll<HTMLElement>(ROW_SELECTOR)) {
      const r = el.getBoundingClientRect();
      if (r.bottom <= view.top) continue;
      if (r.top >= view.bottom) return undefined;
      return { key: el.dataset.row!, delta: r.top - view.top };
    }
    return undefined;
  }

  #scrollTo(scroller: HTMLElement, top: number): void {
    scroller.scrollTop = top;
    this.#options.onProgrammaticScroll(scroller.scrollTop);
  }

  /** Watches the rendered rows (content that grows: images, fonts, an opened merged forward) and the viewport. */
  #observe(rowEls: HTMLElement[], scroller: HTMLElement): void {
    const ro = this.#resize;
    if (!ro) return;
    const now = new Set<Element>(rowEls);
    now.add(scroller);
    for (const el of this.#observed) if (!now.has(el)) ro.unobserve(el);
    for (const el of now) if (!this.#observed.has(el)) ro.observe(el);
    this.#observed.clear();
    for (const el of now) this.#observed.add(el);
  }
}
