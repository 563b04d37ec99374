/**
 * The script tag's string plugins together, in a real Vite build of a small module tree laid out as
 * ours (`src/elements/…`, `i18n/locales/*.ts` as `lit-localize build` writes them), run with
 * @lit/localize's runtime: English leaves the calls for the `en` chunk, and a locale that lacks a
 * string shows it in English from that chunk (its own chunk imports it), while one that lacks
 * nothing does not fetch English.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { build } from 'vite';
import { englishChunkPlugin } from '../../scripts/english-chunk.js';
import { shortMsgIdsPlugin } from '../../scripts/short-msg-ids.js';

const ROOT = new URL('../../', import.meta.url).pathname;
mkdirSync(join(ROOT, 'tmp'), { recursive: true });
// Inside the project, so that `@lit/localize` resolves from its node_modules.
const dir = mkdtempSync(join(ROOT, 'tmp', 'english-chunk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A locale module as `lit-localize build` writes it. */
const locale = (entries: string[]) => `\n    import {str} from '@lit/localize';\n\n    export const templates = {\n      ${entries.join(',\n')},\n    };\n  `;

test('built: English is a chunk of its own; a locale lacking a string shows it in English, one lacking none fetches no English', async () => {
  const elements = join(dir, 'src/elements');
  const locales = join(elements, 'i18n/locales');
  mkdirSync(locales, { recursive: true });
  writeFileSync(join(locales, 'en.ts'), 'export const templates = {};\n');
  // (The first module, in name order, lists every id: their numbers follow its order.)
  writeFileSync(join(locales, 'de.ts'), locale(["'a.hello': `Hallo`", "'b.bye': `Tschüss`", "'c.name': str`Name ${1}, Vorname ${0}`"]));
  writeFileSync(join(locales, 'fr.ts'), locale(["'a.hello': `Bonjour`", "'c.name': str`Nom : ${1}, ${0}`"]));
  writeFileSync(
    join(elements, 'strings.ts'),
    `import { msg, str } from '@lit/localize';
export const hello = () => msg('Hello', { id: 'a.hello' });
export const bye = () => msg('Goodbye', { id: 'b.bye' });
export const named = (first: string, last: string) => msg(str\`Name: \${first}, \${last}\`, { id: 'c.name' });
`,
  );
  const writeEntry = (STATIC: boolean) => writeFileSync(
    join(elements, 'entry.ts'),
    `import { configureLocalization } from '@lit/localize';
// Loaded after a catalogue, as the panel's chunk is (or in the entry, to see the build refuse it).
${STATIC ? "export * from './strings.js';" : "export const strings = () => import('./strings.js');"}
const loaders: Record<string, () => Promise<any>> = { en: () => import('./i18n/locales/en.js'), de: () => import('./i18n/locales/de.js'), fr: () => import('./i18n/locales/fr.js') };
export const { setLocale } = configureLocalization({ sourceLocale: 'und', targetLocales: ['en', 'de', 'fr'], loadLocale: (l) => loaders[l]!() });
`,
  );
  const out = join(dir, 'out');
  const bundle = (inline: string[]) => build({
    configFile: false,
    logLevel: 'silent',
    root: dir,
    plugins: [shortMsgIdsPlugin(locales), englishChunkPlugin(locales, inline)],
    build: { outDir: out, emptyOutDir: true, minify: true, modulePreload: false, rollupOptions: { input: { entry: join(elements, 'entry.ts') }, preserveEntrySignatures: 'strict', output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name].js' } } },
  });
  // Strings in the entry (the launcher's first paint) must keep their English: the build says which.
  writeEntry(true);
  await assert.rejects(bundle([]), /entry\.js is loaded before any catalogue, but the English of \S+strings\.ts is in the en chunk/);
  await bundle([join(elements, 'strings.ts')]);
  assert.match(readFileSync(join(out, 'entry.js'), 'utf8'), /Goodbye/);
  writeEntry(false);
  await bundle([]);
  const files = readdirSync(out);
  const text = (name: string) => readFileSync(join(out, files.find((f) => f.startsWith(name))!), 'utf8');
  assert.doesNotMatch(text('strings'), /Hello|Goodbye|Name: /, 'no English in the element code');
  assert.match(text('en'), /Goodbye/);
  assert.match(text('fr'), /from".\/en\.js"/, 'the locale lacking a string imports the English chunk');
  assert.doesNotMatch(text('de'), /en\.js/);

  // @lit/localize tells `window` about its loading.
  Object.assign(globalThis, { window: new EventTarget() });
  const entry = (await import(pathToFileURL(join(out, 'entry.js')).href)) as { strings(): Promise<Record<'hello' | 'bye', () => string> & { named(first: string, last: string): string }>; setLocale(locale: string): Promise<void> };
  const built = { ...(await entry.strings()), setLocale: entry.setLocale };
  assert.deepEqual([built.hello(), built.bye(), built.named('Ann', 'Lee')], ['', '', ''], 'no catalogue yet: empty, never an id');
  await built.setLocale('en');
  assert.deepEqual([built.hello(), built.bye(), built.named('Ann', 'Lee')], ['Hello', 'Goodbye', 'Name: Ann, Lee']);
  await built.setLocale('de');
  assert.deepEqual([built.hello(), built.bye(), built.named('Ann', 'Lee')], ['Hallo', 'Tschüss', 'Name Lee, Vorname Ann']);
  await built.setLocale('fr');
  assert.deepEqual([built.hello(), built.bye(), built.named('Ann', 'Lee')], ['Bonjour', 'Goodbye', 'Nom : Lee, Ann']);
});
