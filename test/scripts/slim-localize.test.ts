/**
 * The script tag ships @lit/localize without its id hash (`scripts/slim-localize.ts`): the module
 * put in its place must export what the real one does, and must never produce an id that a
 * catalogue has (such a string falls back to English). e2e/embed.e2e.ts checks a Chinese page.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { ID_GENERATION, NO_ID_GENERATION } from '../../scripts/slim-localize.js';

test('the stand-in has the exports of @lit/localize/internal/id-generation.js, and its ids name no string', async () => {
  const real = await import('@lit/localize/internal/id-generation.js');
  const dir = mkdtempSync(join(tmpdir(), 'natter-slim-localize-'));
  try {
    writeFileSync(join(dir, 'id-generation.mjs'), NO_ID_GENERATION);
    const stand = (await import(pathToFileURL(join(dir, 'id-generation.mjs')).href)) as typeof real;
    assert.deepEqual(Object.keys(stand).sort(), Object.keys(real).sort());
    assert.equal(stand.HASH_DELIMITER, real.HASH_DELIMITER);
    assert.equal(stand.generateMsgId(['Open chat'], false), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.match('/x/node_modules/@lit/localize/internal/id-generation.js', ID_GENERATION);
  assert.doesNotMatch('/x/node_modules/@lit/localize/internal/runtime-msg.js', ID_GENERATION);
});
