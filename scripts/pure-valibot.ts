/**
 * Marks our calls of valibot's schema builders (`v.object(…)`, `v.pipe(…)` …) `/* @__PURE__ *\/` in
 * the shipped builds. Valibot declares those functions free of side effects
 * (`@__NO_SIDE_EFFECTS__`), and Rolldown honours that while the caller and valibot share a chunk,
 * but not across chunks: in the script tag's lazily loaded chunks (the panel's, the extras'), which
 * import valibot from the core's, a schema whose value nothing uses stayed as a bare call, with
 * every schema it lists (the client frames' `v.variant('type', […])` held all 21 of them). With
 * the mark at the call, each module's unused schemas go, wherever valibot lives.
 *
 * Only the functions valibot itself annotates are marked (read from its build, so a new one is
 * covered and a removed one is not), and only in our modules, where they are called through the
 * namespace (`v.object(…)`); and our own schema builder, `maxBytes` of `src/protocol/fields.ts`
 * (a `v.pipe` of its own), imported by name: its bare calls held the schemas' limits in the
 * panel's chunk (the group and friend limits), −0.13 KiB there.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import MagicString, { type SourceMap } from 'magic-string';
import { parseAst, type Plugin } from 'vite';
import { astNodes, type AstNode } from './ast-nodes.js';

/** The names of valibot's exports it declares pure (`/* @__NO_SIDE_EFFECTS__ *\/ function name(`). */
export function valibotPureNames(source: string): Set<string> {
  return new Set([...source.matchAll(/\/\*\s*[#@]__NO_SIDE_EFFECTS__\s*\*\/\s*(?:export\s+)?function\s+(\w+)/g)].map((m) => m[1]!));
}

/**
 * `code` (JavaScript: this runs after Vite strips the types) with each call of a `pure` function
 * through valibot's namespace import (`import * as v from 'valibot'`, whatever its local name)
 * marked; undefined when there is none. A local binding of the same name would be marked too: our
 * modules that import valibot never shadow it.
 */
export function markPureCalls(code: string, pure: ReadonlySet<string>, id: string): { code: string; map: SourceMap } | undefined {
  if (!code.includes('valibot') && !code.includes(OWN_BUILDER)) return undefined;
  const ast = parseAst(code);
  const spaces = new Set<string>();
  const own = new Set<string>();
  for (const node of astNodes(ast)) {
    if (node.type !== 'ImportDeclaration') continue;
    const from = String((node.source as { value?: unknown }).value);
    for (const spec of node.specifiers as (AstNode & { local: { name: string }; imported?: { name?: string } })[]) {
      if (from === 'valibot' && spec.type === 'ImportNamespaceSpecifier') spaces.add(spec.local.name);
      if (/(^|\/)fields\.js$/.test(from) && spec.type === 'ImportSpecifier' && spec.imported?.name === OWN_BUILDER) own.add(spec.local.name);
    }
  }
  if (spaces.size === 0 && own.size === 0) return undefined;
  const out = new MagicString(code);
  for (const node of astNodes(ast)) {
    if (node.type !== 'CallExpression') continue;
    const callee = node.callee as AstNode & { name?: string; object?: AstNode & { name?: string }; property?: AstNode & { name?: string }; computed?: boolean };
    const marked =
      callee.type === 'Identifier'
        ? own.has(callee.name!)
        : callee.type === 'MemberExpression' && !callee.computed && callee.object?.type === 'Identifier' && spaces.has(callee.object.name!) && pure.has(callee.property?.name ?? '');
    if (marked) out.appendLeft(node.start, '/* @__PURE__ */ ');
  }
  return out.hasChanged() ? { code: out.toString(), map: out.generateMap({ hires: true, source: id }) } : undefined;
}

/** `src/protocol/fields.ts`'s string-with-a-byte-limit schema, which our frame modules call as valibot's builders. */
const OWN_BUILDER = 'maxBytes';

export function pureValibotPlugin(): Plugin {
  let pure: Set<string> | undefined;
  return {
    name: 'natter:pure-valibot',
    apply: 'build',
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!file.endsWith('.ts') || file.includes('/node_modules/') || (!code.includes('valibot') && !code.includes(OWN_BUILDER))) return null;
      pure ??= valibotPureNames(readFileSync(createRequire(import.meta.url).resolve('valibot'), 'utf8'));
      return markPureCalls(code, pure, file) ?? null;
    },
  };
}
