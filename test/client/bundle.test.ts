/**
 * What a page downloads for the client: probing and uploading files is a chunk of its own,
 * imported the first time a file is sent (or a file of the outbox is uploaded), so a page that
 * only chats never loads it; so are a jump to a message not loaded yet and the send code. Bundled here as an app's bundler would, with code splitting.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;
// Rare paths (and what only the panel uses): a jump to a message not loaded, turning a send into
// an outbox entry and validating it against the client frames' schemas, the change actions
// (both fetched once a session is ready).
const LAZY = [
  'src/client/upload.ts', 'src/client/media-probe.ts', 'src/client/load-around.ts', 'src/client/send-actions.ts', 'src/client/prepare-file.ts',
  'src/client/change-actions.ts', 'src/protocol/client-frames.ts', 'src/client/search.ts', 'src/protocol/search.ts',
  // The schemas of answers only that code asks for (the client reads them once it registered them).
  'src/protocol/answer-frames.ts', 'src/protocol/feature-answers.ts',
];
/** Text only the schemas of frames a client sends (and the change actions) hold: `message.send`'s own check, a fetch of reactions. */
const CLIENT_SCHEMA_TEXT = ['exactly one of elem and forward', 'reactions.fetch'];

test('the upload, media-probe, load-around, send-actions and change-actions code, and the client frames\' schemas, are split from the client and loaded only on demand', async () => {
  const out = await build({
    entryPoints: { client: `${root}src/client/index.ts` },
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    outdir: '/virtual',
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    logLevel: 'error',
  });
  const outputs = out.metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]!.entryPoint === 'src/client/index.ts')!;
  // What the page loads at once: the entry and every chunk it imports statically, transitively.
  const eager = new Set<string>();
  for (let todo = [entry], path = todo.pop(); path !== undefined; path = todo.pop()) {
    if (eager.has(path)) continue;
    eager.add(path);
    todo.push(...outputs[path]!.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path));
  }
  const inputsOf = (paths: Iterable<string>) => new Set([...paths].flatMap((path) => Object.keys(outputs[path]!.inputs)));
  const loadedAtOnce = inputsOf(eager);
  assert.deepEqual(LAZY.filter((file) => loadedAtOnce.has(file)), [], 'not in what the client loads at once');
  // The dynamically imported chunks and the chunks they import (a module two lazy paths share).
  const lazyChunks = new Set<string>();
  for (let todo = [...eager].flatMap((path) => outputs[path]!.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path)), path = todo.pop(); path !== undefined; path = todo.pop()) {
    if (lazyChunks.has(path) || eager.has(path)) continue;
    lazyChunks.add(path);
    todo.push(...outputs[path]!.imports.map((i) => i.path));
  }
  const onDemand = inputsOf(lazyChunks);
  for (const file of LAZY) assert.ok(onDemand.has(file), `${file} in a dynamically imported chunk`);
  // A send is checked against `message.send`'s schema alone: the table of every client frame is the server's.
  assert.ok(!loadedAtOnce.has('src/protocol/client-codec.ts') && !onDemand.has('src/protocol/client-codec.ts'), 'decodeClientFrame is not in the client');
  // What the files hold, not only where they are: no schema of a frame the client only sends.
  const textOf = (paths: Iterable<string>) => [...paths].map((path) => out.outputFiles.find((f) => f.path.endsWith(path.slice(path.lastIndexOf('/'))))!.text).join('\n');
  const eagerText = textOf(eager);
  assert.deepEqual(CLIENT_SCHEMA_TEXT.filter((text) => eagerText.includes(text)), [], 'client frame schemas not loaded at once');
});

test('the package entry (`natter`) does not load the server sentences (`protocol/errors.ts`)', async () => {
  const out = await build({
    stdin: { contents: "export { createChatClient, ChatError, ERROR_CODES } from './src/index.ts';", resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    logLevel: 'error',
    metafile: true,
  });
  const inputs = Object.keys(out.metafile.inputs);
  assert.ok(inputs.includes('src/protocol/error-codes.ts'));
  // (Its text cannot tell: the elements' own English sentences say some of the same things.)
  assert.deepEqual(inputs.filter((file) => /^src\/protocol\/(index|errors)\.ts$/.test(file)), []);
});
