/**
 * Lowers the standard decorators of our elements (`@property() accessor x = 1`), which browsers
 * cannot run yet, for the Vite builds (script tag and demo), ahead of `lowerDecorators()` in
 * vite.config.ts (esbuild's general lowering, which takes whatever these plugins leave).
 *
 * Our elements decorate only instance auto-accessors, and for those the lowering is small: each
 * `@a() @b() accessor x = v` becomes a private field holding the value, a getter and a setter,
 * and one static block per class applies the decorators (`helpers` below, one copy per build).
 * The rest of the class stays as written. An accessor whose one decorator is Lit's own
 * `@property(…)` or `@state(…)` (most of ours) needs none of that: it becomes an entry of the
 * class's `static properties` table, from which Lit makes the same accessor, and its initial value
 * is set through it where the field stood (`litProperty` below; 1.2 KiB gzip less in the script
 * tag's panel chunk than the helpers' form). Lit's `@query` and @lit/context's `@consume` and
 * `@provide` over such a property need none of it either (`knownDecorators` below): with them
 * lowered too, no element of ours needs the helpers (1.3 KiB gzip less in the panel's chunk).
 * esbuild's general lowering, by contrast, turns every
 * field of a decorated class into a WeakMap or a `__publicField` call, every private method into
 * a helper call, and each decorated accessor into several (2 KiB gzip more in the script tag).
 *
 * The semantics are esbuild's (the spec's): decorator expressions are evaluated in source order
 * when the class is defined and applied last to first, each given `{get, set}` as it stands then
 * and a context (`kind: 'accessor'`, `name`, `metadata`, `access`, `addInitializer`); the class's
 * `Symbol.metadata` inherits its parent's; per instance, the initial value goes through the
 * `init`s where the field stands, and the extra initializers run right after it.
 * `test/scripts/lower-decorators.test.ts` runs both lowerings of the same classes and compares.
 */
import { transform } from 'esbuild';
import { RolldownMagicString } from 'rolldown';
import { parseAst, type Plugin } from 'vite';
import { astNodes, type AstNode } from './ast-nodes.js';

const HELPERS_ID = '\0natter:accessor-decorators';

/** The run-time part: applied once per class (`decorateAccessors`), and per instance (`initAccessor`, `runExtras`). */
export const helpers = `
const fn = (f, what) => f === undefined || typeof f === 'function' ? f : (() => { throw new TypeError(what + ' must be a function'); })();
export function decorateAccessors(cls, list) {
  const key = Symbol.metadata ?? Symbol.for('Symbol.metadata');
  const metadata = Object.create(Object.getPrototypeOf(cls)[key] ?? null);
  const entries = list.map(([name, ...decorators]) => {
    const desc = Object.getOwnPropertyDescriptor(cls.prototype, name);
    const inits = [];
    const extras = [];
    const access = { has: (o) => name in o, get: (o) => o[name], set: (o, v) => { o[name] = v; } };
    for (let i = decorators.length - 1; i >= 0; i--) {
      let done = false;
      const context = { kind: 'accessor', name, static: false, private: false, metadata, access,
        addInitializer(f) { if (done) throw new TypeError('Already initialized'); extras.push(fn(f ?? null, 'An initializer')); } };
      const out = decorators[i]({ get: desc.get, set: desc.set }, context);
      done = true;
      if (out === undefined) continue;
      if (typeof out !== 'object' || out === null) throw new TypeError('An accessor decorator must return an object or undefined');
      if (fn(out.get, 'get')) desc.get = out.get;
      if (fn(out.set, 'set')) desc.set = out.set;
      if (fn(out.init, 'init')) inits.unshift(out.init);
    }
    Object.defineProperty(cls.prototype, name, desc);
    return [inits, extras];
  });
  Object.defineProperty(cls, key, { value: metadata, writable: true, enumerable: true, configurable: true });
  return entries;
}
export function initAccessor([inits], self, value) {
  for (const f of inits) value = f.call(self, value);
  return value;
}
export function runExtras([, extras], self) {
  for (const f of extras) f.call(self);
}
`;

interface ClassElement extends AstNode {
  decorators?: AstNode[];
  key: AstNode & { name?: string };
  value?: AstNode | null;
  static: boolean;
  computed: boolean;
}

/**
 * Lowers the accessor decorators of `code` (JavaScript with standard decorators, as esbuild's
 * `esnext` output writes it): null when the file has decorators of another kind, which the
 * caller then leaves to esbuild's general lowering; undefined when it has none.
 */
