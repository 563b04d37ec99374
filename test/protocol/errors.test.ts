/**
 * The error table is split so that a client does not ship the server's English sentences:
 * `error-codes.ts` (names, numbers, ChatError) for everyone, `errors.ts` (the HTTP statuses and the
 * sentences) for the server. Loading `errors.ts` must keep every server-side message as before.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from 'esbuild';
import { ChatError, ERROR_CODES, ERROR_MESSAGES, ERROR_STATUSES, ERRORS, type ErrorName } from '../../src/protocol/index.js';

const root = new URL('../..', import.meta.url).pathname;

/** Bundles `code` (imports resolved from the repository root) and runs it in a fresh module. */
async function run(code: string): Promise<Record<string, unknown>> {
  const out = await build({ stdin: { contents: code, resolveDir: root, loader: 'ts' }, bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'error' });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0]!.text).toString('base64')}`) as Promise<Record<string, unknown>>;
}

test('with the server table loaded, an error without a message of its own has the server sentence', () => {
  for (const name of Object.keys(ERROR_CODES) as ErrorName[]) {
    const error = new ChatError(name);
    assert.equal(error.message, ERROR_MESSAGES[name], name);
    assert.deepEqual(error.toJSON(), { code: ERROR_CODES[name].code, name, message: ERROR_MESSAGES[name] });
    assert.deepEqual(ERRORS[name], { ...ERROR_CODES[name], status: ERROR_STATUSES[name], message: ERROR_MESSAGES[name] });
    assert.equal(error.status, ERROR_STATUSES[name], name);
  }
  assert.equal(new ChatError('TIMEOUT', 'Not connected.').message, 'Not connected.');
});

test('without it (a client), such an error says its name, and a received message is kept', async () => {
  const mod = await run(`
    import { ChatError } from './src/protocol/error-codes.ts';
    const own = new ChatError('UPLOAD_CANCELLED');
    const received = ChatError.from({ code: 3000, name: 'NOT_MEMBER', message: 'You are not a member of this conversation.' });
    export const result = [own.message, own.code, own.status, received.name, received.message];
  `);
  assert.deepEqual(mod.result, ['UPLOAD_CANCELLED', 6003, undefined, 'NOT_MEMBER', 'You are not a member of this conversation.']);
});

test('importing the client does not bring the server sentences along', async () => {
  const out = await build({
    entryPoints: [`${root}src/client/index.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    minify: true,
    logLevel: 'error',
  });
  const text = out.outputFiles.map((f) => f.text).join('\n');
  const shipped = Object.values(ERROR_MESSAGES).filter((sentence) => text.includes(sentence));
  assert.deepEqual(shipped, []);
});
