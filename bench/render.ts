/**
 * Render benchmark: in Chromium at 420×720, a message list opened on N messages. Natter's
 * `<chat-thread>` (fed by a real client synced from the real server), deep-chat (`history`,
 * `maxVisibleMessages` = N) and vue-advanced-chat (one room's `messages`), in the same run.
 * Per renderer and N: ms from handing the messages over to the newest one on screen, elements
 * in the page (through shadow roots), JS heap after GC, and frame times while scrolling the
 * list from top to bottom in equal steps.
 *
 *   npm run bench:render -- --counts 1000,10000 --cap 60
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../e2e/lib/browser.js';
import { ROOT, bundle } from './lib/bundle.js';
import { startNatterServer, type NatterServer } from './lib/natter-server.js';
import { openNatterSocket } from './lib/natter-socket.js';
import { freePort } from './lib/spawn.js';
import { fmt, table } from './lib/stats.js';
import { NEWEST, textOf } from './render/messages.js';
import type { ScrollResult } from './render/measure.js';

const { values } = parseArgs({
  options: {
    counts: { type: 'string', default: '1000,10000' },
    renderers: { type: 'string', default: 'natter,deep-chat,vue-advanced-chat' },
    cap: { type: 'string', default: '60' },
    steps: { type: 'string', default: '120' },
    smoke: { type: 'boolean', default: false },
  },
});
const COUNTS = values.smoke ? [50] : values.counts!.split(',').map(Number);
const RENDERERS = values.renderers!.split(',');
const CAP_MS = (values.smoke ? 15 : Number(values.cap)) * 1000;
const STEPS = values.smoke ? 10 : Number(values.steps);
const SCROLL_CAP_MS = values.smoke ? 5_000 : 20_000;

interface Result {
  renderer: string;
  n: number;
  visibleMs: number; // -1: not within the cap
  elements?: number;
  messageParts?: number;
  heapMiB?: number;
  /** ms to page the whole history in before the scroll (paging renderers only). */
  loadAllMs?: number;
  elementsAfter?: number;
  messagePartsAfter?: number;
  scroll?: ScrollResult;
  note: string;
}

