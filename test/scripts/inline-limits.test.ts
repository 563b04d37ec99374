/**
 * `scripts/inline-limits.ts` turns the script tag's reads of `LIMITS.…` into literals, so that the
 * object, mostly the server's limits, is left out of the core chunk that every page loads.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { rolldown } from 'rolldown';
import { inlineLimits, inlineLimitsPlugin, type LimitTables } from '../../scripts/inline-limits.js';
import { LIMITS } from '../../src/protocol/limits.js';

const LIMITS_FILE = fileURLToPath(new URL('../../src/protocol/limits.ts', import.meta.url));
const tables: LimitTables = { [LIMITS_FILE]: { LIMITS } };
const inProtocol = fileURLToPath(new URL('../../src/protocol/message.ts', import.meta.url));
const inClient = fileURLToPath(new URL('../../src/client/outbox.ts', import.meta.url));

test("reads through the defining module's name, imported from it, become the values; other reads stay", () => {
  const code = [
    "import { LIMITS, utf8Length } from './limits.js';",
    'export const a = LIMITS.textBytes + LIMITS.historyPage;',
    'export const b = LIMITS.textBytes.toString();',
    "export const c = LIMITS['textBytes'];",
    'export const d = LIMITS.notALimit;',
    'export const e = other.LIMITS.textBytes;',
  ].join('\n');
  const out = inlineLimits(code, inProtocol, tables)!.code;
  assert.match(out, new RegExp(`a = \\(${LIMITS.textBytes}\\) \\+ \\(${LIMITS.historyPage}\\);`));
  assert.match(out, new RegExp(`b = \\(${LIMITS.textBytes}\\)\\.toString\\(\\);`), 'a method call on a literal needs its parentheses');
  assert.match(out, /c = LIMITS\['textBytes'\];/);
  assert.match(out, /d = LIMITS\.notALimit;/);
  assert.match(out, /e = other\.LIMITS\.textBytes;/, 'a property of something else named LIMITS');
});

test('a LIMITS from elsewhere, renamed imports and the defining module itself', () => {
  assert.equal(inlineLimits("import { LIMITS } from './other-limits.js';\nexport const a = LIMITS.textBytes;", inProtocol, tables), undefined);
  assert.match(inlineLimits("import { LIMITS as L } from '../protocol/limits.js';\nexport const a = L.frameBytes;", inClient, tables)!.code, new RegExp(`a = \\(${LIMITS.frameBytes}\\);`));
  const own = inlineLimits('export const LIMITS = { imageBytes: 1 };\nexport const f = () => LIMITS.imageBytes;', LIMITS_FILE, tables)!.code;
  assert.match(own, new RegExp(`f = \\(\\) => \\(${LIMITS.imageBytes}\\);`));
  assert.match(own, /export const LIMITS = \{ imageBytes: 1 \};/, 'the declaration stays (the bundler drops it when nothing reads it)');
});

test('bundled, the object is left out: no property of it but the values read', async () => {
  const files: Record<string, string> = {
    [LIMITS_FILE]: 'export const LIMITS = { textBytes: 8192, replayBatch: 500, broadcastTtlSeconds: 604800 };\nexport const fileLimit = () => LIMITS.textBytes;',
    [inProtocol]: "import { LIMITS, fileLimit } from './limits.js';\nconsole.log(LIMITS.textBytes, fileLimit());",
  };
  const build = async (inline: boolean) => {
    const bundle = await rolldown({
      input: inProtocol,
      plugins: [{ name: 'files', resolveId: (id, importer) => (id in files ? id : importer && id.startsWith('.') ? LIMITS_FILE : null), load: (id) => files[id] ?? null }, ...(inline ? [inlineLimitsPlugin({ [LIMITS_FILE]: { LIMITS: { textBytes: 8192, replayBatch: 500, broadcastTtlSeconds: 604800 } } })] : [])],
    });
    const { output } = await bundle.generate({ format: 'es' });
    return output[0].code;
  };
  assert.match(await build(false), /replayBatch/, 'without the plugin the whole object is bundled');
  const inlined = await build(true);
  assert.doesNotMatch(inlined, /replayBatch|broadcastTtlSeconds|LIMITS/);
  assert.match(inlined, /8192/);
});
