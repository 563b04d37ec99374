/** esbuild helpers shared by the size and render benchmarks (esbuild ships with Vite). */
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';

export const ROOT = new URL('../..', import.meta.url).pathname;

/** Bundles one entry (a file or a package name resolved from the repo) into a string. */
export async function bundle(entry: string, options: BuildOptions = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    legalComments: 'none',
    // Packages written for bundlers read process.env.NODE_ENV; a production build sets it.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
    ...options,
  });
  return result.outputFiles![0]!.text;
}

/** Bytes after gzip -9, as a CDN would serve it at best (before Brotli). */
export function gzipBytes(code: string | Uint8Array): number {
  return gzipSync(code, { level: 9 }).length;
}
