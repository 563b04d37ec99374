/**
 * Render benchmark: in Chromium at 420×720, a message list opened on N messages. Natter's
 * `<chat-thread>` (fed by a real client synced from the real server), deep-chat (`history`,
 * `maxVisibleMessages` = N) and vue-advanced-chat (one room's `messages`), in the same run.
 * Per renderer and N: ms from handing the messages over to the newest one on screen, elements
 * in the page (through shadow roots), JS heap after GC, and frame times of a real scroll through
 * the whole history, newest to oldest, in equal steps (one per frame). Each step must take the
 * list where it was sent, and the oldest message must show at the top: a Natter renderer that
 * misses fails the run (exit code 1). Targets (printed): scroll p95 ≤ 16.7 ms, no frame over
 * 50 ms, newest on screen ≤ 50 ms at 10,000 messages.
 *
 *   npm run bench:render -- --counts 1000,10000 --cap 60
 *   npm run bench:render -- --counts 1000 --renderers natter,baseline --baseline /tmp/old --repeat 5
 *     (A/B: /tmp/old is another checkout, e.g. `git archive <rev> src package.json tsconfig.json bench`
 *     unpacked with node_modules linked; its page and server run as `baseline`, alternating with
 *     this tree's in every round; the table gives the median of the rounds. A second and third
 *     --baseline run as `baseline2`, `baseline3`.)
 *   --cpu-prof <dir> writes a Chromium CPU profile of each timed first render (Natter pages);
 *   --breakdown prints each first render's main-thread CPU, style and layout time.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../e2e/lib/browser.js';
import { ROOT, bundle } from './lib/bundle.js';
import { startNatterServer, type NatterServer } from './lib/natter-server.js';
import { openNatterSocket } from './lib/natter-socket.js';
import { freePort } from './lib/spawn.js';
import { fmt, median, table } from './lib/stats.js';
import { NEWEST, textOf } from './render/messages.js';
import type { ScrollResult } from './render/measure.js';
import { traceMainThread } from './render/trace.js';

const { values } = parseArgs({
  options: {
    counts: { type: 'string', default: '1000,10000' },
    renderers: { type: 'string', default: 'natter,deep-chat,vue-advanced-chat' },
    cap: { type: 'string', default: '60' },
    steps: { type: 'string', default: '120' },
    smoke: { type: 'boolean', default: false },
    /** Roots of other checkouts: renderers `baseline`, `baseline2` … are their Natter pages, each against its own server. */
    baseline: { type: 'string', multiple: true, default: [] },
    /** Rounds of every renderer in turn (the table shows each one's median). */
    repeat: { type: 'string', default: '1' },
    /** Directory for a Chromium CPU profile (.cpuprofile) of each Natter first render. */
    'cpu-prof': { type: 'string' },
    /** Traces each first render: main-thread CPU ms (steadier than wall time on a shared machine), style and layout. */
    breakdown: { type: 'boolean', default: false },
  },
});
const COUNTS = values.smoke ? [50] : values.counts!.split(',').map(Number);
const RENDERERS = values.renderers!.split(',');
const CAP_MS = (values.smoke ? 15 : Number(values.cap)) * 1000;
const STEPS = values.smoke ? 10 : Number(values.steps);
const SCROLL_CAP_MS = values.smoke ? 5_000 : 20_000;
const REPEAT = values.smoke ? 1 : Math.max(1, Number(values.repeat));
/** Checkout root per baseline renderer. */
const BASELINES = new Map(values.baseline!.map((dir, i) => [i === 0 ? 'baseline' : `baseline${i + 1}`, resolve(dir)]));
for (const r of RENDERERS) if (/^baseline\d*$/.test(r) && !BASELINES.has(r)) throw new TypeError(`renderer "${r}" needs its --baseline <dir>`);
const CPU_PROF = values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined;
if (CPU_PROF) mkdirSync(CPU_PROF, { recursive: true });
/** Renderers that are a Natter page (this tree's, or a baseline checkout's). */
const isNatter = (renderer: string) => renderer === 'natter' || BASELINES.has(renderer);
// A page reads its thread to the bottom, so a Natter renderer needs a conversation of its own per run.
if (RENDERERS.filter(isNatter).length !== new Set(RENDERERS.filter(isNatter)).size) throw new TypeError('list natter and baseline once each; --repeat alternates them');

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
for (const name of new Set(RENDERERS)) {
  const base = BASELINES.get(name);
  const entry = base ? join(base, 'bench/render/natter-page.ts') : join(ROOT, `bench/render/${name}-page.ts`);
  // A profile names functions and maps them to sources: identifiers stay unminified then, and
  // the bundle (with its source map inline) is kept beside the profiles.
  const code = await bundle(entry, CPU_PROF ? { minify: false, minifyWhitespace: true, minifySyntax: true, sourcemap: 'inline' } : { minify: true });
  writeFileSync(join(dir, `${name}.js`), code);
  if (CPU_PROF && isNatter(name)) writeFileSync(join(CPU_PROF, `${name}.js`), code);
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
/** Messages before the newest written in turns (more than the newest page a fresh device is given), and the turns' lengths. */
const TAIL = 60;
const RUNS = [1, 3, 2, 1, 4, 2, 1, 1, 3];
const natterServers: NatterServer[] = [];
/** Page URL per Natter renderer, N and round. */
const natterPages = new Map<string, string>();
for (const renderer of new Set(RENDERERS.filter(isNatter))) {
  // The page is a fresh device: the server gives it the newest page; older pages load on demand
  // (the page pulls them all in through `<chat-thread>.loadOlder()` before the scroll). The
  // baseline runs its own server, so its client speaks the protocol of its own tree.
  const natter = await startNatterServer({ NATTER_ALLOWED_ORIGINS: origin }, [], BASELINES.get(renderer) ?? ROOT);
  natterServers.push(natter);
  // One conversation per N and round: the page reads the thread to the bottom, and a fresh
  // device of a user who has read everything is given no messages at all.
  for (const n of COUNTS) {
    for (let round = 1; round <= REPEAT; round++) {
      const viewer = `viewer${n}-${round}`;
      const peer = `peer${n}-${round}`;
      const [v, p] = await Promise.all([openNatterSocket(natter.wsUrl, await natter.token(viewer)), openNatterSocket(natter.wsUrl, await natter.token(peer))]);
      // Both sides write (even and odd texts) at once, so the thread mixes own and others' runs;
      // then the newest page is written in turns, so every tree and round opens on the same mix
      // of own and others' rows (the interleaving of the writes at once depends on the server).
      const tail = Math.min(TAIL, n - 1);
      const bulk = n - 1 - tail;
      const half = Math.floor(bulk / 2);
      // (sendMany of nothing would wait for an ack forever: a tiny N has no bulk.)
      if (bulk > 0) {
        await Promise.all([
          v.sendMany(`p2p:${peer}`, bulk - half, 200, (i) => textOf(2 * i)),
          half > 0 ? p.sendMany(`p2p:${viewer}`, half, 200, (i) => textOf(2 * i + 1)) : undefined,
        ]);
      }
      for (let i = 0, run = 0; i < tail; run++) {
        const [from, to] = run % 2 === 0 ? [v, peer] : [p, viewer];
        const length = Math.min(tail - i, RUNS[run % RUNS.length]!);
        await from.sendMany(`p2p:${to}`, length, 1, (j) => textOf(bulk + i + j));
        i += length;
      }
      await p.sendMany(`p2p:${viewer}`, 1, 1, () => NEWEST);
      console.error(`${renderer}: ${n} messages written${REPEAT > 1 ? ` (round ${round})` : ''}`);
      v.close();
      p.close();
      const q = new URLSearchParams({ ws: natter.wsUrl, token: await natter.token(viewer), conversation: `p2p:${peer}`, n: String(n) });
      natterPages.set(`${renderer}/${n}/${round}`, `${origin}/${renderer}.html?${q}`);
    }
  }
}

// ---------------------------------------------------------------- measure
const timeout = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);

