/**
 * Size benchmark and budget: gzip -9 size of what a page downloads for Natter, beside
 * deep-chat and vue-advanced-chat bundled as before (esbuild, minified, every dependency
 * included, one file, gzip -9).
 *
 * Natter's script tag is several files: `dist/cdn/natter.js` (a small classic script) imports
 * ES module chunks from beside itself. They are built here, fresh from the sources, with the
 * project's own `vite build --mode cdn` (into a temporary directory), and each file is gzipped
 * on its own, as a CDN serves it. Rows:
 *
 *   (a) script tag, first paint: natter.js + the core chunk and what it imports statically:
 *       everything fetched before the launcher and its unread badge show. The panel's chunk
 *       follows when the page is idle (or the launcher is pointed at), before anyone opens it.
 *   (b) script tag, everything: every file of the build (the panel, which also carries the
 *       client's paths used only from it, the emoji list, every locale): what a visitor who opens
 *       the widget downloads, at most.
 *   (c) natter/define: the package as published (its browser modules built as `npm run build`
 *       does, `vite build --mode lib`, into a temporary directory) bundled as an app would: one
 *       ESM file with lit, nanostores, valibot … (esbuild, minified).
 *
 *   npm run bench:size               # table with the peers
 *   npm run bench:size -- --breakdown [--top 15]   # and what makes up each gated row
 *   npm run check:size               # budget only: exits 1 when a Natter figure is over its limit
 *
 * `--breakdown` reads the source maps the builds write and attributes every byte of (a), (b) and
 * (c) to the file of ours or the package it came from (`bench/lib/breakdown.ts`): the largest of
 * each row, then all of them summed by area (client, protocol, element code, styles, strings …).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { breakdown, type Share, type SourceMapV3 } from './lib/breakdown.js';
import { ROOT, bundle, gzipBytes } from './lib/bundle.js';
import { fmt, table } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    breakdown: { type: 'boolean', default: false },
    top: { type: 'string', default: '15' },
  },
});

const KiB = 1024;
/**
 * CI gates (issue 24). All three are ratchets at today's size plus 0.2 KiB of headroom, lowered
 * as the bundles shrink, so they cannot grow unnoticed: (a) the script tag's first paint, (b)
 * everything under dist/cdn/, (c) every element and its dependencies bundled by an app.
 * (a) has issue 24's budget of 34 KiB with partysocket inside as its target, not met: it was
 * 34.0 before issue 17's changes to sent messages landed in the client (the folding of change
 * events into held messages and the outbox of changes must stay in the core; their actions,
 * the client-frame schemas, file preparation and older pages were moved out of it), 35.5 after.
 * A ratchet at 35.7 until the launcher's own code (chat-widget, its styles and strings, about
 * 5 KiB of the first paint) is trimmed under the target.
 * (b) was a 75 KiB budget (issue 24's target), not met since the features below grew it: now a
 * ratchet at 80.8 (measured 80.6). It was 79.9 once changes to sent messages (issue 17: reply,
 * reactions, edit, recall, pin, delete for me, in protocol, client and elements) landed; moving
 * the client's change actions, client-frame schemas, file preparation and older pages out of the
 * first paint added 0.7 (the names the lazy chunk imports from the core, code split in two gzip
 * streams).
 * (c) raised from 78.0 to 81.2 (measured 81.0): partysocket, protocol bounds, frame paging,
 * thread scrolling, jump-to-message and names grew it to 80.4, and the client's paths the script
 * tag loads on first use cost an app that bundles everything into one file 0.6 more (its
 * bundler's wrapper per lazy module). Raised to 84.3 (measured 84.1): issue 17's changes to sent
 * messages (83.6) and the modules made lazy for (a) since (0.5).
 */
const LIMITS = {
  // 35.7 → 36.0 (measured 35.8, 0.3 more than before issue 22): the client's drafts API (`client.drafts`, its
  // IndexedDB record; the drafts' code itself is fetched after the first paint), link previews'
  // `client.linkPreview`, the `preview` field of text elems in the protocol schema and error codes 4020–4022.
  firstPaint: { bytes: 36.0 * KiB, kind: 'ratchet (target: 34 KiB)' },
  // 80.8 → 86.2 (measured 86.0): the UI of changes to sent messages (reply quotes, reaction chips, edit mode, recall, pinned bar).
  // 86.2 → 87.1 (measured 86.9): drafts on the device (issue 22; their client code comes with the panel).
  // → 90.1 (measured 89.9): formatted text (issue 22: the Markdown-subset parser and renderer, their styles, plain previews, composer shortcuts).
  // → 92.1 (measured 91.9): the media viewer (issue 22; with the panel, see thread/media-opener.ts).
  // → 95.3 (measured 95.1): voice notes (issue 22: the composer's recorder, its bar and strings).
  // → 96.4 (measured 96.2): link previews (issue 22: the composer's preview bar, the thread's card).
  everything: { bytes: 96.4 * KiB, kind: 'ratchet' },
  // 84.3 → 90.1 (measured 89.9): the same UI.
  // 90.1 → 91.1 (measured 90.9), → 94.2 (measured 94.0), → 96.4 (measured 96.2), → 99.7 (measured 99.5), → 101.0 (measured 100.8): the same.
  define: { bytes: 101.0 * KiB, kind: 'ratchet' },
} as const;

