/**
 * The script tag's catalogues in two parts (scripts/locale-parts.ts), in a real Vite build of a
 * small module tree laid out as ours (`src/elements/…`, `i18n/locales/*.ts` as `lit-localize build`
 * writes them) with the other string plugins: the first part holds the strings of what the entry
 * reaches without a lazily loaded feature, the second those only such a feature shows; the entry's
 * `import()` of the feature waits for the second part, and its other `import()`s (of a module that
 * shows none of those strings among them) do not.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { build } from 'vite';
import { englishChunkPlugin } from '../../scripts/english-chunk.js';
import { localePartsPlugin } from '../../scripts/locale-parts.js';
import { shortMsgIdsPlugin } from '../../scripts/short-msg-ids.js';

const ROOT = new URL('../../', import.meta.url).pathname;
mkdirSync(join(ROOT, 'tmp'), { recursive: true });
// Inside the project, so that `@lit/localize` resolves from its node_modules.
const dir = mkdtempSync(join(ROOT, 'tmp', 'locale-parts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A locale module as `lit-localize build` writes it. */
const locale = (entries: string[]) => `\n    import {str} from '@lit/localize';\n\n    export const templates = {\n      ${entries.join(',\n')},\n    };\n  `;

type Table = Array<string | { strings: string[] } | undefined>;
type Part = { templates: Table; extras?: () => Promise<{ templates: Table }> };

test('built: a catalogue in two parts, the strings a lazily loaded feature alone shows in the second, fetched with it', async () => {
  const elements = join(dir, 'src/elements');
  const locales = join(elements, 'i18n/locales');
  mkdirSync(locales, { recursive: true });
  writeFileSync(join(locales, 'en.ts'), 'export const templates = {};\n');
  writeFileSync(join(locales, 'de.ts'), locale(["'a.hello': `Hallo`", "'b.both': `Beide`", "'c.lazy': `Später`", "'d.unused': `Nie`", "'e.eager': `Sofort`"]));
  // Lacks the lazy string and the eager one: each part takes it from the same part of English.
  writeFileSync(join(locales, 'fr.ts'), locale(["'a.hello': `Bonjour`", "'b.both': `Les deux`"]));
  writeFileSync(join(elements, 'panel.ts'), `import { msg } from '@lit/localize';\nexport const hello = () => msg('Hello', { id: 'a.hello' }) + msg('Both', { id: 'b.both' });\n`);
  writeFileSync(join(elements, 'lazy.ts'), `import { msg } from '@lit/localize';\nexport const lazy = () => msg('Later', { id: 'c.lazy' }) + msg('Both', { id: 'b.both' });\n`);
  // Lazily loaded too, but with no string of its own (as formatted text's renderer): not waited for.
  writeFileSync(join(elements, 'quiet.ts'), `import { hello } from './panel.js';\nexport const quiet = () => hello().toUpperCase();\n`);
  // Imported at once (as the page's notifier is): its strings are the first part's.
  writeFileSync(join(elements, 'eager.ts'), `import { msg } from '@lit/localize';\nexport const eager = () => msg('At once', { id: 'e.eager' });\n`);
  // What the build wraps the feature's import() in (src/elements/i18n/localize.ts in the product).
  writeFileSync(join(elements, 'helper.ts'), `export const waited: string[] = [];\nexport function withExtrasStrings<M>(m: Promise<M>): Promise<M> { waited.push('lazy'); return m; }\n`);
  writeFileSync(
    join(elements, 'entry.ts'),
    `export * from './panel.js';
export { waited } from './helper.js';
export const lazy = () => import('./lazy.js');
export const quiet = () => import('./quiet.js');
export const eager = () => import('./eager.js');
export const de = () => import('./i18n/locales/de.js');
export const en = () => import('./i18n/locales/en.js');
export const fr = () => import('./i18n/locales/fr.js');
`,
  );
  const out = join(dir, 'out');
  await build({
    configFile: false,
    logLevel: 'silent',
    root: dir,
    plugins: [
      shortMsgIdsPlugin(locales),
      englishChunkPlugin(locales, [join(elements, 'panel.ts')]),
      localePartsPlugin({ localesDir: locales, helperModule: join(elements, 'helper.ts'), entries: [join(elements, 'entry.ts')], isLazy: (id) => id === join(elements, 'lazy.ts') || id === join(elements, 'quiet.ts') }),
    ],
    build: { outDir: out, emptyOutDir: true, minify: false, modulePreload: false, rollupOptions: { input: { entry: join(elements, 'entry.ts') }, preserveEntrySignatures: 'strict', output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' } } },
  });
  const files = readdirSync(out);
  assert.equal(files.filter((f) => /^de-/.test(f)).length, 2, files.join(', '));

  Object.assign(globalThis, { window: new EventTarget() });
  const entry = (await import(pathToFileURL(join(out, 'entry.js')).href)) as { waited: string[]; lazy(): Promise<unknown>; quiet(): Promise<unknown>; eager(): Promise<unknown>; de(): Promise<Part>; en(): Promise<Part>; fr(): Promise<Part> };
  const first = await entry.de();
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => first.templates[n]), ['Hallo', 'Beide', undefined, undefined, 'Sofort'], 'the first part: the panel\'s strings and the eager import\'s');
  const second = await first.extras!();
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => second.templates[n]), [undefined, undefined, 'Später', undefined, undefined], 'the second part: what only the lazy feature shows (and no unused string)');
  assert.ok(files.filter((f) => /^de-/.test(f)).every((f) => !readFileSync(join(out, f), 'utf8').includes('Nie')));
  // English in two parts too (the panel's module keeps its English in its calls: inline).
  const english = await entry.en();
  assert.deepEqual([english.templates[4], english.templates[2]], ['At once', undefined]);
  assert.equal((await english.extras!()).templates[2], 'Later');

  const french = await entry.fr();
  assert.deepEqual([french.templates[0], french.templates[2], french.templates[4]], ['Bonjour', undefined, 'At once']);
  assert.equal((await french.extras!()).templates[2], 'Later', "the second part's English is English's second part");

  await entry.eager();
  await entry.quiet();
  assert.deepEqual(entry.waited, [], 'the eager import() does not wait for the second part, nor that of a module that shows none of its strings');
  await entry.lazy();
  assert.deepEqual(entry.waited, ['lazy'], "the feature's import() does");
});
