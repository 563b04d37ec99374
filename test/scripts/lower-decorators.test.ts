/**
 * The small lowering of accessor decorators (`scripts/lower-decorators.ts`, used by the Vite
 * builds) must behave as esbuild's general one, which follows the spec: the same classes, lowered
 * both ways, run here and leave the same trace of every decorator call, context, initializer,
 * field and accessor.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { transform } from 'esbuild';
import { helpers, lowerAccessorDecorators } from '../../scripts/lower-decorators.js';

const root = new URL('../..', import.meta.url).pathname;

/** Classes whose every step writes to `log`; `run()` builds instances and returns the log. */
const SAMPLE = `
const log: unknown[] = [];
const note = (...entry: unknown[]) => void log.push(entry);
const describe = (context: ClassAccessorDecoratorContext) => ({
  kind: context.kind, name: context.name, static: context.static, private: context.private,
  metadata: Object.keys(context.metadata).join(','),
});

/** A decorator that records everything and wraps get, set and init. */
function wrap(tag: string) {
  note('evaluate', tag);
  return (value: ClassAccessorDecoratorTarget<any, unknown>, context: ClassAccessorDecoratorContext) => {
    note('apply', tag, describe(context), typeof value.get, typeof value.set);
    (context.metadata as Record<string, unknown>)[tag] = String(context.name);
    context.addInitializer(function (this: any) { note('extra', tag, this.constructor.name); });
    return {
      get(this: any) { const v = value.get.call(this); note('get', tag, v); return v; },
      set(this: any, v: unknown) { note('set', tag, v); value.set.call(this, v); },
      init(this: any, v: unknown) { note('init', tag, v, this.constructor.name); return typeof v === 'number' ? v + 1 : v; },
    };
  };
}

/** One that returns nothing, keeps the target and uses access. */
function watch(tag: string) {
  note('evaluate', tag);
  let access: ClassAccessorDecoratorContext['access'];
  return (_value: unknown, context: ClassAccessorDecoratorContext) => {
    note('apply', tag, describe(context));
    access = context.access;
    context.addInitializer(function (this: any) { note('extra', tag, access.has(this), access.get(this)); });
  };
}

/** One that only replaces the getter. */
function constant(tag: string, result: unknown) {
  note('evaluate', tag);
  return (_value: unknown, context: ClassAccessorDecoratorContext) => {
    note('apply', tag, describe(context));
    return { get: () => result };
  };
}

let late: ((f: () => void) => void) | undefined;
function keepContext(_value: unknown, context: ClassAccessorDecoratorContext) {
  late = (f) => context.addInitializer(f);
}

const field = (name: string, value: unknown) => { note('field', name); return value; };

class Base {
  #secret = field('#secret', 's');
  @wrap('a') accessor a = 1;
  plain = field('plain', 'p');
  @wrap('b1') @watch('b2') @wrap('b3') accessor b = 10;
  @constant('c', 'fixed') accessor c: string | undefined;
  @keepContext accessor d = 'd';
  #method() { return this.#secret; }
  reveal() { return this.#method(); }
  static tag = field('static tag', 'T');
}

class Derived extends Base {
  @wrap('e') accessor e = field('e value', 5);
  after = field('after', this.e);
}

class Bare {
  @watch('f') accessor f = 'f';
}

export function run(): unknown[] {
  const key = (Symbol as { metadata?: symbol }).metadata ?? Symbol.for('Symbol.metadata');
  const meta = (c: object) => (c as Record<symbol, Record<string, unknown>>)[key]!;
  note('metadata', { ...meta(Base) }, Object.getPrototypeOf(meta(Derived)) === meta(Base), { ...meta(Derived) }, Object.getPrototypeOf(meta(Bare)));
  note('metadata descriptor', Object.getOwnPropertyDescriptor(Base, key) !== undefined);
  for (const name of ['a', 'b', 'c', 'd']) {
    const d = Object.getOwnPropertyDescriptor(Base.prototype, name)!;
    note('descriptor', name, typeof d.get, typeof d.set, d.configurable);
  }
  const base = new Base();
  note('values', base.a, base.b, base.c, base.d, base.reveal(), base.plain);
  base.a = 7;
  base.b = 20;
  note('after set', base.a, base.b, Object.keys(base));
  const derived = new Derived();
  note('derived', derived.e, derived.after, derived.a);
  new Bare();
  try { late!(() => undefined); } catch (error) { note('late addInitializer', (error as Error).constructor.name); }
  return log;
}
`;

/** Evaluates a module's JavaScript, the accessor helpers inlined. */
async function load(code: string): Promise<{ run(): unknown[] }> {
  const inlined = code.replace(/^import \{[^}]*\} from "[^"]*natter:accessor-decorators";/, helpers);
  return import(`data:text/javascript,${encodeURIComponent(inlined)}`);
}

