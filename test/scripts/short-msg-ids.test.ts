/**
 * The script tag's string ids are short (`scripts/short-msg-ids.ts`): an id gets the same short
 * name in the `msg()` calls and as a locale module's key, every name is distinct, and nothing else
 * in a module changes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { shortenIds, shortIds } from '../../scripts/short-msg-ids.js';

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
  assert.equal(out?.code, "const s = { get info() { return msg('Group info', { id: 'a' }); } };\nconst other = { id: 'not.an.id' };\nmsg(str`Profile of ${n}`, { id: 'b' });\n");
  assert.equal(JSON.parse(out.map).sources[0], 'strings.ts');
  const locale = "    export const templates = {\n      'groups.info': `Информация о группе`,\n'people.openProfile': str`Профиль ${0}`,\n'x.unknown': `'groups.info': no`,\n    };\n";
  assert.equal(
    shortenIds(locale, 'ru.ts', names, true)?.code,
    "    export const templates = {\n      'a': `Информация о группе`,\n'b': str`Профиль ${0}`,\n'x.unknown': `'groups.info': no`,\n    };\n",
  );
  assert.equal(shortenIds('const a = 1;\n', 'none.ts', names, false), null);
});
