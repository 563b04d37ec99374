/**
 * scripts/short-chunk-exports.ts in a real Vite build (minified, code-split, source maps) of a small
 * module tree: each chunk exports its bindings under their own names, the chunks importing it
 * (statically, or by `import()` and a property read) name them so and still run, an entry
 * module's own export names stay, a chunk referred to in another form keeps its names, and the
 * source maps still point at the sources.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { build } from 'vite';
import { shortChunkExportsPlugin } from '../../scripts/short-chunk-exports.js';

const ROOT = new URL('../../', import.meta.url).pathname;
mkdirSync(join(ROOT, 'tmp'), { recursive: true });
const dir = mkdtempSync(join(ROOT, 'tmp', 'short-chunk-exports-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function buildTree(plugins: ReturnType<typeof shortChunkExportsPlugin>[]): Promise<string> {
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  // Shared by the entry and both lazy modules: a chunk of its own, which the three import.
  writeFileSync(join(src, 'shared.ts'), 'export const greetingWord = () => "hello";\nexport const farewellWord = () => "bye";\nexport const countOfThings = (n: number) => n * 2;\n');
  writeFileSync(join(src, 'lazy-a.ts'), 'import { greetingWord, countOfThings } from "./shared";\nexport const lazyGreeting = (name: string) => `${greetingWord()} ${name} ${countOfThings(2)}`;\n');
  writeFileSync(join(src, 'lazy-b.ts'), 'import { farewellWord, countOfThings } from "./shared";\nexport const lazyFarewell = (name: string) => `${farewellWord()} ${name} ${countOfThings(3)}`;\n');
  writeFileSync(
    join(src, 'main.ts'),
    'import { greetingWord } from "./shared";\nexport const entryName = greetingWord();\nexport const run = async () => [(await import("./lazy-a")).lazyGreeting("ann"), (await import("./lazy-b")).lazyFarewell("bo")];\n',
  );
  const out = join(dir, `out-${plugins.length}`);
  await build({
    root: dir,
    configFile: false,
    logLevel: 'error',
    plugins,
    build: {
      outDir: out,
      emptyOutDir: true,
      minify: true,
      sourcemap: true,
      modulePreload: false,
      rollupOptions: {
        input: { main: join(src, 'main.ts') },
        preserveEntrySignatures: 'exports-only',
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
  return out;
}

const exportList = (code: string) => /export\{([^}]*)\}/.exec(code)?.[1]?.split(',') ?? [];

const sharedOf = (out: string) => readdirSync(out).find((f) => f.startsWith('shared-') && f.endsWith('.js'))!;

test('built: the chunks export their bindings by their own names, the importers follow, and it runs', async () => {
  const before = await buildTree([]);
  const out = await buildTree([shortChunkExportsPlugin()]);
  const beforeShared = readFileSync(join(before, sharedOf(before)), 'utf8');
  const shared = readFileSync(join(out, sharedOf(out)), 'utf8');
  assert.ok(exportList(beforeShared).some((e) => e.includes(' as ')), `without the pass, the shared chunk names its exports apart: ${exportList(beforeShared).join(',')}`);
  assert.deepEqual(exportList(shared).filter((e) => e.includes(' as ')), [], `the shared chunk's exports: ${exportList(shared).join(',')}`);
  // Each entry module keeps its own export names (the entry's, and the lazy modules' read by property).
  assert.deepEqual(exportList(readFileSync(join(out, 'main.js'), 'utf8')).map((e) => e.split(' as ').at(-1)).sort(), ['entryName', 'run']);
  const mod = (await import(pathToFileURL(join(out, 'main.js')).href)) as { entryName: string; run(): Promise<string[]> };
  assert.equal(mod.entryName, 'hello');
  assert.deepEqual(await mod.run(), ['hello ann 4', 'bye bo 6']);
  // The maps still name the sources, line for line, and the entry's first line (its import, renamed) maps as before after it.
  for (const file of ['main.js', sharedOf(out)]) {
    const map = JSON.parse(readFileSync(join(out, `${file}.map`), 'utf8')) as { sources: string[]; mappings: string };
    const beforeMap = JSON.parse(readFileSync(join(before, `${file === 'main.js' ? file : sharedOf(before)}.map`), 'utf8')) as { mappings: string };
    assert.ok(map.sources.some((s) => s.endsWith('src/shared.ts') || s.endsWith('src/main.ts')), map.sources.join(', '));
    assert.equal(map.mappings.split(';').length, beforeMap.mappings.split(';').length);
  }
});

test('a chunk another file names in a form the pass does not read keeps its export names', async () => {
  // `entryOnly` aside, a reference the pass cannot follow (here: the shared chunk's name in a string) leaves that chunk alone.
  const out = await buildTree([
    {
      name: 'test:mention-shared',
      apply: 'build',
      generateBundle(_options, bundle) {
        const shared = Object.values(bundle).find((c) => c.type === 'chunk' && c.fileName.startsWith('shared-'))!;
        const main = bundle['main.js'];
        if (main?.type === 'chunk') main.code += `\nexport const sharedUrl = "./${shared.fileName}";\n`;
      },
    },
    shortChunkExportsPlugin(),
  ]);
  const shared = readFileSync(join(out, sharedOf(out)), 'utf8');
  assert.ok(exportList(shared).some((e) => e.includes(' as ')), `the shared chunk keeps its export names: ${exportList(shared).join(',')}`);
  const mod = (await import(pathToFileURL(join(out, 'main.js')).href)) as { run(): Promise<string[]> };
  assert.deepEqual(await mod.run(), ['hello ann 4', 'bye bo 6']);
});
