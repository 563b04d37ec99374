/**
 * How a test runs `natter-server` as a child process: the node arguments before its own.
 *
 * The compiled `dist/server/main.js` when the build is there and newer than every file under
 * src/ (`npm test` builds before it runs the Node suites), else `src/server/main.ts` under tsx
 * (a checkout not built, or edited since its build: the test runs what the sources say).
 * The same `main`; tsx only costs its start-up (compiling the server's modules on the fly: about
 * 1.5 s of each start on a loaded 2-core machine, and the cluster tests start dozens of nodes).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../..', import.meta.url).pathname;
const SOURCE = join(ROOT, 'src/server/main.ts');
const BUILT = join(ROOT, 'dist/server/main.js');

/** Whether dist/server/main.js exists and was written after the last change under src/. */
export function builtIsFresh(root = ROOT): boolean {
  const built = join(root, 'dist/server/main.js');
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  const src = join(root, 'src');
  for (const path of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    const stat = statSync(join(src, path));
    if (stat.isFile() && stat.mtimeMs > builtAt) return false;
  }
  return true;
}

let built: boolean | undefined;

/** The entry to run and the node arguments before it (tsx's `--import` for the sources). */
export function serverMain(): { entry: string; nodeArgs: string[] } {
  built ??= builtIsFresh();
  return built ? { entry: BUILT, nodeArgs: [] } : { entry: SOURCE, nodeArgs: ['--import', 'tsx'] };
}

/**
 * The arguments of `spawn(process.execPath, …)`. `preload`: a TypeScript module the child imports
 * before main (under tsx, loaded for it alone when main is the build).
 */
export function serverMainArgs(preload?: string): string[] {
  const { entry, nodeArgs } = serverMain();
  return preload ? ['--import', 'tsx', '--import', preload, entry] : [...nodeArgs, entry];
}