async function esnext(code: string, file: string): Promise<string> {
  return (await transform(code, { loader: 'ts', target: 'esnext', sourcefile: file })).code;
}

test('accessor decorators lowered small behave as esbuild lowers them', async () => {
  const reference = await load((await transform(SAMPLE, { loader: 'ts', target: 'es2022' })).code);
  const lowered = lowerAccessorDecorators(await esnext(SAMPLE, 'sample.ts'), 'sample.ts');
  assert.ok(lowered, 'the sample has accessor decorators only');
  assert.doesNotMatch(lowered.code, /^\s*@\w/m, 'no decorator left');
  const ours = await load(lowered.code);
  const expected = reference.run();
  assert.ok(expected.length > 40, 'the sample leaves a long trace');
  assert.deepEqual(ours.run(), expected);
});

test("the accessors are not enumerable, as a class's accessors are (esbuild makes them enumerable)", async () => {
  const code = lowerAccessorDecorators(await esnext('const d = () => {}; export class A { @d accessor x = 1; }', 'x.ts'), 'x.ts');
  const { A } = (await load(code!.code)) as unknown as { A: { prototype: object } };
  assert.equal(Object.getOwnPropertyDescriptor(A.prototype, 'x')?.enumerable, false);
});

test('other decorators are left to esbuild (null), and a file without any is not touched (undefined)', async () => {
  assert.equal(lowerAccessorDecorators(await esnext('const css = 1; class A { x = 1; }', 'x.ts'), 'x.ts'), undefined);
  for (const sample of [
    'const d = (..._: unknown[]) => undefined; @d class A {}',
    'const d = (..._: unknown[]) => undefined; class A { @d m() {} }',
    'const d = (..._: unknown[]) => undefined; class A { @d static accessor x = 1; }',
    'const d = (..._: unknown[]) => undefined; class A { @d accessor #x = 1; }',
    'const d = (..._: unknown[]) => undefined; class A { @d x = 1; }',
    'const d = (..._: unknown[]) => (..._2: unknown[]) => undefined; class A { @d(this) accessor x = 1; }',
  ]) {
    assert.equal(lowerAccessorDecorators(await esnext(sample, 'x.ts'), 'x.ts'), null, sample);
  }
});

test('every element of ours takes the small lowering', async () => {
  const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  let decorated = 0;
  for (const f of files.filter((f) => /^\s*@\w/m.test(readFileSync(join(root, 'src', f), 'utf8')))) {
    const out = lowerAccessorDecorators(await esnext(readFileSync(join(root, 'src', f), 'utf8'), f), f);
    if (out === undefined) continue; // `@media` in a stylesheet
    assert.ok(out, `${f} is lowered small`);
    // Lit's and @lit/context's decorators, the only ones we use, need none of the helpers.
    assert.doesNotMatch(out.code, /decorateAccessors/, `${f} needs no decorator helpers`);
    decorated++;
  }
  assert.ok(decorated >= 7, `found ${decorated} files with decorators`);
});

/** A Lit element (in Node, on Lit's DOM shim) whose properties take Lit's own table, beside other decorators. */
const LIT_SAMPLE = (tag: string) => `
import { ReactiveElement } from 'lit';
import { property, state as litState } from 'lit/decorators.js';
const other = (_v: unknown, _c: ClassAccessorDecoratorContext) => undefined;
export const order: string[] = [];
export class Sample extends ReactiveElement {
  first = order.push('first');
  @property({ type: Number, reflect: true }) accessor count = 1;
  @property({ attribute: 'long-name' }) accessor longName = 'x';
  @property() accessor unset: string | undefined;
  @litState() accessor open = false;
  @litState({ hasChanged: () => true }) accessor always = 0;
  @other @property() accessor mixed = 'm';
  last = order.push('last:' + this.count);
}
customElements.define('${tag}', Sample);
`;