interface Row {
  name: string;
  what: string;
  limit?: (typeof LIMITS)[keyof typeof LIMITS];
  minified: number;
  gzip: number;
  /** With `--breakdown`: the row's bytes by source. */
  shares?: Share[];
}

/** One file's bytes, minified and gzipped. */
function sizeOf(text: string | Buffer): { minified: number; gzip: number } {
  return { minified: Buffer.byteLength(text), gzip: gzipBytes(text) };
}

/** Several files, each gzipped on its own (separate requests), summed. */
function sum(files: Array<string | Buffer>): { minified: number; gzip: number } {
  return files.map(sizeOf).reduce((a, b) => ({ minified: a.minified + b.minified, gzip: a.gzip + b.gzip }), { minified: 0, gzip: 0 });
}

interface ManifestChunk {
  file: string;
  name?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

/** Runs `vite build --mode <mode>` with the project's config into a fresh directory under `parent`. */
async function viteBuild(mode: string, parent: string): Promise<{ dir: string; cleanup(): void }> {
  const { build } = await import('vite');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `natter-size-${mode}-`));
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), mode, logLevel: 'error', build: { outDir: dir, emptyOutDir: true } });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Builds the script-tag files as `npm run build:web` does, into a temporary directory. */
async function buildCdn(): Promise<{ dir: string; manifest: Record<string, ManifestChunk>; cleanup(): void }> {
  const built = await viteBuild('cdn', tmpdir());
  return { ...built, manifest: JSON.parse(readFileSync(join(built.dir, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk> };
}

/**
 * Builds the package's browser modules as `npm run build:server` does (`vite build --mode lib`),
 * into a directory inside the repository so that their imports of lit and the rest resolve from
 * its node_modules, as they do from an app's.
 */
const buildLib = () => viteBuild('lib', join(ROOT, '.bench-build'));

/** The files fetched before the launcher shows: natter.js, the core entry, and its static imports. */
function firstPaintFiles(manifest: Record<string, ManifestChunk>): string[] {
  const core = Object.entries(manifest).find(([, c]) => c.isEntry && c.name === 'natter-core');
  if (!core) throw new Error('the CDN build has no natter-core entry');
  const files = new Set(['natter.js']);
  const todo = [core[0]];
  for (let key = todo.pop(); key !== undefined; key = todo.pop()) {
    const chunk = manifest[key]!;
    if (files.has(chunk.file)) continue;
    files.add(chunk.file);
    todo.push(...(chunk.imports ?? []));
  }
  return [...files];
}

const cdn = await buildCdn();
const rows: Row[] = [];
try {
  const read = (file: string) => readFileSync(join(cdn.dir, file));
  const first = firstPaintFiles(cdn.manifest);
  const all = readdirSync(cdn.dir).filter((f) => f.endsWith('.js'));
  const later = all.filter((f) => !first.includes(f));
  const withMap = (file: string) => ({ code: read(file).toString(), map: JSON.parse(read(`${file}.map`).toString()) as SourceMapV3, mapDir: cdn.dir });
  const sharesOf = (files: string[]) => (values.breakdown ? breakdown(files.map(withMap), ROOT) : undefined);
  rows.push({
    name: '(a) script tag, first paint',
    what: `${first.join(' + ')}: launcher, unread badge, client (${first.length} files)`,
    limit: LIMITS.firstPaint,
    ...sum(first.map(read)),
    shares: sharesOf(first),
  });
  rows.push({
    name: '(b) script tag, everything',
    what: `(a) + ${later.join(' + ')}: panel (fetched on idle, with the client's paths used only from it: sending, uploads, member lists, jump to a message), emoji list, every locale's strings (${all.length} files)`,
    limit: LIMITS.everything,
    ...sum(all.map(read)),
    shares: sharesOf(all),
  });
  for (const file of all) rows.push({ name: `    ${file.replace(/-[\w-]{8}\.js$/, '-<hash>.js')}`, what: first.includes(file) ? 'in (a)' : 'later', ...sizeOf(read(file)) });
} finally {
  cdn.cleanup();
}

const lib = await buildLib();
const define = join(lib.dir, 'elements/define.js');
try {
  rows.push({
    name: '(c) natter/define',
    what: 'the published package (`vite build --mode lib`) bundled as an app would: one ESM file with lit, nanostores, valibot … (every element, all of it)',
    limit: LIMITS.define,
    ...sizeOf(await bundle(define)),
    shares: values.breakdown ? await defineShares() : undefined,
  });
  rows.push({ name: 'natter/define (own code)', what: 'the same, dependencies external (an app already shipping lit); not gated', ...sizeOf(await bundle(define, { packages: 'external' })) });
} finally {
  lib.cleanup();
}
if (!values.check) {
  rows.push({ name: 'deep-chat', what: `deep-chat@${version('deep-chat')} main entry`, ...sizeOf(await bundle('deep-chat')) });
  rows.push({ name: 'vue-advanced-chat', what: `vue-advanced-chat@${version('vue-advanced-chat')} (Vue runtime inside)`, ...sizeOf(await bundle('vue-advanced-chat')) });
}

/** (c) again with an inline source map (the code before the map comment is the same as without). */
async function defineShares(): Promise<Share[]> {
  const text = await bundle(define, { sourcemap: 'inline', sourcesContent: false });
  const comment = /\n\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(text);
  if (!comment) throw new Error('esbuild wrote no inline source map');
  const map = JSON.parse(Buffer.from(comment[1]!, 'base64').toString()) as SourceMapV3;
  return breakdown([{ code: text.slice(0, comment.index + 1), map, mapDir: ROOT }], ROOT);
}

function version(pkg: string): string {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

const kb = (n: number) => fmt(n / KiB);
const firstPaint = rows[0]!.gzip;
const everything = rows[1]!.gzip;
const peer = (r: Row) => !r.name.startsWith('(') && !r.name.startsWith(' ') && !r.name.startsWith('natter');
console.log('\nSize: minified, then gzip -9 per file; KiB. Natter: vite build --mode cdn (a, b), vite build --mode lib then esbuild --bundle --minify (c); peers: esbuild --bundle --minify (es2022)\n');
console.log(
  table(
    ['bundle', 'what', 'minified KiB', 'gzip KiB', '× natter (b) everything', '× natter (a) first paint'],
    rows.map((r) => [r.name, r.what, kb(r.minified), kb(r.gzip), peer(r) ? fmt(r.gzip / everything) : '', peer(r) ? fmt(r.gzip / firstPaint) : '']),
  ),
);

if (values.breakdown) printBreakdown(rows.filter((r) => r.shares), Number(values.top));

/** Per row, its `top` largest sources; then every row by area. */
function printBreakdown(broken: Row[], top: number): void {
  const total = (list: Share[], key: 'minified' | 'gzipAlone' | 'gzip') => list.reduce((n, s) => n + s[key], 0);
  for (const r of broken) {
    const shares = r.shares!;
    const line = (label: string, list: Share[]) => [label, kb(total(list, 'minified')), kb(total(list, 'gzipAlone')), kb(total(list, 'gzip')), fmt((100 * total(list, 'gzip')) / r.gzip)];
    const rest = shares.slice(top);
    console.log(`\n${r.name}, ${kb(r.gzip)} KiB gzip: the top ${Math.min(top, shares.length)} of ${shares.length} sources (package, or file of ours)\n`);
    console.log(
      table(
        ['source', 'minified KiB', 'gzip KiB alone', 'gzip KiB in the row', '% of the row'],
        [...shares.slice(0, top).map((s) => line(s.source, [s])), ...(rest.length ? [line(`${rest.length} others`, rest)] : []), line('total', shares)],
      ),
    );
  }
  console.log('\n"alone": a source\'s bytes of each file gzipped on their own; "in the row": that, scaled per file so that the sources add up to the file\'s gzip.');
  const inArea = (r: Row, area: string) => total(r.shares!.filter((s) => areaOf(s.source) === area), 'gzip');
  const byEverything = (x: string, y: string) => inArea(broken[1] ?? broken[0]!, y) - inArea(broken[1] ?? broken[0]!, x);
  const areas = [...new Set(broken.flatMap((r) => r.shares!.map((s) => areaOf(s.source))))].sort(byEverything);
  console.log('\nBy area, gzip KiB in the row (% of it):\n');
  console.log(table(['area', ...broken.map((r) => r.name)], areas.map((area) => [area, ...broken.map((r) => `${kb(inArea(r, area))} (${fmt((100 * inArea(r, area)) / r.gzip)} %)`)])));
}

/** What a source is part of, for the breakdown's summary. */
function areaOf(source: string): string {
  if (!source.startsWith('src/')) return source.startsWith('(') ? source : 'dependencies (lit, valibot, nanostores, …)';
  if (/^src\/(client|protocol)\//.test(source)) return `${source.split('/')[1]} (src/${source.split('/')[1]})`;
  if (source.endsWith('.styles.ts')) return 'element styles (*.styles.ts)';
  if (source.startsWith('src/elements/i18n/locales/')) return 'translations (i18n/locales)';
  if (source.startsWith('src/elements/i18n/')) return 'English strings and i18n (i18n/)';
  if (source === 'src/elements/composer/emoji-data.ts') return 'emoji list (emoji-data.ts)';
  if (source.startsWith('src/elements/')) return 'element code';
  return 'script-tag loader (src/embed.ts, src/cdn)';
}

console.log('');
let over = 0;
for (const r of rows) {
  if (!r.limit) continue;
  const ok = r.gzip <= r.limit.bytes;
  if (!ok) over++;
  const line = `${ok ? 'ok' : values.check ? 'OVER LIMIT' : 'over limit'}: ${r.name.trim()} is ${kb(r.gzip)} KiB gzip (${r.limit.kind}: ${kb(r.limit.bytes)} KiB)`;
  if (ok) console.log(line);
  else console.error(line);
}
// Only the check fails the run; the benchmark reports.
if (over > 0 && values.check) process.exitCode = 1;
