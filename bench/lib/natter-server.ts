/**
 * Starts the real `natter-server` entry point as a child process for a benchmark, with an admin
 * helper and locally signed user tokens (what a host site's backend does with NATTER_SECRET).
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { SignJWT } from 'jose';
import { builtIsFresh } from '../../test/server/helpers/server-main.js';
import { ROOT } from './bundle.js';
import { freePort, spawnNode, stop, waitForLine } from './spawn.js';

export interface NatterServer {
  port: number;
  pid: number;
  url: string;
  wsUrl: string;
  admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  token(userId: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The Node flags a checkout's server runs with in production: those its `npm start` passes to
 * `node` (the `natter-server` bin passes the same), read from `<root>/package.json`, so an A/B
 * run gives each side its own (e.g. the young generation's size).
 */
export function productionNodeArgs(root = ROOT): string[] {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts?.['start'] ?? '';
  const node = /(?:^|[\s;&])node((?:\s+--\S+)*)\s/.exec(start);
  return node ? node[1]!.trim().split(/\s+/).filter(Boolean) : [];
}

const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const ADMIN_KEY = 'bench-admin-key-0123456789';

const built = new Map<string, string>();

/** Whether this benchmark runs as a smoke test (each benchmark's `--smoke`, read here so that none has to pass it on). */
const SMOKE = process.argv.slice(2).includes('--smoke');

/**
 * The server as users run it (`npm start`, the `natter-server` bin): the TypeScript compiler's
 * output, not tsx's on-the-fly transform (which wraps functions in `__name` helpers and would be
 * measured with them). Compiled into `<root>/.bench-build`, beside the checkout's node_modules, so
 * the server resolves its dependencies as from `dist/`. A build of the same sources is used again
 * (`npm run bench:smoke` runs five benchmarks, each its own process; each compile takes 15–60 s):
 * `.bench-build/.sources` holds a hash of what the compiler reads, written after it succeeded.
 *
 * A `--smoke` run of this checkout runs `dist/server/main.js` instead when the build is fresh (the
 * tests' rule, `builtIsFresh`: newer than every file under src/; `npm test` builds before its
 * `bench:smoke`), sparing the compile. Only for smoke runs: `dist/server/` is the same tsc output,
 * but the protocol modules the server imports are rewritten there by `vite build --mode lib`
 * (rolldown's re-emit of the same code), so measured figures stay on `.bench-build` (all tsc),
 * comparable with those recorded. Another tree (`--baseline <tree>`) is compiled as always.
 */
export function serverEntry(root = ROOT): string {
  const reused = reusableBuild(root);
  if (reused) return reused;
  let entry = built.get(root);
  if (!entry) {
    const outDir = join(root, '.bench-build');
    const stampPath = join(outDir, '.sources');
    entry = join(outDir, 'server/main.js');
    const sources = sourcesHash(root);
    if (!existsSync(entry) || !existsSync(stampPath) || readFileSync(stampPath, 'utf8') !== sources) {
      rmSync(outDir, { recursive: true, force: true });
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir, '--declaration', 'false'], { stdio: 'inherit' });
      writeFileSync(stampPath, sources);
    }
    built.set(root, entry);
  }
  return entry;
}

/**
 * `<root>/dist/server/main.js` when a benchmark may run it in place of its own compile (see
 * `serverEntry`): a smoke run, of this checkout (`self`), whose build is fresh; else undefined.
 */
export function reusableBuild(root = ROOT, { smoke = SMOKE, self = ROOT }: { smoke?: boolean; self?: string } = {}): string | undefined {
  return smoke && root === self && builtIsFresh(root) ? join(root, 'dist/server/main.js') : undefined;
}

