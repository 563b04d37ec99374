/**
 * A Natter cluster on loopback: N `natter-server` processes (the build's main.js, or src/server/main.ts
 * under tsx: test/server/helpers/server-main.ts) over
 * one PostgreSQL schema and one Redis prefix, behind a real nginx that balances WebSocket
 * upgrades round-robin with no stickiness. Used by the failover test and the cluster benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverMainArgs } from '../../server/helpers/server-main.js';

export const NGINX = process.env['NATTER_NGINX'] ?? '/usr/sbin/nginx';

/** Fails loudly (never skips) when nginx is absent: the cluster test needs a real load balancer. */
export function requireNginx(): void {
  try {
    accessSync(NGINX, constants.X_OK);
  } catch {
    throw new Error(`The cluster test needs nginx at ${NGINX} (apt-get install -y nginx, or set NATTER_NGINX).`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const healthy = (url: string) => fetch(`${url}/healthz`).then((r) => r.ok, () => false);
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

export interface ClusterNode {
  readonly port: number;
  readonly url: string;
  /** The running process (undefined while killed). */
  readonly process: ChildProcess | undefined;
  /** SIGKILL, then wait until the process is gone. */
  kill(): Promise<void>;
  /** Starts the node again on the same port; resolves once /healthz answers 200. */
  start(): Promise<void>;
  /** SIGTERM (graceful), then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

export interface LocalCluster {
  /** The load balancer: http://127.0.0.1:<port>. */
  readonly url: string;
  readonly wsUrl: string;
  readonly nodes: ClusterNode[];
  /** The temp dir: nginx's config and error.log, each node's data dir. */
  readonly dir: string;
  /**
   * Stops nginx and every node, and removes the temp dir; `failed` (the test failed): keeps the
   * dir and prints the tail of nginx's error.log (what nginx saw of the nodes: refused or reset
   * upstreams, timeouts), which would otherwise go with it.
   */
  stop(failed?: boolean): Promise<void>;
}

export interface ClusterOptions {
  nodes: number;
  /** Environment of every node: NATTER_SECRET, NATTER_DATABASE_URL, NATTER_REDIS_URL, … */
  env: Record<string, string>;
  /** nginx worker processes. Default 1. */
  nginxWorkers?: number;
}

export async function startLocalCluster(options: ClusterOptions): Promise<LocalCluster> {
  requireNginx();
  const dir = mkdtempSync(join(tmpdir(), 'natter-cluster-'));
  const nodes: ClusterNode[] = [];
  let nginx: ChildProcess | undefined;
  try {
    for (let i = 0; i < options.nodes; i++) nodes.push(createNode(await freePort(), join(dir, `node${i}`), options.env));
    // One at a time: the first runs the schema migrations, the others find them done.
    for (const node of nodes) await node.start();
    const port = await freePort();
    nginx = await startNginx(dir, port, nodes.map((n) => n.port), options.nginxWorkers ?? 1);
    const url = `http://127.0.0.1:${port}`;
    const lb = nginx;
    return {
      url,
      wsUrl: `ws://127.0.0.1:${port}/ws`,
      nodes,
      dir,
      async stop(failed = false) {
        await stopProcess(lb, 'SIGQUIT');
        await Promise.all(nodes.map((n) => n.stop()));
        cleanUp(dir, failed);
      },
    };
  } catch (err) {
    if (nginx) await stopProcess(nginx, 'SIGQUIT');
    await Promise.all(nodes.map((n) => n.stop()));
    cleanUp(dir, true);
    throw err;
  }
}

/** The last `lines` lines of nginx's error.log in `dir` ('' when it wrote none). */
export function nginxLogTail(dir: string, lines = 40): string {
  const file = join(dir, 'error.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}

/** Removes the cluster's dir; after a failure keeps it and prints the tail of nginx's error.log. */
function cleanUp(dir: string, failed: boolean): void {
  if (!failed) return rmSync(dir, { recursive: true, force: true });
  const tail = nginxLogTail(dir);
  console.error(`nginx error.log (kept in ${dir}), last lines:\n${tail || '(empty)'}`);
}

/** One `natter-server` process on `port` (not started), as the cluster runs them; also used alone, without nginx. */
export function createNode(port: number, dataDir: string, env: Record<string, string>): ClusterNode {
  mkdirSync(dataDir, { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';
  return {
    port,
    url,
    get process() {
      return child;
    },
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return void (child = undefined);
      const gone = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await gone;
      child = undefined;
    },
    async start() {
      output = '';
      const c = spawn(process.execPath, serverMainArgs(), {
        env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      // Kept for the error message should the node not come up.
      const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
      c.stdout!.on('data', keep);
      c.stderr!.on('data', keep);
      let exited = false;
      c.once('exit', () => (exited = true));
      await until(async () => {
        if (exited) throw new Error(`node on port ${port} exited while starting:\n${output}`);
        return healthy(url);
      }, `node on port ${port} to start:\n${output}`, 60_000);
    },
    async stop() {
      if (child) await stopProcess(child, 'SIGTERM');
      child = undefined;
    },
  };
}

/**
 * nginx in the foreground (`daemon off`, `-p` prefix = our temp dir, pid and logs in it), round
 * robin over the nodes with WebSocket upgrade and no sticky sessions: a client that reconnects
 * lands on whichever node is next. A node that refuses a connection is passed over for the next
 * one on every attempt (`max_fails=0`): with failure accounting on, nginx lets a failed node back
 * in only by one trial connection per `fail_timeout`, and counts it good only when it ends, which
 * an upgraded WebSocket does not; once all nodes had been killed once, every reconnect was
 * answered 502 'no live upstreams' but one per node per 2 s (40 s of the failover test's 90).
 */
async function startNginx(dir: string, port: number, upstreams: number[], workers: number): Promise<ChildProcess> {
  const conf = join(dir, 'nginx.conf');
  for (const d of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes ${workers};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream natter {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=0;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://natter;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_connect_timeout 2s;
      proxy_read_timeout 1h;
      proxy_next_upstream error timeout http_502 http_503;
      client_max_body_size 100m;
      proxy_request_buffering off;
    }
  }
}
`,
  );
  const child = spawn(NGINX, ['-p', `${dir}/`, '-c', conf, '-e', `${dir}/error.log`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  await until(async () => {
    if (exited) throw new Error(`nginx exited: ${stderr}`);
    return accepts(port);
  }, 'nginx to listen', 10_000);
  return child;
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
