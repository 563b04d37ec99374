import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS } from '../../src/protocol/errors.js';
import { README, errorsTable, withErrorsTable } from '../../scripts/readme-errors.js';

test("README's errors table is the one the source makes (run `npx tsx scripts/readme-errors.ts`)", () => {
  const readme = readFileSync(README, 'utf8');
  assert.equal(withErrorsTable(readme), readme);
});

test('the table has a row for every error code, with its number and status', () => {
  const table = errorsTable();
  for (const [name, { code, status }] of Object.entries(ERRORS)) {
    assert.match(table, new RegExp(`\\| \`${name}\` \\| ${code} \\| ${status} \\|`), name);
  }
});
