import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import type { ChunkingContext, OutputBundle, OutputChunk, PluginContext } from 'rolldown';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { lowerAccessorDecoratorPlugins } from './scripts/lower-decorators.js';
import { minifyCssLiterals } from './scripts/minify-css-literals.js';
import { minifyHtmlLiteralsPlugin } from './scripts/minify-html-literals.js';
import { pureValibotPlugin } from './scripts/pure-valibot.js';
import { dropErrorSentencesPlugin } from './scripts/drop-error-sentences.js';
import { englishChunkPlugin } from './scripts/english-chunk.js';
import { localePartsPlugin } from './scripts/locale-parts.js';
import { inlineLimitsPlugin } from './scripts/inline-limits.js';
import { LIMITS } from './src/protocol/limits.js';
import { shortCssVarsPlugin } from './scripts/short-css-vars.js';
import { shortPrivateMembersPlugin } from './scripts/short-private-members.js';
import { shortMsgIdsPlugin } from './scripts/short-msg-ids.js';
import { shortChunkExportsPlugin } from './scripts/short-chunk-exports.js';
import { slimLocalizePlugin } from './scripts/slim-localize.js';
import { slimPartysocketPlugin } from './scripts/slim-partysocket.js';

/**
 * Vite 8 (rolldown/oxc) keeps standard decorators (`@property() accessor x`) as they are, and
 * browsers cannot run them yet. esbuild lowers them; this runs it first on our TypeScript
 * files that use decorators and leaves everything else to Vite. (Decorators on auto-accessors
 * only, which is all our elements have, are lowered before this, and far smaller, by
 * `scripts/lower-decorators.ts`; this takes any other.)
 *
 * esbuild's `transform` writes its helpers (`__decorateElement`, `__privateGet` …) into every file
 * it lowers, one copy per element. They are the same text each time, so each file imports them
 * from one shared module instead (a file whose helpers differ from it keeps its own copy).
 */
export function lowerDecorators(): Plugin {
  const HELPERS = '\0natter:decorator-helpers';
  let shared: Promise<Map<string, string>> | undefined;
  // One class that makes esbuild write every helper its decorator lowering uses.
  const everyHelper = () =>
    (shared ??= transform(
      `const d = (..._: unknown[]) => undefined as any;
      @d class A extends Object {
        @d accessor a = 1; @d static accessor b = 2; @d accessor #c = 3; @d f = 1; @d #pf = 2; @d static sf = 3;
        @d m() {} @d #pm() {} @d static sm() {} @d get g() { return 1; } @d set g(_v) {} @d get #pg() { return 1; } @d set #pg(_v) {}
        #x = 1; static #y = 2; static z = 3; w = () => this.#x; get #r() { return 1; } set #r(_v) {}
        #q() { return #x in this; } n() { this.#x++; }
        t() { return [this.#q(), this.#r, (this.#r = 2), A.#y, super.toString(), this.#c, this.#pg, this.#pm()]; }
      }`,
      { loader: 'ts', target: 'es2022' },
    ).then((out) => helperPreamble(out.code).helpers));
  return {
    name: 'natter:lower-decorators',
    enforce: 'pre',
    resolveId: (id) => (id === HELPERS ? id : null),
    async load(id) {
      if (id !== HELPERS) return null;
      const helpers = await everyHelper();
      return `${[...helpers.values()].join('\n')}\nexport { ${[...helpers.keys()].join(', ')} };\n`;
    },
    async transform(code, id) {
      const file = id.split('?')[0];
      if (!file.endsWith('.ts') || file.includes('/node_modules/') || !/^\s*@\w/m.test(code)) return null;
      const out = await transform(code, { loader: 'ts', target: 'es2022', sourcemap: true, sourcefile: file });
      const own = helperPreamble(out.code);
      const helpers = await everyHelper();
      if (own.helpers.size === 0 || [...own.helpers].some(([name, text]) => helpers.get(name) !== text)) return { code: out.code, map: out.map };
      // The import takes the helpers' place, padded to the same number of lines so the map still fits.
      const use = `import { ${[...own.helpers.keys()].join(', ')} } from '${HELPERS}';${'\n'.repeat(own.lines)}`;
      return { code: use + out.code.split('\n').slice(own.lines).join('\n'), map: out.map };
    },
  };
}

