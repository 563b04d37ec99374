/**
 * `natter-server` (its build, or src/server/main.ts under tsx: server-main.ts) as a child process
 * with the environment a test gives it: for the settings read from the environment, which only
 * the process's own start reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { serverMainArgs } from './server-main.js';

export interface NatterProcess {
  child: ChildProcess;
  /** What it wrote to stderr so far. */
  stderr: () => string;
  /** Its URL, once it says it listens; rejects if it exits first. */
  listening: Promise<string>;
  exited: Promise<number | null>;
}

/** Starts `natter-server` with `env` over the test's own environment. */
export function runMain(env: Record<string, string>): NatterProcess {
  const child = spawn(process.execPath, serverMainArgs(), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const m = /listening on .*?(http:\/\/\S+)/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`natter-server exited (${code}): ${stderr}`)));
  });
  return { child, stderr: () => stderr, listening, exited };
}
