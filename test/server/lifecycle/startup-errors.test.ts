import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { freePort } from '../../../bench/lib/spawn.js';
import { SCHEMA } from '../../../src/server/store/sqlite-schema.js';
import { serverMainArgs } from '../helpers/server-main.js';


/** Runs `natter-server` until it exits; its exit code and what it wrote to stderr. */
async function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, serverMainArgs(), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Only against a hang: tsx loading the server took over 30 s at load 26 (h4), and the kill read as a wrong exit code.
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stderr };
}

test('a server that cannot start says why, down to the store error under the client-facing one', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'natter-startup-'));
  try {
    // A database whose conversation counter is behind its messages: the dev-mode demo group's
    // first notification cannot be stored (its seq is taken).
    const db = new Database(join(dataDir, 'natter.db'));
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
    db.prepare(`INSERT INTO messages (conv_key, seq, id, sender, client_msg_id, body) VALUES ('group:demo', 1, 'x', 'system', 'x', '{}')`).run();
    db.close();
    const { code, stderr } = await runMain({ PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DEV: '1', NATTER_DATA_DIR: dataDir });
    assert.equal(code, 1, code === null ? `killed after 120 s, still running; stderr:\n${stderr}` : stderr);
    assert.match(stderr, /cannot store messages/);
    assert.match(stderr, /\n {2}caused by: sqlite commit failed: UNIQUE constraint failed: messages\.conv_key, messages\.seq/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