/** A hash of what `tsc -p tsconfig.build.json` reads from `root`: every file under src/, the configs, the compiler's version. */
function sourcesHash(root: string): string {
  const hash = createHash('sha256');
  const add = (path: string) => hash.update(`${relative(root, path)}\0`).update(readFileSync(path)).update('\0');
  const src = join(root, 'src');
  for (const path of readdirSync(src, { recursive: true, encoding: 'utf8' }).map((p) => join(src, p)).sort()) if (statSync(path).isFile()) add(path);
  for (const config of ['tsconfig.json', 'tsconfig.build.json']) add(join(root, config));
  add(join(ROOT, 'node_modules/typescript/package.json'));
  return hash.digest('hex');
}

/** Tries at starting a server before giving up: each on a newly chosen port. */
const START_TRIES = 3;

/**
 * `env` adds to (or overrides) the server's environment; `nodeArgs` go to its node process
 * (e.g. `--cpu-prof --cpu-prof-dir=…` to profile the server under load); `root` is the checkout
 * whose server runs (another copy of the repository, to compare two versions). `seams` are for the
 * harness's own test: `pickPort` chooses the port to try (a port someone else holds), `entry` is
 * the script to run instead of the compiled server (`src/server/main.ts` with `--import tsx` in
 * `nodeArgs`: the same `main`, without a compile of its own).
 *
 * The harness talks only to the server it started. A port found free may be taken by another
 * process (another checkout's benchmark or tests) before the child binds it; polling the port
 * would then find the stranger's server and run the benchmark against it. So the port counts
 * once the child itself prints `natter-server listening on <host>:<port>` (main.ts, after its
 * listen succeeded; the child holds the port from then until it exits); a child that exits
 * before (EADDRINUSE) is started again on another port.
 */
export async function startNatterServer(
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
  root = ROOT,
  { pickPort = freePort, entry = () => serverEntry(root) }: { pickPort?: () => Promise<number>; entry?: () => string } = {},
): Promise<NatterServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'natter-bench-'));
  let child: ChildProcess;
  let port: number;
  for (let attempt = 1; ; attempt++) {
    port = await pickPort();
    child = spawnNode(entry(), {
      PORT: String(port),
      HOST: '127.0.0.1',
      NATTER_DATA_DIR: dataDir,
      NATTER_SECRET: SECRET,
      NATTER_ADMIN_KEY: ADMIN_KEY,
      // Rate limiting stays on (it is evaluated per send) but high enough for the load.
      NATTER_SEND_RATE_PER_MINUTE: '100000000',
      // Every benchmark client comes from 127.0.0.1.
      NATTER_MAX_CONNECTIONS_PER_IP: '1000000',
      ...env,
    }, [...productionNodeArgs(root), ...nodeArgs]);
    // BENCH_SERVER_STDOUT=<prefix>: each server's stdout (e.g. `--node-args=--trace-gc`) to <prefix>.<pid>.log.
    const out = process.env['BENCH_SERVER_STDOUT'];
    if (out) child.stdout!.pipe(createWriteStream(`${out}.${child.pid}.log`));
    else child.stdout!.resume();
    try {
      const bound = Number((await waitForLine(child, /natter-server listening on \S*:(\d+)/, 60_000))[1]);
      if (bound !== port) throw new Error(`the server bound port ${bound}, not ${port}`);
      break;
    } catch (err) {
      await stop(child);
      if (attempt >= START_TRIES) {
        rmSync(dataDir, { recursive: true, force: true });
        throw new Error(`natter-server did not start on a port of its own in ${START_TRIES} tries`, { cause: err });
      }
      console.error(`natter-server on port ${port}: ${(err as Error).message}; starting it again on another port`);
    }
  }
  const url = `http://127.0.0.1:${port}`;
  const key = new TextEncoder().encode(SECRET);
  return {
    port,
    pid: child.pid!,
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    async admin(method, path, body) {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.status === 204 ? {} : (res.json() as Promise<Record<string, unknown>>);
    },
    token: (userId) =>
      new SignJWT({ name: userId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(key),
    async stop() {
      await stop(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