export function lowerAccessorDecorators(code: string, file: string): { code: string; map: ReturnType<RolldownMagicString['generateMap']> } | null | undefined {
  const classes = [...astNodes(parseAst(code))].filter((n) => n.type === 'ClassDeclaration' || n.type === 'ClassExpression');
  const decorated = classes.filter((c) => (c.decorators as AstNode[] | undefined)?.length || (c.body as { body: ClassElement[] }).body.some((e) => e.decorators?.length));
  if (decorated.length === 0) return undefined;
  if (/#__acc\d|\b__natter(Accessors\d|Context)/.test(code)) return null;
  const s = new RolldownMagicString(code);
  const lit = litDecorators(code);
  let acc = 0;
  const vars: string[] = [];
  /** The @lit/context controllers that `@consume` and `@provide` became (see `knownDecorators`). */
  const uses = new Set<'ContextConsumer' | 'ContextProvider'>();
  for (const cls of decorated) {
    if ((cls.decorators as AstNode[] | undefined)?.length) return null;
    const body = cls.body as AstNode & { body: ClassElement[] };
    const list = `__natterAccessors${vars.length}`;
    const applied: string[] = [];
    /** Lit's own reactive properties of the class (see `litProperty`), as `static properties` entries. */
    const properties: string[] = [];
    const ownProperties = body.body.some((e) => e.static && e.key?.name === 'properties');
    for (const element of body.body) {
      if (element.type === 'AccessorProperty' && !element.decorators?.length) return null; // browsers lack `accessor` too
      if (!element.decorators?.length) continue;
      if (element.type !== 'AccessorProperty' || element.static || element.computed || element.key.type !== 'Identifier') return null;
      const decorators = element.decorators.map((d) => code.slice((d.expression as AstNode).start, (d.expression as AstNode).end));
      // The expressions move into the class's static block: nothing there may mean something else.
      if (decorators.some((d) => /\bthis\b|\bsuper\b|\barguments\b|\bawait\b|\byield\b|#|@|\bclass\b/.test(d))) return null;
      const name = element.key.name!;
      const options = ownProperties ? undefined : litProperty(element.decorators, lit, code);
      if (options !== undefined) {
        properties.push(`${name}: ${options}`);
        // The initial value is set where the field stood, through the accessor Lit makes.
        s.overwrite(element.start, element.end, element.value ? `#__acc${acc++} = void (this.${name} = ${code.slice(element.value.start, element.value.end)});` : '');
        continue;
      }
      const known = ownProperties ? undefined : knownDecorators(element, lit, code);
      if (known) {
        if (known.property !== undefined) properties.push(`${name}: ${known.property}`);
        const value = element.value ? `#__acc${acc++} = void (this.${name} = ${code.slice(element.value.start, element.value.end)}); ` : '';
        if (known.kind === 'query') s.overwrite(element.start, element.end, `get ${name}() { return this.renderRoot?.querySelector(${known.selector}) ?? null; } set ${name}(v) {}`);
        else if (known.kind === 'consume') {
          uses.add('ContextConsumer');
          s.overwrite(element.start, element.end, `${value}#__acc${acc++} = void new __natterContextConsumer(this, { context: ${known.context}, callback: (v) => { this.${name} = v; }, subscribe: ${known.subscribe} });`);
        } else {
          uses.add('ContextProvider');
          const provider = `#__acc${acc++}`;
          const field = `#__acc${acc++}`;
          s.overwrite(element.start, element.end, `${provider} = new __natterContextProvider(this, { context: ${known.context} }); ${field}; get ${name}() { return this.${field}; } set ${name}(v) { this.${provider}.setValue(v); this.${field} = v; }`);
        }
        continue;
      }
      const i = applied.length;
      applied.push(`[${JSON.stringify(name)}, ${decorators.join(', ')}]`);
      const field = `#__acc${acc++}`;
      const head = `${field} = initAccessor(${list}[${i}], this, `;
      const tail = `); ${field}x = runExtras(${list}[${i}], this); get ${name}() { return this.${field}; } set ${name}(v) { this.${field} = v; }`;
      if (element.value) {
        s.overwrite(element.start, element.value.start, head);
        s.overwrite(element.value.end, element.end, tail);
      } else s.overwrite(element.start, element.end, `${head}void 0${tail}`);
    }
    if (properties.length) s.appendLeft(body.start + 1, `static properties = { ${properties.join(', ')} };`);
    if (!applied.length) continue;
    s.appendLeft(body.start + 1, `static { ${list} = decorateAccessors(this, [${applied.join(', ')}]); }`);
    vars.push(list);
  }
  if (uses.size) s.prepend(`import { ${[...uses].map((u) => `${u} as __natter${u}`).join(', ')} } from '@lit/context';`);
  if (vars.length) {
    s.prepend(`import { decorateAccessors, initAccessor, runExtras } from ${JSON.stringify(HELPERS_ID)};`);
    s.append(`\nvar ${vars.join(', ')};\n`);
  }
  return { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: file, includeContent: false }) };
}

type KnownDecorator = 'property' | 'state' | 'query' | 'consume' | 'provide';

/**
 * The local names of the decorators `code` imports that the lowering knows: Lit's `property`,
 * `state` and `query` (from `lit/decorators.js`), @lit/context's `consume` and `provide`.
 */
function litDecorators(code: string): Map<string, KnownDecorator> {
  const names = new Map<string, KnownDecorator>();
  for (const node of astNodes(parseAst(code))) {
    if (node.type !== 'ImportDeclaration') continue;
    const from = (node.source as { value: string }).value;
    const known: readonly KnownDecorator[] = /^lit\/decorators(\.js|\/(property|state|query)\.js)$/.test(from) ? ['property', 'state', 'query'] : from === '@lit/context' ? ['consume', 'provide'] : [];
    for (const spec of node.specifiers as Array<AstNode & { imported?: { name?: string }; local: { name: string } }>) {
      const imported = spec.type === 'ImportSpecifier' ? spec.imported?.name : undefined;
      const kind = known.find((k) => k === imported);
      if (kind) names.set(spec.local.name, kind);
    }
  }
  return names;
}

type Call = AstNode & { callee?: AstNode & { name?: string }; arguments?: AstNode[] };

/** The decorator call `node` as `[kind, arguments]` when it calls one of `lit`'s names. */
function knownCall(node: AstNode, lit: Map<string, KnownDecorator>): [KnownDecorator, AstNode[]] | undefined {
  const call = node.expression as Call;
  const kind = call.type === 'CallExpression' && call.callee?.type === 'Identifier' ? lit.get(call.callee.name!) : undefined;
  return kind ? [kind, call.arguments ?? []] : undefined;
}

/**
 * `{ context: <name>, subscribe?: true | false }` (the options `@consume`/`@provide` take) as text,
 * when it is an object of exactly those, with an identifier for the context: evaluated once per
 * instance here rather than once per class, which for a name and a literal is the same.
 */
function contextOptions(arg: AstNode | undefined, code: string): { context: string; subscribe: string } | undefined {
  if (arg?.type !== 'ObjectExpression') return undefined;
  const out = { context: '', subscribe: 'false' };
  for (const p of arg.properties as Array<AstNode & { key?: AstNode & { name?: string }; value?: AstNode & { value?: unknown }; computed?: boolean; kind?: string }>) {
    if (p.type !== 'Property' || p.computed || p.kind !== 'init' || p.key?.type !== 'Identifier' || !p.value) return undefined;
    if (p.key.name === 'context' && p.value.type === 'Identifier') out.context = code.slice(p.value.start, p.value.end);
    else if (p.key.name === 'subscribe' && p.value.type === 'Literal' && typeof p.value.value === 'boolean') out.subscribe = String(p.value.value);
    else return undefined;
  }
  return out.context ? out : undefined;
}

/**
 * The lowering of the other decorators our elements use, without the helpers, as Lit and
 * @lit/context define them for an auto-accessor:
 * - `@query('sel')`: a getter answering `this.renderRoot?.querySelector('sel') ?? null` (Lit's
 *   `query` without `cache`), and a setter that keeps nothing (the auto-accessor's, whose field
 *   no getter reads any more);
 * - `@consume({context, subscribe}) @property(…)`: the property in Lit's table (`litProperty`), and
 *   after its initial value, a `ContextConsumer` whose callback sets the property, as the
 *   decorator's initializer makes;
 * - `@provide({context}) @property(…)` with no initial value: the property in Lit's table, over
 *   a getter and setter of our own that Lit wraps (its `getPropertyDescriptor` keeps a class's
 *   own accessor and adds `requestUpdate`), the setter handing the value to a `ContextProvider`
 *   made with the instance first, as the decorator's `set` and `init` do.
 * Undefined for any other combination, which takes the general lowering.
 */
function knownDecorators(element: ClassElement, lit: Map<string, KnownDecorator>, code: string):
  | { kind: 'query'; selector: string; property?: undefined }
  | { kind: 'consume'; context: string; subscribe: string; property: string }
  | { kind: 'provide'; context: string; property: string }
  | undefined {
  const decorators = element.decorators ?? [];
  const first = decorators[0] && knownCall(decorators[0], lit);
  if (!first) return undefined;
  const [kind, args] = first;
  if (kind === 'query') {
    const selector = args[0];
    if (decorators.length !== 1 || args.length !== 1 || selector?.type !== 'Literal' || typeof (selector as { value?: unknown }).value !== 'string' || element.value) return undefined;
    return { kind, selector: code.slice(selector.start, selector.end) };
  }
  if ((kind !== 'consume' && kind !== 'provide') || decorators.length !== 2 || args.length !== 1) return undefined;
  const options = contextOptions(args[0], code);
  const property = litProperty(decorators.slice(1), lit, code);
  if (!options || property === undefined) return undefined;
  if (kind === 'consume') return { kind, context: options.context, subscribe: options.subscribe, property };
  // No initial value but `undefined` (`void 0` once esbuild has written it): the provider's first value.
  const initial = element.value as (AstNode & { name?: string; operator?: string; argument?: AstNode }) | null | undefined;
  const none = !initial || (initial.type === 'Identifier' && initial.name === 'undefined') || (initial.type === 'UnaryExpression' && initial.operator === 'void' && initial.argument?.type === 'Literal');
  if (options.subscribe !== 'false' || !none) return undefined;
  return { kind, context: options.context, property };
}

/**
 * The `static properties` entry of an accessor whose one decorator is Lit's `@property(options?)`
 * or `@state(options?)`: its options (`state` adds `state: true, attribute: false`, as Lit's own
 * `state()` does). Lit then makes the same accessor from the table (`createProperty`: the value
 * kept on the instance, `requestUpdate` on a change) without any decorator run-time, and an
 * initial value set where the field stood goes through it as the decorator's `init` would (a
 * change from undefined). Undefined for any other decorator, which takes the general lowering.
 */
function litProperty(decorators: AstNode[], lit: Map<string, KnownDecorator>, code: string): string | undefined {
  if (decorators.length !== 1) return undefined;
  const call = decorators[0]!.expression as Call;
  const kind = call.type === 'CallExpression' && call.callee?.type === 'Identifier' ? lit.get(call.callee.name!) : undefined;
  if ((kind !== 'property' && kind !== 'state') || (call.arguments?.length ?? 0) > 1 || call.arguments?.[0]?.type === 'SpreadElement') return undefined;
  const given = call.arguments?.[0] ? code.slice(call.arguments[0].start, call.arguments[0].end) : undefined;
  // Without options: undefined, so that Lit's `createProperty` takes its defaults, as `property()` does.
  if (kind === 'property') return given ?? 'void 0';
  return given ? `{ ...${given}, state: true, attribute: false }` : '{ state: true, attribute: false }';
}

/** Our TypeScript files (not dependencies), by file name; undefined for anything else. */
const ours = (id: string) => {
  const file = id.split('?')[0]!;
  return file.endsWith('.ts') && !file.includes('/node_modules/') ? file : undefined;
};

/**
 * The plugins, to put before `lowerDecorators()` of vite.config.ts (esbuild's general lowering,
 * which takes whatever these leave): TypeScript with decorators to JavaScript that keeps them
 * (esbuild), then the lowering above. Two steps, so that Vite chains their source maps.
 */
export function lowerAccessorDecoratorPlugins(): Plugin[] {
  const taken = new Set<string>();
  return [
    {
      name: 'natter:accessor-decorators-to-esnext',
      enforce: 'pre',
      resolveId: (id) => (id === HELPERS_ID ? id : null),
      load: (id) => (id === HELPERS_ID ? helpers : null),
      async transform(code, id) {
        const file = ours(id);
        if (!file || !/^\s*@\w/m.test(code)) return null;
        const esnext = await transform(code, { loader: 'ts', target: 'esnext', sourcemap: true, sourcefile: file });
        if (!lowerAccessorDecorators(esnext.code, file)) return null;
        taken.add(id);
        return { code: esnext.code, map: esnext.map };
      },
    },
    {
      name: 'natter:lower-accessor-decorators',
      enforce: 'pre',
      transform(code, id) {
        if (!taken.has(id)) return null;
        const out = lowerAccessorDecorators(code, ours(id)!);
        if (!out) return this.error(`${id}: its decorators could not be lowered`);
        return { code: out.code, map: out.map.toString() };
      },
    },
  ];
}
