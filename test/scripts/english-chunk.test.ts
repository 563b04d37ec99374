/**
 * English as a locale chunk in the script tag (`scripts/english-chunk.ts`): a `msg()` with a short
 * id loses its English to the table, which holds it at that id as the other locale modules hold
 * their translations; the call keeps its id and a `str` template's values, in order.
 * e2e/embed.e2e.ts checks the built widget in English and in other languages.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { englishTable, stripEnglish } from '../../scripts/english-chunk.js';

const str = (strings: TemplateStringsArray, ...values: number[]) => ({ strTag: true, strings: [...strings], values });
const tableOf = (english: Parameters<typeof englishTable>[0]) => new Function('S', `return ${englishTable(english, 'S')};`)(str) as unknown[];

test("a msg() with a numeric id gives its English to the table and keeps its id and values; the table holds each at its id", () => {
  const english = new Map();
  const source = [
    "const a = () => msg('Group info', 2);",
    'const b = (user, n) => msg(str`Profile of ${user.name}, ${formatNumber(n, { style: `unit` })} \\`x\\``, 0);',
    "const c = () => msg(\"It's\", { id: 'not.short' });",
    'const d = () => msg(`Plain`, 4);',
    "const e = () => other('Group info', 2);",
  ].join('\n');
  const out = stripEnglish(source, 'strings.js', english);
  assert.equal(
    out?.code,
    [
      'const a = () => msg(2);',
      'const b = (user, n) => msg(0,[user.name,formatNumber(n, { style: `unit` })]);',
      "const c = () => msg(\"It's\", { id: 'not.short' });",
      'const d = () => msg(4);',
      "const e = () => other('Group info', 2);",
    ].join('\n'),
  );
  assert.deepEqual(JSON.parse(out!.map).sources, ['strings.js']);
  const table = tableOf(english);
  assert.equal(table.length, 5);
  assert.deepEqual(table[0], { strTag: true, strings: ['Profile of ', ', ', ' `x`'], values: [0, 1] });
  assert.ok(!(1 in table), 'a hole where no call has the id');
  assert.equal(table[2], 'Group info');
  assert.equal(table[4], 'Plain');
  // The same id again with the same English is one string; with another English the build fails.
  assert.ok(stripEnglish("msg('Group info', 2);", 'again.js', english));
  assert.throws(() => stripEnglish("msg('Group name', 2);", 'other.js', english), /id 2 has two English texts/);
  assert.equal(stripEnglish('const x = 1;', 'none.js', english), null);
});

test('an empty table is an empty array', () => {
  assert.deepEqual(tableOf(new Map()), []);
});