/**
 * The helper declarations esbuild puts at the top of its output (`var __name = …;`, possibly over
 * several lines, continuation lines indented or starting with `}`): by name, and how many lines.
 */
function helperPreamble(code: string): { helpers: Map<string, string>; lines: number } {
  const helpers = new Map<string, string>();
  const lines = code.split('\n');
  let name = '';
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const start = /^var (__\w+) = /.exec(line);
    if (start) helpers.set((name = start[1]!), line);
    else if (name && /^[\s}]/.test(line)) helpers.set(name, `${helpers.get(name)}\n${line}`);
    else break;
  }
  return { helpers, lines: i };
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Puts the script-tag files (built first, by `--mode cdn`: `natter.js` and its chunks) beside the
 * demo under `cdn/`, so the server that serves the demo serves them too and
 * `examples/plain.html` can load them.
 */
function copyCdnBundle(): Plugin {
  const dir = here('./dist/cdn');
  return {
    name: 'natter:copy-cdn-bundle',
    apply: 'build',
    generateBundle() {
      if (!existsSync(`${dir}/natter.js`)) {
        this.warn('dist/cdn/natter.js is missing (run `vite build --mode cdn` first); examples/plain.html will not load it');
        return;
      }
      for (const name of readdirSync(dir)) {
        if (/\.js(\.map)?$/.test(name)) this.emitFile({ type: 'asset', fileName: `cdn/${name}`, source: readFileSync(`${dir}/${name}`) });
      }
    },
  };
}

/**
 * `examples/plain.html` shows the integration as a site writes it: a classic `<script src>` of
 * `cdn/natter.js` (copied there by `copyCdnBundle`), which Vite must leave alone. Vite warns
 * that a classic script cannot be bundled, so its `src` is hidden from Vite's HTML pass and put
 * back in the output, unchanged.
 */
