import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

/**
 * Vite 8 (rolldown/oxc) keeps standard decorators (`@property() accessor x`) as they are, and
 * browsers cannot run them yet. esbuild lowers them; this runs it first on our TypeScript
 * files that use decorators and leaves everything else to Vite.
 */
export function lowerDecorators(): Plugin {
  return {
    name: 'natter:lower-decorators',
    enforce: 'pre',
    async transform(code, id) {
      const file = id.split('?')[0];
      if (!file.endsWith('.ts') || file.includes('/node_modules/') || !/^\s*@\w/m.test(code)) return null;
      const out = await transform(code, { loader: 'ts', target: 'es2022', sourcemap: true, sourcefile: file });
      return { code: out.code, map: out.map };
    },
  };
}

/**
 * Minifies the CSS inside our `css\`…\`` literals (`*.styles.ts`), which a JS minifier leaves as
 * written: comments go, whitespace shrinks. Only rewrites that keep every selector's meaning
 * (spaces before `:` and around `+`/`-` stay: they can be combinators or calc() operators).
 */
export function minifyCssLiterals(): Plugin {
  const shrink = (text: string) =>
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/:\s+/g, ':')
      .replace(/;}/g, '}');
  return {
    name: 'natter:minify-css-literals',
    apply: 'build',
    transform(code, id) {
      if (!id.split('?')[0]!.endsWith('.styles.ts')) return null;
      // Only the literal text between interpolations is touched; `${…}` stays as it is. The map is
      // left as it was (null): these files hold nothing but styles, nothing worth stepping through.
      const out = code.replace(/css`([^`]*)`/g, (_m, body: string) => `css\`${body.split(/(\$\{[^}]*\})/).map((part, i) => (i % 2 ? part : shrink(part))).join('')}\``);
      return { code: out, map: null };
    },
  };
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Puts the script-tag file (built first, by `--mode cdn`) beside the demo as `cdn/natter.js`, so
 * the server that serves the demo serves it too and `examples/plain.html` can load it.
 */
function copyCdnBundle(): Plugin {
  const file = here('./dist/cdn/natter.js');
  return {
    name: 'natter:copy-cdn-bundle',
    apply: 'build',
    generateBundle() {
      if (!existsSync(file)) {
        this.warn('dist/cdn/natter.js is missing (run `vite build --mode cdn` first); examples/plain.html will not load it');
        return;
      }
      this.emitFile({ type: 'asset', fileName: 'cdn/natter.js', source: readFileSync(file) });
      if (existsSync(`${file}.map`)) this.emitFile({ type: 'asset', fileName: 'cdn/natter.js.map', source: readFileSync(`${file}.map`) });
    },
  };
}

/** The static demo app: `demo/` to `dist/demo/`, relocatable to any CDN path. */
const demo: UserConfig = {
  root: 'demo',
  base: './',
  plugins: [lowerDecorators(), copyCdnBundle()],
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
 * The script-tag file `dist/cdn/natter.js` (`vite build --mode cdn`): `src/embed.ts` and
 * everything it imports in one classic script (IIFE, global `Natter`), so it runs from a plain
 * `<script src>` on any page and any path, and reads `document.currentScript`.
 */
const cdn: UserConfig = {
  plugins: [lowerDecorators(), minifyCssLiterals()],
  publicDir: false,
  // Libraries written for bundlers read process.env.NODE_ENV, which a browser does not have.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist/cdn',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: true,
    lib: {
      entry: here('./src/embed.ts'),
      name: 'Natter',
      formats: ['iife'],
      fileName: () => 'natter.js',
    },
  },
};

// Picked by `vite build --mode <name>`; `npm run build:web` builds `cdn`, then the demo.
const builds: Record<string, UserConfig> = { demo, cdn };

export default defineConfig(({ mode }) => builds[mode] ?? demo);