async function measure(browser: Browser, renderer: string, n: number, round: number): Promise<Result> {
  const url = isNatter(renderer) ? natterPages.get(`${renderer}/${n}/${round}`)! : `${origin}/${renderer}.html?n=${n}`;
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
    const profiling = CPU_PROF !== undefined && isNatter(renderer);
    if (profiling) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    const show = () => timeout(page.evaluate((cap) => window.bench.show(cap), CAP_MS), CAP_MS + 10_000);
    const { result: visibleMs, time } = values.breakdown ? await traceMainThread(cdp, show, (ms) => (typeof ms === 'number' && ms > 0 ? ms : CAP_MS)) : { result: await show(), time: undefined };
    if (profiling) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(join(CPU_PROF!, `${renderer}-${n}-${round}.cpuprofile`), JSON.stringify(profile));
    }
    if (time) console.error(`${renderer} @ ${n}: newest on screen ${typeof visibleMs === 'number' ? fmt(visibleMs) : visibleMs} ms; main thread ${fmt(time.cpu)} ms CPU (${fmt(time.wall)} ms wall, ${time.tasks} tasks), of which style ${fmt(time.style)}, layout ${fmt(time.layout)}`);
    if (visibleMs === 'timeout' || visibleMs < 0) {
      return { renderer, n, visibleMs: -1, note: `newest not on screen within ${CAP_MS / 1000} s${errors.length ? `; ${errors[0]}` : ''}` };
    }
    const elements = await page.evaluate(() => window.bench.countElements());
    const messageParts = isNatter(renderer) ? await page.evaluate(() => window.bench.countMatching('[part~="message"]')) : undefined;
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    const loadAllMs = await page.evaluate((cap) => window.bench.loadAll?.(cap), CAP_MS);
    const scroll = await timeout(page.evaluate(([steps, cap, oldest]) => window.bench.scrollFrames(steps, cap, oldest), [STEPS, SCROLL_CAP_MS, textOf(0)] as const), SCROLL_CAP_MS + 30_000);
    const elementsAfter = scroll === 'timeout' ? undefined : await page.evaluate(() => window.bench.countElements());
    const messagePartsAfter = isNatter(renderer) && scroll !== 'timeout' ? await page.evaluate(() => window.bench.countMatching('[part~="message"]')) : undefined;
    const note = [loadAllMs !== undefined && loadAllMs >= CAP_MS ? `history paging cut at ${CAP_MS / 1000} s` : '', scroll === 'timeout' ? 'scroll timed out' : scroll?.capped ? `scroll cut at ${SCROLL_CAP_MS / 1000} s` : '', ...errors.slice(0, 1)].filter(Boolean).join('; ');
    return { renderer, n, visibleMs, elements, ...(messageParts !== undefined ? { messageParts } : {}), heapMiB: heap.usedSize / 2 ** 20, ...(loadAllMs !== undefined ? { loadAllMs } : {}), ...(elementsAfter !== undefined ? { elementsAfter } : {}), ...(messagePartsAfter !== undefined ? { messagePartsAfter } : {}), ...(scroll && scroll !== 'timeout' ? { scroll } : {}), note };
  } finally {
    await context.close();
  }
}