function classicNatterScript(): Plugin[] {
  const HIDDEN = 'data-natter-classic-src=';
  return [
    {
      name: 'natter:classic-natter-script:hide',
      apply: 'build',
      transformIndexHtml: { order: 'pre', handler: (html) => html.replace(/(<script\b[^>]*?\s)src=(?="[^"]*\/cdn\/natter\.js")/g, `$1${HIDDEN}`) },
    },
    {
      name: 'natter:classic-natter-script:restore',
      apply: 'build',
      transformIndexHtml: { order: 'post', handler: (html) => html.replaceAll(HIDDEN, 'src=') },
    },
  ];
}

/** The static demo app: `demo/` to `dist/demo/`, relocatable to any CDN path. */
const demo: UserConfig = {
  root: 'demo',
  base: './',
  plugins: [lowerAccessorDecoratorPlugins(), lowerDecorators(), copyCdnBundle(), ...classicNatterScript()],
  resolve: {
    // The Vue example compiles its template in the page, which needs Vue's full build.
    alias: [{ find: /^vue$/, replacement: 'vue/dist/vue.esm-bundler.js' }],
  },
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  // The in-browser server (`src/local/worker.ts`, the server core with a memory store), started by
  // `demo/main.ts` as `new SharedWorker(new URL(…))`: its own module chunk in dist/demo/assets.
  worker: { format: 'es' },
  build: {
    outDir: '../dist/demo',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rollupOptions: {
      // Its report of slow plugins depends on how busy the machine is: not a warning about the build.
      // The demo pages import natter/define, which registers the panel's elements up front, so
      // `<chat-widget>`'s lazy `import('./panel.js')` finds them bundled already, as intended here
      // (the script tag's build is where the panel is a chunk of its own).
      checks: { pluginTimings: false, ineffectiveDynamicImport: false },
      input: {
        index: here('./demo/index.html'),
        plain: here('./demo/examples/plain.html'),
        react: here('./demo/examples/react.html'),
        vue: here('./demo/examples/vue.html'),
      },
    },
  },
  server: {
    // The dev server proxies the chat server so the demo keeps its same-origin URLs.
    proxy: {
      '/v1': process.env.NATTER_SERVER ?? 'http://127.0.0.1:8787',
      // The demo asks /healthz whether a server is there (else it runs the in-browser one).
      '/healthz': process.env.NATTER_SERVER ?? 'http://127.0.0.1:8787',
      '/ws': { target: process.env.NATTER_SERVER ?? 'http://127.0.0.1:8787', ws: true },
    },
  },
};

/**
 * Vite wraps every `import()` in a helper that preloads the imported chunk's own imports and, when
 * the import fails, fires `vite:preloadError` on `window`. Ours have nothing to preload (the lazy
 * chunks import only the core, already loaded; `modulePreload: false`), and that event belongs to
 * the host page: a page built with Vite may reload itself on it. The helper becomes a plain call.
 */
function noPreloadHelper(): Plugin {
  const HELPER = '\0vite/preload-helper.js';
  return {
    name: 'natter:no-preload-helper',
    enforce: 'pre',
    apply: 'build',
    resolveId: (id) => (id === HELPER ? id : null),
    load: (id) => (id === HELPER ? 'export const __vitePreload = (load) => load();' : null),
  };
}

/**
 * Our sources as the shipped builds (the script tag, the package) carry them: TypeScript's
 * `private` members of the elements and the client named `_0`, `_1` … (`scripts/short-private-members.ts`), decorators lowered,
 * the CSS of `css` literals and the indentation of templates shrunk, the elements' private custom
 * properties named `--_a`, `--_b` … (`scripts/short-css-vars.ts`), our valibot calls marked pure
 * (`scripts/pure-valibot.ts`, so that a bundler drops the schemas nothing uses in any chunk); and
 * partysocket's socket slimmed (`scripts/slim-partysocket.ts`; the package leaves partysocket to
 * the app's bundler).
 */
function shippedSources(): Plugin[] {
  return [shortPrivateMembersPlugin([here('./src/elements'), here('./src/client')]), ...lowerAccessorDecoratorPlugins(), lowerDecorators(), minifyCssLiterals(), minifyHtmlLiteralsPlugin(), shortCssVarsPlugin(here('./src/elements'), here('./custom-elements.json')), pureValibotPlugin(), slimPartysocketPlugin(), slimLocalizePlugin()];
}

/**
 * Which chunk a module of the script tag goes to: the core entry's static closure is named
 * `natter-core` (the entry's own chunk), everything else goes with the panel's elements into
 * `natter-panel-<hash>.js` (one file, one gzip stream), except the translations, which keep
 * chunks of their own (fetched only when another language shows). So the client's rare paths that are `import()`ed (jump to a message, file
 * probing and upload …) leave the first paint without adding a file to "everything": a page has
 * the panel by the time anyone can use them, and the headless client (in Node, or bundled by an
 * app) still loads them on first use. The features most visitors never open are the exception:
 * they go to `natter-extras-<hash>.js` (see LAZY_FEATURES). Rolldown's own runtime (the namespace
 * objects of `import()`ed modules that share a chunk, 0.2 KiB) is never offered to this function
 * and makes a small chunk of its own, which the panel's chunk imports.
 *
 * The core's modules are assigned explicitly, not left to Rolldown's default splitting: that one
 * (1.2) puts a module the core and a lazily loaded module both use into a shared chunk of its own
 * whenever it cannot prove the core is loaded first, which it failed to for valibot, nanostores'
 * atom, the protocol's ids, limits and error codes and Vite's preload helper once the merged
 * features' `import()`s (the panel's, the client's rare paths, the group
 * dialogs) came together, though each branch alone built.
 */
function scriptTagChunk(id: string, ctx: ChunkingContext): string | null {
  const part = LOCALE_MODULE.exec(id);
  // A catalogue's second part (scripts/locale-parts.ts): `natter-<locale>-extras-<hash>.js`.
  if (part?.[2]) return `${part[1]}-extras`;
  if (part || id === here('./src/embed.ts')) return null;
  chunkOf ??= chunkTable(ctx);
  return chunkOf.get(id) ?? 'panel';
}
let chunkOf: Map<string, string> | undefined;
/** A catalogue's module (`locales/<locale>.ts`), or its second part (`?extras`, scripts/locale-parts.ts). */
const LOCALE_MODULE = /[\\/]locales[\\/]([^\\/]+)\.ts(\?extras)?$/;
/** Forgets the chunks' modules at the start of each build (watch mode, several builds in one process). */
const resetPanelChunk: Plugin = { name: 'natter:reset-panel-chunk', apply: 'build', buildStart: () => void (chunkOf = undefined) };

/**
 * Features most visitors never open, in one chunk of their own (`natter-extras-<hash>.js`) that
 * the panel's code `import()`s on first use, so that opening the widget to read and send text does
 * not download them (the size benchmark's row (b′)): the group dialogs and people views (profile
 * card, contacts) with the client's group actions (not its friend actions: presence, shown in the
 * list, loads them), `<forward-dialog>`, `<chat-search>` and the client's search, `<media-viewer>` (with `thread/media-items.ts`, which gathers the thread's pictures for it),
 * the report dialog, the voice recorder and its recording bar, the upload code (not the file tickets: every stored file's
 * URL, pictures included, needs them), `<broadcast-banner>` (loaded once the user has a broadcast),
 * the list of who reacted to a message, the composer's @mention list (loaded on the first `@` in a group),
 * Web Push's subscribing (a page with a service worker, once notifications are allowed), formatted text's parser and
 * renderer (`markdown/`: a text with formatting marks shows plain until they are in, then formatted, as
 * `thread/elems/formatted.ts` does for any load), the client's link preview fetch (`client.linkPreview`, a request to
 * the server in any case), the page's notifier (attached once the panel is in, or, saving data, with the first message from someone
 * else while the page is hidden; it acts on messages that arrive while the page is hidden), the thread's pictures, players and file and location cards (`thread/elems/media-elems.ts`:
 * a same-sized placeholder shows until they are in), what a message's open menu does (`thread/message-menu.ts`: its items and
 * keys, the reaction picker, multi-select's bar, their styles; the `⋯` opens it once it is in), the client's jump to a message it does not hold (`client.loadAround`:
 * a reply quote's, a pinned message's or a search result's target further back than the pages held; reading, paging back
 * and the jump to the first unread message are `load-older`'s, in the panel's chunk), the composer's reply, edit and link
 * preview bars (`composer/compose-bars.ts`, with their styles and labels: the keys and the sending stay in the panel's chunk),
 * an upload's progress bar (`thread/upload-progress.ts`: only the upload code, itself loaded on first use, makes progress),
 * the list of who read an own group message (`thread/reader-list.ts`: its "Read by n of m" opens it once it is in), the client's
 * presence tracker (`client.presence()`, already an `import()`: the list's dots and the thread header's "last seen" show once
 * it is in, as they do once the server's first presence arrives; the elements' presence labels stay in the panel's chunk: loaded
 * lazily too, they took 0.3 KiB off (b′) but their loading glue put (c) 0.09 over its ratchet), the client's friend actions (`client.friends()`:
 * the people views and the presence tracker load them) and its file tickets (`client.fileUrl`'s cache: a stored file's URL is
 * blank until its ticket has come in any case, and the files shown, the thread's pictures, players and cards, come with this
 * chunk too), the sentences of why a message or a change failed (`i18n/errors.ts`: the thread's failure row keeps their line,
 * a no-break space, until they are in: `thread/failure.ts`, errorLine) and the emoji picker with its list (a chunk of their
 * own until h2's round 4: in this one they compress with the element code around them, −0.5 KiB in (b); the first press of
 * the emoji button on a connection that saves data, which fetches nothing ahead of use, fetches this chunk). One chunk, not
 * one per feature: each file is gzipped apart, and eight of them cost 4.5 KiB more in (b) than one.
 */
const LAZY_FEATURES = [
  'src/elements/groups/group-elements.ts',
  'src/client/group-actions.ts',
  'src/elements/forward-dialog.ts',
  'src/elements/search/chat-search.ts',
  'src/client/search.ts',
  'src/elements/media-viewer.ts',
  'src/elements/thread/report-dialog.ts',
  'src/client/report.ts',
  'src/elements/composer/voice-bar.ts',
  'src/client/upload.ts',
  'src/elements/broadcast-banner.ts',
  'src/elements/thread/changes/reactors.ts',
  'src/elements/composer/mention-list.ts',
  'src/elements/notify/push-subscribe.ts',
  'src/client/push-actions.ts',
  'src/elements/markdown/render.ts',
  'src/client/link-preview.ts',
  'src/elements/notify/page-notifier.ts',
  'src/elements/thread/elems/media-elems.ts',
  'src/elements/thread/message-menu.ts',
  'src/client/load-around.ts',
  'src/elements/composer/compose-bars.ts',
  'src/elements/thread/upload-progress.ts',
  'src/elements/thread/reader-list.ts',
  'src/elements/thread/media-items.ts',
  'src/client/presence.ts',
  'src/client/friend-actions.ts',
  'src/client/file-tickets.ts',
  'src/elements/i18n/errors.ts',
  'src/elements/composer/emoji-picker.ts',
  'src/elements/composer/emoji-data.ts',
];

/**
 * Each module's chunk: the core entry's static closure (but PANEL_ONLY) is `natter-core`; a module
 * the lazy features reach by static imports, and neither the core nor the panel's modules do, is
 * `extras`; every other module is left out (it goes to the panel's chunk).
 */
function chunkTable(ctx: ChunkingContext): Map<string, string> {
  const core = staticClosure(here('./src/cdn/core.ts'), ctx);
  // The panel's chunk: the panel's module, and every other module `import()`ed (the client's rare
  // paths), with what they import; but the features' entries and the locales.
  const features = new Set(LAZY_FEATURES.map((entry) => here(`./${entry}`)));
  const roots = [...dynamicTargets(here('./src/cdn/core.ts'), ctx)].filter((id) => !features.has(id) && !LOCALE_MODULE.test(id));
  const panel = new Set(roots.flatMap((root) => [...staticClosure(root, ctx)]));
  const table = new Map<string, string>();
  for (const entry of features) for (const id of staticClosure(entry, ctx)) if (!core.has(id) && !panel.has(id)) table.set(id, 'extras');
  for (const id of core) if (!PANEL_ONLY.test(id)) table.set(id, 'natter-core');
  return table;
}

/**
 * Modules the core's imports reach but the core does not use (tree-shaken there): the context
 * provider that only `<chat-session>` uses, Lit's `@query` (the launcher has none), and the
 * client's types module and the @lit/localize runtime (the core has only `msg()` and `str`:
 * `src/elements/i18n/core-locale.ts` loads the rest when a page is not English). Should the core come to
 * use one, the build fails (classicLoader: the core may not import another chunk).
 */
const PANEL_ONLY =
  /[\\/](@lit[\\/]context[\\/]lib[\\/](decorators[\\/]provide|controllers[\\/]context-provider|value-notifier)\.js|@lit[\\/]reactive-element[\\/]decorators[\\/](base|query)\.js|src[\\/]client[\\/]types\.ts|@lit[\\/]localize[\\/](init[\\/](runtime|transform)|internal[\\/](deferred|id-generation|fnv1a64|runtime-msg|locale-status-event|localized-controller|localized-decorator))\.js)$/;

/** Every module `import()`ed by a module that `entry` reaches, by static and dynamic imports. */
function dynamicTargets(entry: string, ctx: ChunkingContext): Set<string> {
  const seen = new Set<string>();
  const targets = new Set<string>();
  for (const todo = [entry]; todo.length; ) {
    const next = todo.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const info = ctx.getModuleInfo(next);
    for (const id of info?.dynamicallyImportedIds ?? []) targets.add(id);
    todo.push(...(info?.importedIds ?? []), ...(info?.dynamicallyImportedIds ?? []));
  }
  return targets;
}

/** The module and every module it imports statically, transitively. */
function staticClosure(entry: string, ctx: ChunkingContext): Set<string> {
  const seen = new Set<string>();
  for (const todo = [entry]; todo.length; ) {
    const next = todo.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(ctx.getModuleInfo(next)?.importedIds ?? []));
  }
  return seen;
}

/**
 * The build error for a core chunk that imports other chunks. It names the static imports that
 * cross from the core's modules into those chunks (the one the core uses among them): one of
 * PANEL_ONLY's modules the core came to use (listed last: most are imported but tree-shaken), the
 * feature loaded on first use or a translation imported statically (both must stay `import()`s), or a module the
 * core reaches by a path `staticClosure` does not see.
 */
function coreImportsError(ctx: PluginContext, core: OutputChunk, bundle: OutputBundle): string {
  const short = (id: string) => id.replace(here('./'), '');
  const outside = new Map(core.imports.flatMap((file) => { const c = bundle[file]; return c?.type === 'chunk' ? c.moduleIds.map((id) => [id, file] as const) : []; }));
  const crossing = core.moduleIds
    .flatMap((id) => (ctx.getModuleInfo(id)?.importedIds ?? []).filter((to) => outside.has(to)).map((to) => ({ text: `${short(id)} -> ${short(to)} (${outside.get(to)})`, expected: PANEL_ONLY.test(to) })))
    .sort((x, y) => Number(x.expected) - Number(y.expected));
  return `the natter-core chunk must not import other chunks (${core.imports.join(', ')}); the core's static imports into them: ${crossing.map((c) => c.text).join('; ') || 'none found'}`;
}

/**
 * Each catalogue's strings in two parts (scripts/locale-parts.ts): what shows without the
 * features loaded on first use, fetched with the panel, and the rest, fetched with those features.
 * An element's `import()` of one of LAZY_FEATURES waits for
 * the second part; the page's notifier's does not (the panel imports it at once, or with a message that
 * arrives while the page is hidden, and it speaks only then), so its few strings are in the first.
 */
function localeParts(): Plugin {
  const i18n = here('./src/elements/i18n');
  const lazy = new Set(LAZY_FEATURES.filter((f) => f !== 'src/elements/notify/page-notifier.ts').map((f) => here(`./${f}`)));
  return localePartsPlugin({
    localesDir: `${i18n}/locales`,
    helperModule: `${i18n}/localize.ts`,
    entries: [here('./src/embed.ts'), here('./src/cdn/core.ts')],
    isLazy: (id) => lazy.has(id),
  });
}

/**
 * terser's compressor and mangler over the script tag's module chunks, after Rolldown's own
 * minifier (oxc): it still finds what oxc leaves (−0.37 KiB gzip in the core chunk, −0.28 in the
 * panel's), while terser in oxc's place (`build.minify: 'terser'`) gave larger files than oxc
 * alone. A chunk keeps terser's output only where it gzips smaller (the locale chunks, string
 * tables, grew by 0.05 each and stay as oxc wrote them). Safe options only (no `unsafe*`, no
 * `pure_getters`); export names stay (`module: true` renames only what the chunk keeps to itself).
 * Each chunk's source map is carried through (terser composes its map with the chunk's), so the
 * size benchmark's breakdown still names the sources. Not `natter.js`: a classic script, which
 * `classicLoader` wraps, and 0.7 KiB.
 */
function terserPass(): Plugin {
  return {
    name: 'natter:terser-pass',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const { minify } = await import('terser');
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || chunk.fileName === 'natter.js') continue;
        const mapName = `${chunk.fileName}.map`;
        const mapAsset = bundle[mapName];
        const inputMap = mapAsset?.type === 'asset' ? JSON.parse(String(mapAsset.source)) : chunk.map;
        const comment = /\n*(\/\/# sourceMappingURL=\S+)\s*$/.exec(chunk.code);
        const body = comment ? chunk.code.slice(0, comment.index) : chunk.code;
        // One compress pass, two and three: each chunk keeps the one that gzips smaller (two save 0.05 KiB in the
        // panel's chunk and cost 0.02 in the core's; a third takes 0.017 more off (b′) and (b), four nothing more).
        const runs = await Promise.all([1, 2, 3].map((passes) => minify(body, {
          module: true,
          ecma: 2020,
          compress: { passes },
          mangle: true,
          format: { comments: false },
          ...(inputMap ? { sourceMap: { content: structuredClone(inputMap), asObject: true } } : {}),
        })));
        if (runs.some((r) => r.code === undefined)) return this.error(`terser wrote nothing for ${chunk.fileName}`);
        const sized = runs.map((r) => ({ r, gzip: gzipSync(r.code!, { level: 9 }).length })).sort((a, b) => a.gzip - b.gzip);
        const out = sized[0]!.r;
        const code = out.code!;
        // Kept only where it is smaller as a CDN serves it: on the locale chunks (string tables) it is not.
        if (sized[0]!.gzip >= gzipSync(body, { level: 9 }).length) continue;
        chunk.code = comment ? `${code}\n${comment[1]}\n` : code;
        if (!inputMap || typeof out.map !== 'object') continue;
        const { sources, names, mappings } = out.map;
        // terser's composed map lists the sources it kept, with no content for some: each takes the chunk map's.
        const contentOf = (source: string | null) => (source === null ? null : (inputMap.sourcesContent?.[inputMap.sources.indexOf(source)] ?? null));
        const map = { version: 3, file: chunk.fileName, sources, sourcesContent: sources.map(contentOf), names, mappings };
        // Both: Rolldown writes the `.map` file from the chunk's map, not from the asset alone.
        if (chunk.map) Object.assign(chunk.map, map);
        if (mapAsset?.type === 'asset') mapAsset.source = JSON.stringify(map);
      }
    },
  };
}

