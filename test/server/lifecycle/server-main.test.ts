/**
 * The suites that start `natter-server` as a child process run its build only while the build is
 * newer than every source file (test/server/helpers/server-main.ts): a test after an edit under
 * src/ runs the edit, never a stale dist/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { builtIsFresh } from '../helpers/server-main.js';

const root = mkdtempSync(join(tmpdir(), 'natter-server-main-'));
after(() => rmSync(root, { recursive: true, force: true }));

function touch(path: string, secondsAgo: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
  const at = Date.now() / 1000 - secondsAgo;
  utimesSync(path, at, at);
}

test('the build counts only while it is there and newer than every file under src/, however deep', () => {
  touch(join(root, 'src/server/main.ts'), 300);
  touch(join(root, 'src/server/store/sqlite-store.ts'), 200);
  assert.equal(builtIsFresh(root), false, 'no dist/');

  touch(join(root, 'dist/server/main.js'), 100);
  assert.equal(builtIsFresh(root), true);

  touch(join(root, 'src/server/store/sqlite-store.ts'), 50);
  assert.equal(builtIsFresh(root), false, 'a source edited after the build');

  touch(join(root, 'dist/server/main.js'), 10);
  assert.equal(builtIsFresh(root), true, 'built again');

  touch(join(root, 'src/protocol/frames.ts'), 0);
  assert.equal(builtIsFresh(root), false, 'a new source file (the server imports the protocol too)');
});
