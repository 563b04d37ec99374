/**
 * The script tag's string ids are short (`scripts/short-msg-ids.ts`): an id is the same number in
 * the `msg()` calls and as the place of its string in each locale module's array, every number is
 * distinct, and nothing else in a module changes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { msgRuntimeTakingIds, MSG_RUNTIME, shortenIds, shortIds } from '../../scripts/short-msg-ids.js';

const LOCALES = new URL('../../src/elements/i18n/locales/', import.meta.url).pathname;

test('every id of the locale modules has a number of its own: its place among them, in the order every module lists them', () => {
  const names = shortIds(LOCALES);
  const ru = readFileSync(`${LOCALES}ru.ts`, 'utf8');
  assert.ok(names.size >= 400, `${names.size} ids`);
  assert.ok(ru.includes(`'groups.info':`) && names.has('groups.info'));
  assert.deepEqual([...names.values()], [...names.keys()].map((_, i) => i));
  assert.deepEqual([...ru.matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1]), [...names.keys()]);
});

test('a msg() id becomes its number; other ids and text stay', () => {
  const names = new Map([['groups.info', 0], ['people.openProfile', 1]]);
  const source = "const s = { get info() { return msg('Group info', { id: 'groups.info' }); } };\nconst other = { id: 'not.an.id' };\nmsg(str`Profile of ${n}`, { id: 'people.openProfile' });\n";
  const out = shortenIds(source, 'strings.ts', names, false);
  assert.equal(out?.code, "const s = { get info() { return msg('Group info', 0); } };\nconst other = { id: 'not.an.id' };\nmsg(str`Profile of ${n}`, 1);\n");
  // Options that hold more than the id stay an object.
  assert.equal(shortenIds("msg('Group info', { id: 'groups.info', desc: 'x' });", 'd.ts', names, false)?.code, "msg('Group info', { id: 0, desc: 'x' });");
  assert.equal(JSON.parse(out!.map).sources[0], 'strings.ts');
  assert.equal(shortenIds('const a = 1;\n', 'none.ts', names, false), null);
});

test("a locale module's table becomes an array, each string at its id's number, the English chunk's string where the module lacks one", () => {
  const names = new Map([['a.first', 0], ['b.missing', 1], ['c.third', 2], ['d.fourth', 3], ['e.last', 4]]);
  // As `lit-localize build` writes it.
  const locale = "\n    import {str} from '@lit/localize';\n\n    export const templates = {\n      'a.first': `Информация, о группе`,\n'c.third': `'a.first': no`,\n'd.fourth': str`Профиль ${0}: ${1}`,\n    };\n  ";
  const out = shortenIds(locale, 'ru.ts', names, true);
  assert.equal(out?.code, "import { templates as en } from './en.js';\n\n    import {str} from '@lit/localize';\n\n    export const templates = [\n`Информация, о группе`,\nen[1],`'a.first': no`,\nstr`Профиль ${0}: ${1}`,\n    en[4],];\n  ");
  // The English table (scripts/english-chunk.ts), with a hole of its own: @lit/localize answers a missing string with the call's English.
  const english = ['Group info', 'Members', , , 'Last'];
  const body = out!.code.replace(/import .*\n/g, '').replace('export const templates =', 'return');
  const templates = new Function('str', 'en', body)((s: TemplateStringsArray, ...v: number[]) => ({ strings: [...s], values: v }), english);
  assert.equal(templates.length, 5);
  assert.equal(templates[0], 'Информация, о группе');
  assert.equal(templates[1], 'Members');
  assert.equal(templates[2], "'a.first': no");
  assert.deepEqual(templates[3], { strings: ['Профиль ', ': ', ''], values: [0, 1] });
  assert.equal(templates[4], 'Last');
  // A module that lacks nothing does not import the English chunk.
  const complete = shortenIds(locale.replace("'c.third'", "'b.missing': `Участники`,\n'c.third'").replace('    };', "'e.last': `Последний`,\n    };"), 'ru.ts', names, true)!.code;
  assert.doesNotMatch(complete, /en\.js|en\[/);
  // The strings keep their place in the source map: the size breakdown counts them as the locale module's.
  assert.deepEqual(JSON.parse(out!.map).sources, ['ru.ts']);
  // A line that is not one entry, an id the build does not know or one out of order fails the build.
  assert.throws(() => shortenIds(locale.replace("'a.first': `", "'x.unknown': `"), 'ru.ts', names, true), /x\.unknown/);
  assert.throws(() => shortenIds(locale.replace('`Информация, о группе`,', '`Информация,\nо группе`,'), 'ru.ts', names, true), /not an `'id': value,` entry/);
  assert.throws(() => shortenIds(locale.replace("'a.first'", "'e.tmp'").replace("'d.fourth'", "'a.first'").replace("'e.tmp'", "'d.fourth'"), 'ru.ts', names, true), /out of the order/);
  // Every locale module of ours is written so.
  const all = shortIds(LOCALES);
  for (const file of ['ru.ts', 'ar.ts', 'zh-CN.ts']) {
    const code = shortenIds(readFileSync(`${LOCALES}${file}`, 'utf8'), file, all, true)!.code;
    assert.match(code, /export const templates = \[\n`/);
    assert.doesNotMatch(code, /'[\w.]+': /);
  }
});

test("@lit/localize's runtime, patched, looks a translation up by an id passed alone, or in { id }, or first (no English); without one it answers in English", async () => {
  const file = fileURLToPath(import.meta.resolve('@lit/localize/internal/runtime-msg.js'));
  assert.match(file, MSG_RUNTIME);
  const patched = msgRuntimeTakingIds(readFileSync(file, 'utf8'));
  assert.ok(patched, 'the id lookup of runtime-msg.js was found');
  const dir = mkdtempSync(join(tmpdir(), 'natter-runtime-msg-'));
  try {
    // Its relative imports point at the real modules beside the original.
    writeFileSync(join(dir, 'runtime-msg.mjs'), patched.replaceAll("from './", `from '${pathToFileURL(dirname(file)).href}/`));
    const { runtimeMsg } = (await import(pathToFileURL(join(dir, 'runtime-msg.mjs')).href)) as typeof import('@lit/localize/internal/runtime-msg.js');
    // A locale module's table is an array (its strings at their ids' numbers, holes where it has none).
    const templates = ['Информация о группе', , 'Участники'] as never;
    assert.equal(runtimeMsg(templates, 'Group info', 0 as never), 'Информация о группе');
    assert.equal(runtimeMsg(templates, 'Members', 2 as never), 'Участники');
    assert.equal(runtimeMsg(templates, 'Group info', { id: 0 as never }), 'Информация о группе');
    assert.equal(runtimeMsg(templates, 'Group info', undefined), 'Group info');
    assert.equal(runtimeMsg(templates, 'Missing', 1 as never), 'Missing');
    assert.equal(runtimeMsg(templates, 'Other', 7 as never), 'Other');
    // A call the English was taken out of (scripts/english-chunk.ts) passes its id, then a `str` template's values; with no string it answers an empty one, never its id.
    const withStr = ['Group info', { strTag: true, strings: ['Profile of ', ', ', ''], values: [1, 0] }] as never;
    assert.equal(runtimeMsg(withStr, 0 as never, undefined), 'Group info');
    assert.equal(runtimeMsg(withStr, 1 as never, ['Ann', 'admin'] as never), 'Profile of admin, Ann');
    assert.equal(runtimeMsg(withStr, 2 as never, undefined), '');
    assert.equal(runtimeMsg(undefined, 0 as never, undefined), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(msgRuntimeTakingIds('export const x = 1;'), null);
});