test("Lit's @property and @state take Lit's static properties table: the same properties, attributes and initial values as the general lowering", async () => {
  const dir = mkdtempSync(join(root, '.lit-lowering-'));
  try {
    const run = async (name: string, code: string) => {
      const file = join(dir, `${name}.mjs`);
      writeFileSync(file, code);
      const m = (await import(pathToFileURL(file).href)) as { Sample: { elementProperties: Map<string, unknown>; observedAttributes: string[]; new (): Record<string, unknown> }; order: string[] };
      const el = new m.Sample();
      const changed = [...((el as { _$changedProperties?: Map<string, unknown> })._$changedProperties ?? new Map()).keys()];
      el.count = 5;
      return {
        // (Lit's table gives a property without options its declaration's defaults, which name
        // `useDefault: false`; the decorator's copy of them leaves it out: the same.)
        properties: [...m.Sample.elementProperties].map(([k, o]) => [k, JSON.stringify(o, (key, v: unknown) => (key === 'useDefault' && v === false ? undefined : typeof v === 'function' ? String(v) : v))]),
        attributes: m.Sample.observedAttributes,
        values: ['count', 'longName', 'unset', 'open', 'always', 'mixed'].map((k) => el[k]),
        changed,
        order: m.order,
      };
    };
    const small = lowerAccessorDecorators(await esnext(LIT_SAMPLE('lit-small'), 'lit.ts'), 'lit.ts');
    assert.ok(small);
    assert.match(small.code, /static properties = \{ count: \{ type: Number, reflect: true \}, longName: \{ attribute: "long-name" \}, unset: void 0, open: \{ state: true, attribute: false \}, always: \{ \.\.\.\{ hasChanged: \(\) => true \}, state: true, attribute: false \} \}/);
    // Any other decorator on an accessor takes the general small lowering, Lit's beside it.
    assert.match(small.code, /decorateAccessors\(this, \[\["mixed", other, property\(\)\]\]\)/);
    const ours = await run('small', small.code.replace(/^import \{[^}]*\} from "[^"]*natter:accessor-decorators";/, helpers));
    const reference = await run('general', (await transform(LIT_SAMPLE('lit-general'), { loader: 'ts', target: 'es2022', format: 'esm' })).code);
    assert.deepEqual(ours, reference);
    assert.deepEqual(ours.attributes, ['count', 'long-name', 'unset', 'mixed']);
    assert.deepEqual(ours.values, [5, 'x', undefined, false, 0, 'm']);
    // Fields initialise in order, the properties' initial values where they stand.
    assert.deepEqual(ours.order, ['first', 'last:1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Elements with @lit/context's `@provide` and `@consume` and Lit's `@query`, as ours use them. */
const CONTEXT_SAMPLE = (tag: string) => `
import { ReactiveElement } from 'lit';
import { property, query } from 'lit/decorators.js';
import { ContextEvent, consume, createContext, provide } from '@lit/context';
const ctx = createContext<string | undefined>('sample');
const log: unknown[] = [];
export class Provider extends ReactiveElement {
  @provide({ context: ctx }) @property({ attribute: false }) accessor value: string | undefined = undefined;
}
export class Consumer extends ReactiveElement {
  @consume({ context: ctx, subscribe: true }) @property({ attribute: false }) accessor got: string | undefined = undefined;
  @query('b') accessor found!: unknown;
  override updated(changed: Map<string, unknown>) { log.push(['updated', [...changed.keys()], this.got]); }
}
customElements.define('provider-${tag}', Provider);
customElements.define('consumer-${tag}', Consumer);
export async function run(): Promise<unknown[]> {
  const p = new Provider();
  const c = new Consumer();
  // No DOM tree in Node: the consumer's request is handed to the provider as the page's tree would.
  c.addEventListener('context-request', (e) => p.dispatchEvent(new ContextEvent(e.context, e.contextTarget, e.callback, e.subscribe)));
  p.value = 'one';
  c.connectedCallback();
  await c.updateComplete;
  (c as unknown as { renderRoot: unknown }).renderRoot = { querySelector: (s: string) => 'found ' + s };
  log.push(['first', c.got, c.found]);
  c.found = 'ignored';
  p.value = 'two';
  await c.updateComplete;
  log.push(['second', c.got, c.found, [...Provider.elementProperties.keys()], [...Consumer.elementProperties.keys()]]);
  for (const name of ['value', 'got', 'found']) {
    const d = Object.getOwnPropertyDescriptor(name === 'value' ? Provider.prototype : Consumer.prototype, name)!;
    log.push(['descriptor', name, typeof d.get, typeof d.set]);
  }
  return log;
}
`;

test("@provide, @consume and @query lowered without the helpers behave as the general lowering", async () => {
  const dir = mkdtempSync(join(root, '.context-lowering-'));
  try {
    const run = async (name: string, code: string) => {
      const file = join(dir, `${name}.mjs`);
      writeFileSync(file, code);
      return ((await import(pathToFileURL(file).href)) as { run(): Promise<unknown[]> }).run();
    };
    const small = lowerAccessorDecorators(await esnext(CONTEXT_SAMPLE('small'), 'context.ts'), 'context.ts');
    assert.ok(small);
    assert.doesNotMatch(small.code, /decorateAccessors|^\s*@\w/m);
    assert.match(small.code, /^import \{ ContextProvider as __natterContextProvider, ContextConsumer as __natterContextConsumer \} from '@lit\/context';/);
    const ours = await run('small', small.code);
    const reference = await run('general', (await transform(CONTEXT_SAMPLE('general'), { loader: 'ts', target: 'es2022', format: 'esm' })).code);
    assert.deepEqual(ours, reference);
    assert.deepEqual(ours.slice(0, 4), [['updated', ['got'], 'one'], ['first', 'one', 'found b'], ['updated', ['got'], 'two'], ['second', 'two', 'found b', ['value'], ['got']]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