/** Stands for the core chunk's file name in `src/embed.ts` until the build knows it. */
const CORE_FILE = '__NATTER_CORE_FILE__';

/**
 * Turns the `natter` entry (`src/embed.ts`) into a classic script: the build emits it as an ES
 * chunk, which is a valid script only while it imports and exports nothing statically (checked
 * here), wrapped in a function so that its top-level names stay its own (a second copy on the
 * page must not collide), and told the hashed name of the core chunk it imports.
 */
function classicLoader(): Plugin {
  return {
    name: 'natter:classic-loader',
    apply: 'build',
    generateBundle(_options, bundle) {
      const loader = bundle['natter.js'];
      const core = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry && c.name === 'natter-core');
      if (loader?.type !== 'chunk' || !core) return this.error('natter.js or the natter-core chunk is missing');
      if (loader.imports.length || loader.exports.length || loader.dynamicImports.length || /\bimport\.meta\b/.test(loader.code)) {
        return this.error(`natter.js must not import, export or use import.meta (it is a classic script): imports ${loader.imports.join(', ')}; exports ${loader.exports.join(', ')}`);
      }
      if (loader.code.split(CORE_FILE).length !== 2) return this.error(`natter.js must name ${CORE_FILE} exactly once`);
      // One request for the launcher: the core holds what it imports (scriptTagChunk names the
      // core's static closure; a module it leaves out that the core still uses is named here).
      if (core.type === 'chunk' && core.imports.length) return this.error(coreImportsError(this, core, bundle));
      // The wrapper's head gets a line of its own, and the source map (an asset by now, or still
      // the chunk's map) moves down one line with the code.
      const mapComment = /\n*(\/\/# sourceMappingURL=\S+)\s*$/.exec(loader.code);
      const body = mapComment ? loader.code.slice(0, mapComment.index) : loader.code;
      loader.code = `(()=>{"use strict";\n${body.replace(CORE_FILE, `./${core.fileName}`)}\n})();\n${mapComment?.[1] ?? ''}`;
      const mapAsset = bundle['natter.js.map'];
      if (mapAsset?.type === 'asset') {
        const map = JSON.parse(String(mapAsset.source)) as { mappings: string };
        mapAsset.source = JSON.stringify({ ...map, mappings: `;${map.mappings}` });
      } else if (loader.map) loader.map.mappings = `;${loader.map.mappings}`;
    },
  };
}