// ---------------------------------------------------------------- pages, bundled and served
const dir = mkdtempSync(join(tmpdir(), 'natter-render-'));
for (const name of RENDERERS) {
  writeFileSync(join(dir, `${name}.js`), await bundle(join(ROOT, `bench/render/${name}-page.ts`), { minify: true }));
  writeFileSync(
    join(dir, `${name}.html`),
    `<!doctype html><meta charset="utf-8"><title>${name}</title><style>html,body{margin:0;height:100%;overflow:hidden;font-family:system-ui}</style><script type="module" src="./${name}.js"></script>`,
  );
}
const staticPort = await freePort();
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
const web: Server = createServer((req, res) => {
  const file = join(dir, new URL(req.url!, 'http://x').pathname.replace(/\.\.+/g, ''));
  try {
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise<void>((r) => web.listen(staticPort, '127.0.0.1', r));
const origin = `http://127.0.0.1:${staticPort}`;

// ---------------------------------------------------------------- Natter's conversations
let natter: NatterServer | undefined;
const natterPages = new Map<number, string>();
if (RENDERERS.includes('natter')) {
  // The page is a fresh device: the server gives it the newest page; older pages load on demand
  // (the page pulls them all in through `<chat-thread>.loadOlder()` before the scroll).
  natter = await startNatterServer({ NATTER_ALLOWED_ORIGINS: origin });
  for (const n of COUNTS) {
    const viewer = `viewer${n}`;
    const peer = `peer${n}`;
    const [v, p] = await Promise.all([openNatterSocket(natter.wsUrl, await natter.token(viewer)), openNatterSocket(natter.wsUrl, await natter.token(peer))]);
    // Both sides write (even and odd texts) at once, so the thread mixes own and others' runs.
    const half = Math.floor((n - 1) / 2);
    await Promise.all([
      v.sendMany(`p2p:${peer}`, n - 1 - half, 200, (i) => textOf(2 * i)),
      p.sendMany(`p2p:${viewer}`, half, 200, (i) => textOf(2 * i + 1)),
    ]);
    await p.sendMany(`p2p:${viewer}`, 1, 1, () => NEWEST);
    console.error(`natter: ${n} messages written`);
    v.close();
    p.close();
    const q = new URLSearchParams({ ws: natter.wsUrl, token: await natter.token(viewer), conversation: `p2p:${peer}`, n: String(n) });
    natterPages.set(n, `${origin}/natter.html?${q}`);
  }
}

// ---------------------------------------------------------------- measure
const timeout = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);

async function measure(browser: Browser, renderer: string, n: number): Promise<Result> {
  const url = renderer === 'natter' ? natterPages.get(n)! : `${origin}/${renderer}.html?n=${n}`;
  const context = await browser.newContext({ viewport: { width: 420, height: 720 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    // vue-advanced-chat's emoji picker fetches its data from a CDN: offline here, and not what is measured.
    if (process.env.BENCH_DEBUG) page.on('console', (m) => console.error(`[page] ${m.text()}`));
    page.on('pageerror', (e) => {
      if (!String(e).includes('Failed to fetch')) errors.push(String(e));
    });
    await page.goto(url);
    await page.waitForFunction(() => window.bench !== undefined);
    if ((await timeout(page.evaluate(() => window.bench.prepare()), 120_000)) === 'timeout') throw new Error(`${renderer} @ ${n}: prepare timed out`);
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const visibleMs = await timeout(page.evaluate((cap) => window.bench.show(cap), CAP_MS), CAP_MS + 10_000);
    if (visibleMs === 'timeout' || visibleMs < 0) {
      return { renderer, n, visibleMs: -1, note: `newest not on screen within ${CAP_MS / 1000} s${errors.length ? `; ${errors[0]}` : ''}` };
    }
    const elements = await page.evaluate(() => window.bench.countElements());
    const messageParts = renderer === 'natter' ? await page.evaluate(() => window.bench.countMatching('[part~="message"]')) : undefined;
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    const loadAllMs = await page.evaluate((cap) => window.bench.loadAll?.(cap), CAP_MS);
    const scroll = await timeout(page.evaluate(([steps, cap]) => window.bench.scrollFrames(steps, cap), [STEPS, SCROLL_CAP_MS] as const), SCROLL_CAP_MS + 30_000);
    const elementsAfter = scroll === 'timeout' ? undefined : await page.evaluate(() => window.bench.countElements());
    const messagePartsAfter = renderer === 'natter' && scroll !== 'timeout' ? await page.evaluate(() => window.bench.countMatching('[part~="message"]')) : undefined;
    const note = [loadAllMs !== undefined && loadAllMs >= CAP_MS ? `history paging cut at ${CAP_MS / 1000} s` : '', scroll === 'timeout' ? 'scroll timed out' : scroll?.capped ? `scroll cut at ${SCROLL_CAP_MS / 1000} s` : '', ...errors.slice(0, 1)].filter(Boolean).join('; ');
    return { renderer, n, visibleMs, elements, ...(messageParts !== undefined ? { messageParts } : {}), heapMiB: heap.usedSize / 2 ** 20, ...(loadAllMs !== undefined ? { loadAllMs } : {}), ...(elementsAfter !== undefined ? { elementsAfter } : {}), ...(messagePartsAfter !== undefined ? { messagePartsAfter } : {}), ...(scroll && scroll !== 'timeout' ? { scroll } : {}), note };
  } finally {
    await context.close();
  }
}

const results: Result[] = [];
const browser = await launchChromium();
try {
  for (const n of COUNTS) {
    for (const renderer of RENDERERS) {
      const r = await measure(browser, renderer, n);
      results.push(r);
      console.error(`${renderer} @ ${n}: ${r.visibleMs < 0 ? '> cap' : `${fmt(r.visibleMs)} ms`}, ${r.elements ?? '–'} elements ${r.note}`);
    }
  }
} finally {
  await browser.close();
  await natter?.stop();
  web.close();
  rmSync(dir, { recursive: true, force: true });
}

const ms = (r: Result) => (r.visibleMs < 0 ? `> ${fmt(CAP_MS)}` : fmt(r.visibleMs));
console.log(`\nRender: Chromium ${420}×${720}, list opened on N messages; scroll = ${STEPS} equal steps from top to bottom, one per frame\n`);
console.log(
  table(
    ['renderer', 'messages', 'newest on screen ms', '× natter time', 'elements', 'message rows', 'JS heap MiB', 'page in all history ms', 'elements after scroll', 'message rows after scroll', 'scroll frame p50 ms', 'p95 ms', 'max ms', 'frames > 20 ms', 'note'],
    results.map((r) => {
      const ours = results.find((x) => x.renderer === 'natter' && x.n === r.n);
      const ratio = r.renderer === 'natter' || !ours || ours.visibleMs < 0 ? '' : r.visibleMs < 0 ? `> ${fmt(CAP_MS / ours.visibleMs)}` : fmt(r.visibleMs / ours.visibleMs);
      const s = r.scroll;
      return [
        r.renderer, r.n.toLocaleString('en-US'), ms(r), ratio, r.elements?.toLocaleString('en-US') ?? '–', r.messageParts?.toLocaleString('en-US') ?? '–',
        r.heapMiB === undefined ? '–' : fmt(r.heapMiB), r.loadAllMs === undefined ? '–' : fmt(r.loadAllMs),
        r.elementsAfter?.toLocaleString('en-US') ?? '–', r.messagePartsAfter?.toLocaleString('en-US') ?? '–', s ? fmt(s.p50) : '–', s ? fmt(s.p95) : '–', s ? fmt(s.max) : '–', s ? `${fmt(s.slow * 100, 0)} %` : '–', r.note,
      ];
    }),
  ),
);
