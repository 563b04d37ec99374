/**
 * The translation tools' XLIFF handling (`scripts/lib/xliff.mjs`, used by `check:localize`,
 * `localize:todo` and `localize:apply`): plain text with `${…}` back to placeholders, and the
 * placeholder rules lit-localize's build enforces, on the committed files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
// @ts-expect-error: a plain .mjs script without types
import { fromText, placeholderProblem, toText, unitsOf, withTargets } from '../../scripts/lib/xliff.mjs';

const root = new URL('../..', import.meta.url).pathname;
const xliff = join(root, 'xliff');

const SOURCE = '<x id="0" equiv-text="${emoji} ${n}"/>: <x id="1" equiv-text="${who}"/>';

test('a translation in plain text gets its source’s placeholders back, joined ones as one', () => {
  const fragment = fromText('${emoji} ${n}：${who} & <b>', SOURCE);
  assert.equal(fragment, '<x id="0" equiv-text="${emoji} ${n}"/>：<x id="1" equiv-text="${who}"/> &amp; &lt;b&gt;');
  assert.equal(toText(fragment), '${emoji} ${n}：${who} & <b>');
});

test('a translation that names an unknown placeholder, leaves one out or repeats one is refused', () => {
  assert.throws(() => fromText('${emoji}：${who}', SOURCE), /\$\{emoji\} is not a placeholder/);
  assert.throws(() => fromText('${who}', SOURCE), /leaves out placeholders: \$\{emoji\} \$\{n\}/);
  assert.throws(() => fromText('${who} ${who} ${emoji} ${n}', SOURCE), /more than once: \$\{who\}/);
  assert.equal(placeholderProblem(SOURCE, SOURCE), undefined);
});

test('targets are written into units without one and replace those there', () => {
  const xml = `<trans-unit id="a">\n  <source>A</source>\n</trans-unit>\n<trans-unit id="b">\n  <source>B</source>\n  <target>old</target>\n</trans-unit>`;
  const out = withTargets(xml, new Map([['a', 'α'], ['b', 'β']]));
  assert.deepEqual(unitsOf(out), [
    { id: 'a', source: 'A', target: 'α' },
    { id: 'b', source: 'B', target: 'β' },
  ]);
});

test('every committed translation keeps its English string’s placeholders, and reads back as it was written', () => {
  const files = readdirSync(xliff).filter((f) => f.endsWith('.xlf'));
  assert.ok(files.length >= 10, files.join(', '));
  for (const file of files) {
    for (const unit of unitsOf(readFileSync(join(xliff, file), 'utf8'))) {
      assert.notEqual(unit.target, undefined, `${file} ${unit.id} has no translation`);
      assert.equal(placeholderProblem(unit.source, unit.target), undefined, `${file} ${unit.id}`);
      assert.equal(fromText(toText(unit.target), unit.source), unit.target, `${file} ${unit.id}`);
    }
  }
});