/**
 * The script-tag files in `dist/cdn/` (`vite build --mode cdn`): `natter.js`, the classic script a
 * page includes (`src/embed.ts`, see `classicLoader`), and the ES module chunks it imports from
 * beside itself: `natter-core-<hash>.js` (`src/cdn/core.ts`: `<chat-widget>`'s closed state and
 * the client) and the chunks that one imports later (`natter-panel-<hash>.js`: the panel's
 * elements; `natter-extras-<hash>.js`, the features loaded on first use). Chunk names carry a content hash, so a CDN may cache
 * them forever; `natter.js` names the current core. `.vite/manifest.json` lists the chunks and
 * what each imports (the size benchmark reads it).
 */
const cdn: UserConfig = {
  // The ids of the strings short (scripts/short-msg-ids.ts): the script tag's copy of @lit/localize is its own.
  // The client's own errors without their English sentences (scripts/drop-error-sentences.ts).
  // English out of the msg() calls into the `en` locale chunk, but the launcher's (scripts/english-chunk.ts).
  // The protocol's `LIMITS` read as literals, so the object (mostly the server's limits) is left out (scripts/inline-limits.ts).
  // Each chunk's exports named as its bindings, after terser (scripts/short-chunk-exports.ts).
  plugins: [inlineLimitsPlugin({ [here('./src/protocol/limits.ts')]: { LIMITS } }), shortMsgIdsPlugin(here('./src/elements/i18n/locales')), englishChunkPlugin(here('./src/elements/i18n/locales'), [here('./src/elements/i18n/widget.ts')]), localeParts(), dropErrorSentencesPlugin([here('./src/client')]), ...shippedSources(), classicLoader(), terserPass(), shortChunkExportsPlugin(['natter.js']), noPreloadHelper(), resetPanelChunk],
  publicDir: false,
  // Libraries written for bundlers read process.env.NODE_ENV, which a browser does not have.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist/cdn',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: true,
    manifest: true,
    // Nothing to preload: the core chunk holds everything the launcher needs, and a lazy chunk
    // imports only what is already loaded (see noPreloadHelper).
    modulePreload: false,
    rollupOptions: {
      checks: { pluginTimings: false },
      // A property read is taken to have no side effect (Rollup's "smallest" preset does the same):
      // module-level reads such as `LIMITS.groupAtUsers` in a schema nothing uses no longer keep
      // it, and a value read once is inlined. No module here reads a property for its getter's
      // effect: against the build without it, only reads in our modules, valibot's and
      // partysocket's changed. −0.1 KiB gzip in each row.
      treeshake: { propertyReadSideEffects: false },
      input: { natter: here('./src/embed.ts'), 'natter-core': here('./src/cdn/core.ts') },
      // The core entry may export more than src/cdn/core.ts (what the lazy chunks import from it).
      preserveEntrySignatures: 'allow-extension',
      output: {
        format: 'es',
        entryFileNames: (chunk) => (chunk.name === 'natter' ? 'natter.js' : '[name]-[hash].js'),
        chunkFileNames: 'natter-[name]-[hash].js',
        codeSplitting: { includeDependenciesRecursively: false, groups: [{ name: scriptTagChunk }] },
      },
    },
  },
};

