/**
 * `scripts/pure-valibot.ts` marks our calls of valibot's schema builders pure, so that a schema
 * nothing uses leaves a lazily loaded chunk that imports valibot from another chunk (Rolldown drops
 * valibot's own `@__NO_SIDE_EFFECTS__` across chunks).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { rolldown } from 'rolldown';
import { markPureCalls, pureValibotPlugin, valibotPureNames } from '../../scripts/pure-valibot.js';

const valibotNames = () => valibotPureNames(readFileSync(createRequire(import.meta.url).resolve('valibot'), 'utf8'));

test("valibot's pure functions are read from its build: the schema builders, not its config setters", () => {
  const names = valibotNames();
  for (const name of ['object', 'pipe', 'string', 'variant', 'literal', 'maxLength', 'optional', 'array']) assert.ok(names.has(name), name);
  assert.ok(!names.has('setGlobalConfig'));
});

test('calls through the namespace import are marked, whatever its name; comments, strings and other calls are not', () => {
  const code = [
    "import * as s from 'valibot';",
    "import { other } from './other.js';",
    '// s.object(…) in a comment',
    "export const A = s.object({ type: s.literal('a') });",
    "const text = 's.pipe(x)';",
    'other.object(1); s.setGlobalConfig({});',
  ].join('\n');
  const out = markPureCalls(code, new Set(['object', 'literal', 'pipe']), 'm.js')!.code;
  assert.equal(out.split('/* @__PURE__ */ s.object(').length, 2);
  assert.equal(out.split('/* @__PURE__ */ s.literal(').length, 2);
  assert.match(out, /\/\/ s\.object\(…\) in a comment/);
  assert.match(out, /'s\.pipe\(x\)'/);
  assert.match(out, /^other\.object\(1\); s\.setGlobalConfig/m);
  assert.equal(markPureCalls("import { object } from 'valibot';\nobject({});", new Set(['object']), 'm.js'), undefined);
});

test("calls of our own schema builder, fields.ts's maxBytes imported by name (renamed too), are marked; a maxBytes from elsewhere is not", () => {
  const code = [
    "import { maxBytes, ReqIdSchema } from '../protocol/fields.js';",
    "import { maxBytes as limit } from './fields.js';",
    'export const A = maxBytes(64);',
    'export const B = limit(8);',
    'ReqIdSchema.parse(1);',
  ].join('\n');
  const out = markPureCalls(code, new Set(), 'm.js')!.code;
  assert.match(out, /A = \/\* @__PURE__ \*\/ maxBytes\(64\)/);
  assert.match(out, /B = \/\* @__PURE__ \*\/ limit\(8\)/);
  assert.match(out, /^ReqIdSchema\.parse\(1\);$/m);
  assert.equal(markPureCalls("import { maxBytes } from './sizes.js';\nmaxBytes(1);", new Set(), 'm.js'), undefined);
});

test('an unused schema leaves a chunk that imports valibot from another chunk', async () => {
  // main.ts has valibot (the core chunk); use.ts, loaded later, uses one of lazy.ts's two schemas.
  // Beside this file, so that 'valibot' resolves from the project's node_modules (nothing is written).
  const at = (name: string) => fileURLToPath(new URL(`./pure-valibot-${name}.ts`, import.meta.url));
  const files: Record<string, string> = {
    [at('main')]: `import * as v from 'valibot';\nconsole.log(v.safeParse(v.string(), 1));\nexport const later = () => import(${JSON.stringify(at('use'))});`,
    [at('lazy')]: "import * as v from 'valibot';\nexport const Used = v.object({ type: v.literal('used') });\nexport const All = v.variant('type', [Used, v.object({ type: v.literal('unused') })]);",
    [at('use')]: `import { Used } from ${JSON.stringify(at('lazy'))};\nexport const check = (x) => Used['~run']({ value: x }, {});`,
  };
  const lazyCode = async (marks: boolean) => {
    const bundle = await rolldown({
      input: at('main'),
      plugins: [{ name: 'files', resolveId: (id) => (id in files ? id : null), load: (id) => files[id] ?? null }, ...(marks ? [pureValibotPlugin()] : [])],
    });
    const { output } = await bundle.generate({ format: 'es', codeSplitting: { groups: [{ name: 'main', test: /[\\/]node_modules[\\/]valibot[\\/]/ }] } });
    return output.flatMap((o) => (o.type === 'chunk' && !o.isEntry ? [o.code] : [])).join('\n');
  };
  assert.match(await lazyCode(false), /unused/, 'without the marks the unused schema stays (should Rolldown keep valibot’s annotations across chunks one day, the plugin can go)');
  const marked = await lazyCode(true);
  assert.match(marked, /"used"/);
  assert.doesNotMatch(marked, /unused/);
});
