import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts a TypeScript entry point under tsx as a child process. */
export function spawnTs(entry: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  return spawnNode(entry, env, [...nodeArgs, '--import', 'tsx']);
}

/** Starts a JavaScript entry point as a child process (stdout piped, stderr inherited). */
export function spawnNode(entry: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** A peer server started by `startPeer`. */
export interface PeerProcess {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a peer server (a TypeScript file under bench/peers that prints `ready <port>`). */
export async function startPeer(entry: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<PeerProcess> {
  const child = spawnTs(entry, env, nodeArgs);
  const port = Number((await waitForLine(child, /ready (\d+)/))[1]);
  return { port, pid: child.pid!, stop: () => stop(child) };
}

/**
 * Resolves with the first stdout match of `pattern`; rejects if the child exits first. Its
 * listeners go once settled, so a long-running child's output is not kept and searched for good.
 */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.off('data', onData);
      settle();
    };
    const timer = setTimeout(() => done(() => reject(new Error(`timed out waiting for ${pattern}`))), timeoutMs);
    const onExit = (code: number | null) => done(() => reject(new Error(`child exited with ${code} before ${pattern}`)));
    const onData = (chunk: Buffer) => {
      buf += chunk.toString();
      const m = pattern.exec(buf);
      if (m) done(() => resolve(m));
    };
    child.once('exit', onExit);
    child.stdout!.on('data', onData);
  });
}

/** Polls `url` until it answers 200. */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