/**
 * The browser side of the npm package (`natter`, `natter/define`, `natter/protocol`), written over
 * what `tsc` emitted for those modules in `dist/` (its `.d.ts` files stay): one file per source
 * module, dependencies left as imports for the app's bundler, not minified (the app minifies).
 * What an app's minifier cannot do is done here, as in the script-tag build: accessor decorators
 * lowered by our small pass (tsc and esbuild write a helper call per field), the CSS in `css`
 * literals and the indentation in templates shrunk.
 */
/**
 * Every protocol module as an entry of `lib` (`protocol/index` among them): the server, as tsc
 * emitted it in `dist/server/`, imports them too, and the files this build writes over tsc's must
 * keep every export, not only those the browser modules use (a shared module's export used by the
 * server alone, such as search.ts's termChars, was left out and the built server did not start).
 */
function protocolEntries(): Record<string, string> {
  const dir = here('./src/protocol');
  return Object.fromEntries(readdirSync(dir).filter((f) => /^[\w-]+\.ts$/.test(f)).map((f) => [`protocol/${f.slice(0, -3)}`, `${dir}/${f}`]));
}

const lib: UserConfig = {
  plugins: shippedSources(),
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: {
      entry: { index: here('./src/index.ts'), 'elements/define': here('./src/elements/define.ts'), ...protocolEntries() },
      formats: ['es'],
    },
    rollupOptions: {
      checks: { pluginTimings: false },
      // Every package import stays an import: the app resolves and dedupes lit, valibot ….
      external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[A-Za-z]:/.test(id),
      output: {
        preserveModules: true,
        preserveModulesRoot: here('./src'),
        // Virtual modules (the accessor decorators' helpers) land in `_virtual/`.
        entryFileNames: '[name].js',
      },
    },
  },
};

// Picked by `vite build --mode <name>`; `npm run build:web` builds `cdn`, then the demo;
// `npm run build:server` builds the package with tsc, then `lib` over its browser modules.
const builds: Record<string, UserConfig> = { demo, cdn, lib };

export default defineConfig(({ mode }) => builds[mode] ?? demo);
