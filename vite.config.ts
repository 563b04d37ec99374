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

/** The static demo app: `demo/` to `dist/demo/`, relocatable to any CDN path. */
const demo: UserConfig = {
  root: 'demo',
  base: './',
  plugins: [lowerDecorators()],
  build: {
    outDir: '../dist/demo',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    // The dev server proxies the chat server so the demo keeps its same-origin URLs.
    proxy: {
      '/v1': process.env.NATTER_SERVER ?? 'http://127.0.0.1:8787',
      '/ws': { target: process.env.NATTER_SERVER ?? 'http://127.0.0.1:8787', ws: true },
    },
  },
};

// More builds (the CDN script-tag bundle) join here, picked by `vite build --mode <name>`.
const builds: Record<string, UserConfig> = { demo };

export default defineConfig(({ mode }) => builds[mode] ?? demo);
