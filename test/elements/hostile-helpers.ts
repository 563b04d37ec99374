/**
 * The hostile-content corpus and checks shared by `hostile-content*.test.ts`: XSS and layout
 * payloads, and the assertions that nothing ran, no element was injected, bidi controls stay
 * isolated.
 */
import { expect } from '@open-wc/testing';
import { parts } from './helpers.js';

declare global {
  interface Window {
    __natterXss?: number;
  }
}

export const FLAG = 'window.__natterXss=1';
export const LONG_WORD = 'W'.repeat(4000);
export const CORPUS = [
  `<script>${FLAG}</script>`,
  `<img src=x onerror="${FLAG}">`,
  `<svg onload="${FLAG}"><circle r=10 /></svg>`,
  `<svg><script>${FLAG}</script></svg>`,
  `<a href="javascript:${FLAG}">click</a>`,
  `javascript:${FLAG}`,
  `<iframe srcdoc="<script>parent.${FLAG}</script>"></iframe>`,
  `"><img src=x onerror=${FLAG}>`,
  `'><svg/onload=${FLAG}>`,
  `<details open ontoggle="${FLAG}">`,
  `<style>*{display:none}</style><b>bold`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${FLAG}>`,
  `<!--<img src=x onerror=${FLAG}>-->`,
  `<div style="position:fixed;inset:0;background:red">overlay</div>`,
  '${alert(1)} {{constructor.constructor("' + FLAG + '")()}}',
  `[x](javascript:${FLAG}) data:text/html,<script>${FLAG}</script>`,
  'evil\u202Egnp.exe (right-to-left override, never closed)',
  '\u2067isolate opened, never closed',
  'zero\u200Bwidth\u200Djoiner\uFEFFbom\u2060and\u00ADshy',
  `https://example.com/${'a'.repeat(300)}`,
  LONG_WORD,
];
export const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
/** Elements no payload may create inside our shadow roots. */
export const FORBIDDEN = 'script, img, svg, iframe, object, embed, style, link, meta, form, input, details, math, video, audio, base';

/** Fires when a broken image of the page's own origin has failed: any injected one would have too. */
export function imageBarrier(): Promise<void> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onerror = () => resolve();
    img.src = `/x-barrier-${Math.random()}`;
  });
}

/** Every shadow root inside `el` (ours nest: thread → menus, dialogs). */
export function shadowRoots(el: Element): ShadowRoot[] {
  const roots: ShadowRoot[] = [];
  const visit = (root: ShadowRoot) => {
    roots.push(root);
    for (const child of root.querySelectorAll('*')) if (child.shadowRoot) visit(child.shadowRoot);
  };
  if (el.shadowRoot) visit(el.shadowRoot);
  return roots;
}

/** Asserts no injected element, no inline handler, no script URL in any of `el`'s shadow roots. */
export function expectInert(el: Element, baseline: Map<string, number>): void {
  for (const root of shadowRoots(el)) {
    for (const node of root.querySelectorAll('*')) {
      for (const attr of node.getAttributeNames()) {
        expect(attr.startsWith('on'), `${node.localName}[${attr}]`).to.equal(false);
        // Text-only attributes (a chip's title naming who reacted, accessible names) hold any text.
        if (attr === 'title' || attr.startsWith('aria-')) continue;
        expect(/^\s*(javascript|data|vbscript):/i.test(node.getAttribute(attr)!), `${node.localName}[${attr}]`).to.equal(false);
      }
    }
    for (const tag of FORBIDDEN.split(', ')) {
      const count = root.querySelectorAll(tag).length;
      expect(count, `<${tag}> in ${root.host.localName}`).to.be.at.most(baseline.get(tag) ?? 0);
    }
  }
}

export function census(el: Element): Map<string, number> {
  const counts = new Map<string, number>();
  for (const root of shadowRoots(el)) {
    for (const tag of FORBIDDEN.split(', ')) counts.set(tag, (counts.get(tag) ?? 0) + root.querySelectorAll(tag).length);
  }
  return counts;
}

export function isolates(el: Element): boolean {
  const style = getComputedStyle(el);
  return el.localName === 'bdi' || ['isolate', 'isolate-override', 'plaintext'].includes(style.unicodeBidi) || style.display !== 'inline';
}

/**
 * A bidi control can only reorder text that shares its isolation scope. Every text node that
 * holds one must sit in a scope (a <bdi>, `unicode-bidi: isolate`, or a block) holding nothing else.
 */
export function expectBidiIsolated(el: Element): number {
  let checked = 0;
  for (const root of shadowRoots(el)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!BIDI.test(node.nodeValue ?? '')) continue;
      // Screen-reader-only copies are clipped to a pixel: nothing visible can be reordered.
      if (node.parentElement!.getBoundingClientRect().width <= 1) continue;
      let scope: Element = node.parentElement!;
      while (!isolates(scope) && scope.parentElement) scope = scope.parentElement;
      expect(isolates(scope), `"${node.nodeValue}" is not isolated`).to.equal(true);
      expect(scope.textContent!.trim(), `<${scope.localName} part="${scope.getAttribute('part')}"> shares its bidi scope`).to.equal(node.nodeValue!.trim());
      checked++;
    }
  }
  return checked;
}

/**
 * Nothing widens a thread: its log never scrolls sideways (`what` names the payload in the
 * failure) and, with `bubbles`, every bubble stays inside the thread.
 */
export function expectThreadFits(thread: Element, what: string, bubbles = false): void {
  const log = parts(thread, 'log')[0]!;
  expect(log.scrollWidth, `${what} widens the thread`).to.be.at.most(log.clientWidth + 1);
  if (!bubbles) return;
  for (const bubble of parts(thread, 'bubble')) {
    expect(bubble.getBoundingClientRect().right, `a bubble of ${what} overflows`).to.be.at.most(thread.getBoundingClientRect().right + 1);
  }
}
