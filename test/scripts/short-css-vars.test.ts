/**
 * The shipped builds give the elements' private custom properties short names
 * (`scripts/short-css-vars.ts`): one table for every module, so a name set in one module (a
 * template's `style`, `style.setProperty()`) is the name another module's styles read; public
 * `--chat-*` properties and the names the manifest documents keep theirs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { documentedVars, shortenVars, shortVarNames } from '../../scripts/short-css-vars.js';

test('every private name gets a distinct short one, the most used the shortest; public and kept names stay', () => {
  const styles = ':host{--_accent:var(--chat-color-accent,#4f46e5);--_surface-raised:#eee}a{color:var(--_accent);background:var(--_surface-raised)}b{color:var(--_accent)}';
  const template = "styleMap({ '--_hue': String(h) }); bar.style.setProperty('--_level', x); i--_y;";
  const table = shortVarNames([styles, template], new Set(['--_level']));
  assert.deepEqual([...table], [['--_accent', '--_a'], ['--_surface-raised', '--_b'], ['--_hue', '--_c']]);
  const out = shortenVars(styles, 'x.styles.ts', table);
  assert.equal(out?.code, ':host{--_a:var(--chat-color-accent,#4f46e5);--_b:#eee}a{color:var(--_a);background:var(--_b)}b{color:var(--_a)}');
  assert.equal(JSON.parse(out.map).sources[0], 'x.styles.ts');
  assert.equal(shortenVars(template, 'x.ts', table)?.code, "styleMap({ '--_c': String(h) }); bar.style.setProperty('--_level', x); i--_y;");
  assert.equal(shortenVars('const a = 1;', 'none.ts', table), null);
});

test('a short name is never one that keeps its own', () => {
  const table = shortVarNames(['--_one --_two'], new Set(['--_a']));
  assert.deepEqual([...table.values()].sort(), ['--_b', '--_c']);
});

test("the manifest's documented names are kept: the level meter's --_level", () => {
  const kept = documentedVars(readFileSync(new URL('../../custom-elements.json', import.meta.url), 'utf8'));
  assert.ok(kept.has('--_level'), [...kept].join(', '));
  assert.ok(![...kept].some((name) => name.startsWith('--chat-')));
});
