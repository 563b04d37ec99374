/**
 * The script tag's string ids are short (`scripts/short-msg-ids.ts`): an id gets the same short
 * name in the `msg()` calls and as a locale module's key, every name is distinct, and nothing else
 * in a module changes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { msgRuntimeTakingIds, MSG_RUNTIME, shortenIds, shortIds } from '../../scripts/short-msg-ids.js';

const LOCALES = new URL('../../src/elements/i18n/locales/', import.meta.url).pathname;

test('every id of the locale modules has a short name of its own, with no dot (no id of ours lacks one)', () => {
  const names = shortIds(LOCALES);
  const ru = readFileSync(`${LOCALES}ru.ts`, 'utf8');
  assert.ok(names.size >= 400, `${names.size} ids`);
  assert.ok(ru.includes(`'groups.info':`) && names.has('groups.info'));
  assert.equal(new Set(names.values()).size, names.size);
  for (const [id, short] of names) {
    assert.match(short, /^[a-zA-Z]{1,3}$/);
    assert.ok(id.includes('.'), `${id} has a dot`);
  }
});

test('a msg() id and a locale key become the same name; other ids and text stay', () => {
  const names = new Map([['groups.info', 'a'], ['people.openProfile', 'b']]);
  const source = "const s = { get info() { return msg('Group info', { id: 'groups.info' }); } };\nconst other = { id: 'not.an.id' };\nmsg(str`Profile of ${n}`, { id: 'people.openProfile' });\n";
  const out = shortenIds(source, 'strings.ts', names, false);
  assert.equal(out?.code, "const s = { get info() { return msg('Group info', 'a'); } };\nconst other = { id: 'not.an.id' };\nmsg(str`Profile of ${n}`, 'b');\n");
  // Options that hold more than the id stay an object.
  assert.equal(shortenIds("msg('Group info', { id: 'groups.info', desc: 'x' });", 'd.ts', names, false)?.code, "msg('Group info', { id: 'a', desc: 'x' });");
  assert.equal(JSON.parse(out.map).sources[0], 'strings.ts');
  const locale = "    export const templates = {\n      'groups.info': `Информация о группе`,\n'people.openProfile': str`Профиль ${0}`,\n'x.unknown': `'groups.info': no`,\n    };\n";
  assert.equal(
    shortenIds(locale, 'ru.ts', names, true)?.code,
    "    export const templates = {\n      'a': `Информация о группе`,\n'b': str`Профиль ${0}`,\n'x.unknown': `'groups.info': no`,\n    };\n",
  );
  assert.equal(shortenIds('const a = 1;\n', 'none.ts', names, false), null);
});

test("@lit/localize's runtime, patched, looks a translation up by an id passed alone, or in { id }; without one it answers in English", async () => {
  const file = fileURLToPath(import.meta.resolve('@lit/localize/internal/runtime-msg.js'));
  assert.match(file, MSG_RUNTIME);
  const patched = msgRuntimeTakingIds(readFileSync(file, 'utf8'));
  assert.ok(patched, 'the id lookup of runtime-msg.js was found');
  const dir = mkdtempSync(join(tmpdir(), 'natter-runtime-msg-'));
  try {
    // Its relative imports point at the real modules beside the original.
    writeFileSync(join(dir, 'runtime-msg.mjs'), patched.replaceAll("from './", `from '${pathToFileURL(dirname(file)).href}/`));
    const { runtimeMsg } = (await import(pathToFileURL(join(dir, 'runtime-msg.mjs')).href)) as typeof import('@lit/localize/internal/runtime-msg.js');
    const templates = { a: 'Информация о группе' };
    assert.equal(runtimeMsg(templates, 'Group info', 'a' as never), 'Информация о группе');
    assert.equal(runtimeMsg(templates, 'Group info', { id: 'a' }), 'Информация о группе');
    assert.equal(runtimeMsg(templates, 'Group info', undefined), 'Group info');
    assert.equal(runtimeMsg(templates, 'Other', 'b' as never), 'Other');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(msgRuntimeTakingIds('export const x = 1;'), null);
});
