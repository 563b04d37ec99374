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

test('a received refusal keeps its reason and reasonCode through ChatError (a forward shows the site’s words, or words the word list’s code)', () => {
  const site = { code: ERROR_CODES.MESSAGE_REJECTED.code, name: 'MESSAGE_REJECTED', message: 'No links to other shops.', reason: 'No links to other shops.' } as const;
  assert.deepEqual(ChatError.from(site).toJSON(), site);
  const words = { code: ERROR_CODES.MESSAGE_REJECTED.code, name: 'MESSAGE_REJECTED', message: 'The message contains a word this site does not allow.', reasonCode: 'word-list' } as const;
  assert.deepEqual(ChatError.from(words).toJSON(), words);
  // Without them, the body has no such keys (as before).
  assert.deepEqual(Object.keys(ChatError.from({ code: ERROR_CODES.TIMEOUT.code, name: 'TIMEOUT', message: 'x' }).toJSON()), ['code', 'name', 'message']);
});

test("a page's bundle carries the numbers of the errors the client raises itself, not the table: a received error keeps the name and number its body gives", async () => {
  const mod = await run(`
    import { ChatError } from './src/protocol/error-codes.ts';
    const own = ['TIMEOUT', 'BAD_FRAME', 'UPLOAD_FAILED', 'MESSAGE_TOO_LARGE'].map((name) => new ChatError(name).code);
    const full = ChatError.from({ code: 5011, name: 'GROUP_FULL', message: 'full', retryAfterMs: 5 });
    const newer = ChatError.from({ code: 7777, name: 'SOMETHING_NEW', message: 'new' });
    const nameless = ChatError.from({ code: 3000, message: 'from a proxy' });
    export const result = [own, full.toJSON(), newer.name, newer.code, nameless.name, nameless.code];
    export const table = String(ChatError) + String(ChatError.from);
  `);
  assert.deepEqual(mod.result, [
    [6000, 1000, 6001, 4000],
    { code: 5011, name: 'GROUP_FULL', message: 'full', retryAfterMs: 5 },
    'SOMETHING_NEW',
    7777,
    'INTERNAL',
    9000,
  ]);
  const out = await build({ stdin: { contents: "export { ChatError } from './src/protocol/error-codes.ts';", resolveDir: root, loader: 'ts' }, bundle: true, write: false, format: 'esm', minify: true, logLevel: 'error' });
  const text = out.outputFiles[0]!.text;
  // Only the server raises these: their names and numbers stay out of a page's bundle.
  assert.deepEqual(['GROUP_FULL', 'NOT_MEMBER', 'PRESENCE_DISABLED', 'SHUTTING_DOWN'].filter((name) => text.includes(name)), []);
});

test('every ChatError the client, the elements and the protocol modules a page loads make by name has its number without the server table', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const mod = await run(`
    import { ChatError } from './src/protocol/error-codes.ts';
    export const codeOf = (name) => new ChatError(name).code;
  `);
  const codeOf = mod.codeOf as (name: string) => number | undefined;
  const raised = new Set<string>();
  for (const dir of ['src/client', 'src/elements', 'src/protocol']) {
    for (const file of readdirSync(`${root}${dir}`, { recursive: true }) as string[]) {
      if (!file.endsWith('.ts') || (dir === 'src/protocol' && file === 'errors.ts')) continue;
      for (const m of readFileSync(`${root}${dir}/${file}`, 'utf8').matchAll(/new ChatError\(\s*'([A-Z_]+)'/g)) raised.add(m[1]!);
    }
  }
  raised.add('MESSAGE_TOO_LARGE').add('FILE_TOO_LARGE'); // frame-decode.ts names them through a variable
  assert.ok(raised.size >= 10, [...raised].join(', '));
  for (const name of raised) assert.equal(codeOf(name), ERROR_CODES[name as ErrorName].code, name);
});