const runs: Result[] = [];
const browser = await launchChromium();
try {
  for (const n of COUNTS) {
    // Rounds alternate the renderers, so each sees the same machine noise; each round starts one
    // further along the list (natter, baseline, then baseline, natter …), so none always goes first.
    for (let round = 1; round <= REPEAT; round++) {
      for (const renderer of RENDERERS.map((_, i) => RENDERERS[(i + round - 1) % RENDERERS.length]!)) {
        const r = await measure(browser, renderer, n, round);
        runs.push(r);
        const s = r.scroll;
        console.error(`${renderer} @ ${n}${REPEAT > 1 ? ` (round ${round})` : ''}: ${r.visibleMs < 0 ? '> cap' : `${fmt(r.visibleMs)} ms`}, ${r.elements ?? '–'} elements${s ? `, scroll p95 ${fmt(s.p95)} ms` : ''} ${r.note}`);
      }
    }
  }
} finally {
  await browser.close();
  await Promise.all(natterServers.map((s) => s.stop()));
  web.close();
  rmSync(dir, { recursive: true, force: true });
}

/** One row per renderer and N: the run itself, or the median of each figure over the rounds. */
function summarize(list: Result[]): Result {
  if (list.length === 1) return list[0]!;
  const ok = list.filter((r) => r.visibleMs >= 0);
  const med = (pick: (r: Result) => number | undefined) => {
    const values = ok.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? median(values) : undefined;
  };
  const scrolls = ok.map((r) => r.scroll).filter((s): s is ScrollResult => s !== undefined);
  const smed = (pick: (s: ScrollResult) => number) => median(scrolls.map(pick));
  const misses = list.length - ok.length;
  return {
    renderer: list[0]!.renderer,
    n: list[0]!.n,
    visibleMs: ok.length ? median(ok.map((r) => r.visibleMs)) : -1,
    elements: med((r) => r.elements),
    messageParts: med((r) => r.messageParts),
    heapMiB: med((r) => r.heapMiB),
    loadAllMs: med((r) => r.loadAllMs),
    elementsAfter: med((r) => r.elementsAfter),
    messagePartsAfter: med((r) => r.messagePartsAfter),
    ...(scrolls.length
      ? { scroll: { frames: smed((s) => s.frames), p50: smed((s) => s.p50), p95: smed((s) => s.p95), max: smed((s) => s.max), slow: smed((s) => s.slow), long: smed((s) => s.long), scrollHeight: smed((s) => s.scrollHeight), capped: scrolls.some((s) => s.capped), misses: Math.max(...scrolls.map((s) => s.misses)), worstMiss: Math.max(...scrolls.map((s) => s.worstMiss)), oldestShown: scrolls.every((s) => s.oldestShown) } }
      : {}),
    note: [`median of ${list.length}; newest on screen ${list.map((r) => (r.visibleMs < 0 ? '>cap' : fmt(r.visibleMs))).join(', ')}`, misses ? `${misses} over the cap` : '', ...list.map((r) => r.note)].filter(Boolean).join('; '),
  };
}

