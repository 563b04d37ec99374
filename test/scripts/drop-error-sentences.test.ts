/**
 * The script tag builds the client's own errors without their English sentences
 * (`scripts/drop-error-sentences.ts`): a literal sentence goes, options keep their place, and
 * whatever is not a literal (a template, a variable) stays.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { dropErrorSentences } from '../../scripts/drop-error-sentences.js';

test("a ChatError's literal sentence goes; options keep their place; other messages stay", () => {
  const code = [
    "reject(new ChatError('TIMEOUT', 'Not connected.'));",
    "throw new ChatError('BAD_REQUEST', 'Only a failed message can\\'t be discarded.', { cause: e });",
    "new ChatError('BAD_FRAME', `Invalid frame at ${path}.`);",
    "new ChatError(name, 'x'); new ChatError('INTERNAL', message); new ChatError('UNAVAILABLE');",
  ].join('\n');
  const out = dropErrorSentences(code, 'a.ts');
  assert.equal(
    out?.code,
    [
      "reject(new ChatError('TIMEOUT'));",
      "throw new ChatError('BAD_REQUEST', undefined, { cause: e });",
      "new ChatError('BAD_FRAME', `Invalid frame at ${path}.`);",
      "new ChatError(name, 'x'); new ChatError('INTERNAL', message); new ChatError('UNAVAILABLE');",
    ].join('\n'),
  );
  assert.equal(JSON.parse(out.map).sources[0], 'a.ts');
  assert.equal(dropErrorSentences("new ChatError('X');", 'b.ts'), null);
});

test('the sentences the client makes itself are found (outbox, requests, sending)', () => {
  for (const file of ['src/client/outbox.ts', 'src/client/requests.ts', 'src/client/send-actions.ts']) {
    const code = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    const out = dropErrorSentences(code, file);
    assert.ok(out, file);
    assert.doesNotMatch(out.code, /new ChatError\('[A-Z_]+', '/, file);
  }
});
