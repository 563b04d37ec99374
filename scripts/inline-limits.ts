/**
 * The protocol's limits as literals in the script tag's modules: each read of a property of
 * `LIMITS` (`src/protocol/limits.ts`), `LIMITS.textBytes`, becomes its value, `(8192)`. The
 * object itself is then read by nothing the script tag loads and is left out: it went into the
 * core chunk whole (35 properties, most of them the server's: rate limits, replay batches,
 * broadcast expiry …), since the panel's and the extras' chunks import it from there and a bundler
 * cannot drop the properties of an object one chunk exports to another. The values are the ones
 * the module holds when the build runs (`as const`, never written at run time).
 *
 * Only reads through the name the defining module exports, imported from that module (or inside
 * it), with a property the object has and whose value is a number, string or boolean; any other
 * read (a computed key, an unknown property) stays, and so does the object then. The package
 * (`--mode lib`) keeps `LIMITS` as it is: `natter` exports it.
 */
import { dirname, resolve } from 'node:path';
import MagicString, { type SourceMap } from 'magic-string';
import { parseAst, type Plugin } from 'vite';
import { astNodes, type AstNode } from './ast-nodes.js';

/** Per defining module (its absolute `.ts` path), its constant objects by exported name. */
export type LimitTables = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;

type Member = AstNode & { computed?: boolean; object?: AstNode & { name?: string }; property?: AstNode & { name?: string } };

/** The `.ts` file an import's relative specifier names (`./limits.js` → `<dir>/limits.ts`); undefined for a package. */
function importedFile(from: string, importer: string): string | undefined {
  return from.startsWith('.') ? resolve(dirname(importer), from).replace(/\.js$/, '.ts') : undefined;
}

/**
 * `code` (JavaScript: this runs after Vite strips the types) of module `id` with each read of a
 * table's property replaced by its value; undefined when there is none.
 */
export function inlineLimits(code: string, id: string, tables: LimitTables): { code: string; map: SourceMap } | undefined {
  if (!Object.values(tables).some((byName) => Object.keys(byName).some((name) => code.includes(name)))) return undefined;
  const ast = parseAst(code);
  // Local name → the object it stands for: the defining module's own names, and those imported from it.
  const local = new Map<string, Readonly<Record<string, unknown>>>(Object.entries(tables[id] ?? {}));
  for (const node of astNodes(ast)) {
    if (node.type !== 'ImportDeclaration') continue;
    const file = importedFile(String((node.source as { value?: unknown }).value), id);
    const byName = file === undefined ? undefined : tables[file];
    if (!byName) continue;
    for (const spec of node.specifiers as (AstNode & { local: { name: string }; imported?: { name?: string } })[]) {
      const table = spec.type === 'ImportSpecifier' ? byName[spec.imported?.name ?? ''] : undefined;
      if (table) local.set(spec.local.name, table);
    }
  }
  if (local.size === 0) return undefined;
  const out = new MagicString(code);
  for (const node of astNodes(ast) as Generator<Member>) {
    if (node.type !== 'MemberExpression' || node.computed || node.object?.type !== 'Identifier' || node.property?.type !== 'Identifier') continue;
    const table = local.get(node.object.name!);
    const key = node.property.name!;
    if (!table || !Object.hasOwn(table, key)) continue;
    const value = table[key];
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') out.overwrite(node.start, node.end, `(${JSON.stringify(value)})`);
  }
  return out.hasChanged() ? { code: out.toString(), map: out.generateMap({ hires: true, source: id }) } : undefined;
}

/** The plugin, for our modules under `src/`. */
export function inlineLimitsPlugin(tables: LimitTables): Plugin {
  return {
    name: 'natter:inline-limits',
    apply: 'build',
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!file.endsWith('.ts') || file.includes('/node_modules/')) return null;
      return inlineLimits(code, file, tables) ?? null;
    },
  };
}
