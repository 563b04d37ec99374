/** The word list's environment (NATTER_WORDLIST_FILE, NATTER_WORDLIST_MODE) read by `natter-server` itself. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, waitForLine } from '../../../bench/lib/spawn.js';
import { serverMainArgs } from '../helpers/server-main.js';

const dir = mkdtempSync(join(tmpdir(), 'natter-wordlist-env-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, serverMainArgs(), {
    env: { ...process.env, HOST: '127.0.0.1', NATTER_DATA_DIR: join(dir, 'data'), NATTER_SECRET: 'wordlist-env-secret-0123456789', NATTER_ADMIN_KEY: 'wordlist-env-admin-key', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  children.push(child);
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { child, stderr: () => err, exit: new Promise((resolve) => child.once('exit', resolve)) };
}

test('entries of the file, with their own modes, and the default mode show in GET /v1/wordlist', async () => {
  const file = join(dir, 'words.txt');
  writeFileSync(file, '# site words\nＤａｒｎ\nscam\tmask\n笨蛋\n');
  // Asked once the server says it listens (tsx loading it took over 20 s at load 26), on a port
  // found free (a fixed one was shared with every other checkout running this file).
  const port = await freePort();
  const { child } = start({ PORT: String(port), NATTER_WORDLIST_FILE: file, NATTER_WORDLIST_MODE: 'reject' });
  let body: unknown;
  try {
    await waitForLine(child, /natter-server listening on/, 120_000);
    const res = await fetch(`http://127.0.0.1:${port}/v1/wordlist`, { headers: { authorization: 'Bearer wordlist-env-admin-key' } });
    assert.equal(res.status, 200);
    body = await res.json();
  } finally {
    child.kill('SIGTERM');
  }
  assert.deepEqual(body, { mode: 'reject', items: [], configured: [{ word: 'darn' }, { word: 'scam', mode: 'mask' }, { word: '笨蛋' }] });
});

test('a mode that is neither reject nor mask, or a file entry that cannot match, stops the server with why', async () => {
  const bad = start({ PORT: '9248', NATTER_WORDLIST_MODE: 'ban' });
  assert.equal(await bad.exit, 1);
  assert.match(bad.stderr(), /NATTER_WORDLIST_MODE must be reject or mask, not "ban"/);
  const file = join(dir, 'bad.txt');
  writeFileSync(file, 'fine\n!!!\n');
  const worse = start({ PORT: '9249', NATTER_WORDLIST_FILE: file });
  assert.equal(await worse.exit, 1);
  assert.match(worse.stderr(), /NATTER_WORDLIST_FILE: "!!!" cannot be a word list entry/);
});