const results: Result[] = [];
for (const n of COUNTS) {
  for (const renderer of new Set(RENDERERS)) results.push(summarize(runs.filter((r) => r.renderer === renderer && r.n === n)));
}

const ms = (r: Result) => (r.visibleMs < 0 ? `> ${fmt(CAP_MS)}` : fmt(r.visibleMs));
console.log(`\nRender: Chromium ${420}×${720}, list opened on N messages; scroll = ${STEPS} equal steps from the newest message to the oldest, one per frame${REPEAT > 1 ? `; median of ${REPEAT} rounds` : ''}${[...BASELINES].map(([name, dir]) => `; ${name} = ${dir}`).join('')}\n`);
console.log(
  table(
    ['renderer', 'messages', 'newest on screen ms', '× natter time', 'elements', 'message rows', 'JS heap MiB', 'page in all history ms', 'elements after scroll', 'message rows after scroll', 'scroll frame p50 ms', 'p95 ms', 'max ms', 'frames > 20 ms', 'frames > 50 ms', 'steps missed (worst px)', 'oldest shown', 'note'],
    results.map((r) => {
      const ours = results.find((x) => x.renderer === 'natter' && x.n === r.n);
      const ratio = r.renderer === 'natter' || !ours || ours.visibleMs < 0 ? '' : r.visibleMs < 0 ? `> ${fmt(CAP_MS / ours.visibleMs)}` : fmt(r.visibleMs / ours.visibleMs);
      const s = r.scroll;
      return [
        r.renderer, r.n.toLocaleString('en-US'), ms(r), ratio, r.elements?.toLocaleString('en-US') ?? '–', r.messageParts?.toLocaleString('en-US') ?? '–',
        r.heapMiB === undefined ? '–' : fmt(r.heapMiB), r.loadAllMs === undefined ? '–' : fmt(r.loadAllMs),
        r.elementsAfter?.toLocaleString('en-US') ?? '–', r.messagePartsAfter?.toLocaleString('en-US') ?? '–', s ? fmt(s.p50) : '–', s ? fmt(s.p95) : '–', s ? fmt(s.max) : '–', s ? `${fmt(s.slow * 100, 0)} %` : '–', s ? String(s.long) : '–', s ? `${s.misses} (${fmt(s.worstMiss, 0)})` : '–', s ? (s.oldestShown ? 'yes' : 'NO') : '–', r.note,
      ];
    }),
  ),
);

// ---------------------------------------------------------------- targets and the scroll check
for (const r of results.filter((x) => isNatter(x.renderer))) {
  const s = r.scroll;
  const checks = [
    // As the table shows it (0.1 ms): rAF times are coarsened, a 60 Hz frame reads 16.6–16.8.
    [`scroll p95 ≤ 16.7 ms`, s !== undefined && Math.round(s.p95 * 10) / 10 <= 16.7],
    [`no scroll frame over 50 ms`, s !== undefined && s.long === 0],
    ...(r.n >= 10_000 ? [[`newest on screen ≤ 50 ms`, r.visibleMs >= 0 && r.visibleMs <= 50] as const] : []),
  ] as const;
  console.log(`targets, ${r.renderer} @ ${r.n.toLocaleString('en-US')}: ${checks.map(([name, ok]) => `${name} ${ok ? 'met' : 'MISSED'}`).join('; ')}`);
}
const lost = results.filter((r) => isNatter(r.renderer) && (!r.scroll || r.scroll.capped || r.scroll.misses > 0 || !r.scroll.oldestShown));
if (lost.length > 0) {
  console.error(`\nFAIL: the scroll did not go where it was sent: ${lost.map((r) => `${r.renderer} @ ${r.n}${r.scroll ? ` (${r.scroll.misses} steps missed, worst ${fmt(r.scroll.worstMiss, 0)} px, oldest ${r.scroll.oldestShown ? 'shown' : 'not shown'}${r.scroll.capped ? ', cut short' : ''})` : ' (no scroll)'}`).join(', ')}`);
  process.exitCode = 1;
}
