/**
 * Each catalogue in two parts in the script tag (`vite build --mode cdn`): the strings of what can
 * show without a feature of the extras chunk (the launcher, the panel, what the panel loads at once
 * such as the page's notifier) in `natter-<locale>-<hash>.js`, fetched with the panel, and the
 * strings only the features loaded on first use show (group dialogs, people views, search, the
 * media viewer, the emoji picker …) in `natter-<locale>-extras-<hash>.js`, fetched with them. A
 * page in Russian that opens the widget to read and send text no longer downloads the Russian of
 * every feature (the size benchmark's row (b′)).
 *
 * Nothing is listed by hand: an element module's `import()` of a lazily loaded feature (`isLazy`)
 * resolves only once that feature's strings are in (`withExtrasStrings`, `../src/elements/i18n/localize.ts`; the launcher's first paint, which has none of it, may import no such feature),
 * and at `renderChunk` the module graph says which modules can render without passing through such
 * an `import()`: the ids their `msg()` calls use make the first part, every other id the second
 * (an id no module uses is in neither). The sources and the package keep one module per catalogue.
 *
 * The second part of `locales/<l>.ts` is the same file imported as `locales/<l>.ts?extras`, by the
 * first part's `extras()` (`../src/elements/i18n/loaders.ts` calls it); each table is marked at
 * `transform` (`__natterPart([…])`) and thinned at `renderChunk` (after `./english-chunk.ts` wrote
 * the English table), so each chunk's hash covers its strings. (By the module: a module's ids count
 * whole, even those of its functions that tree-shaking dropped; measured, every id of the first part
 * is in the rendered code of the core's and the panel's chunks.)
 */
import { readdirSync } from 'node:fs';
import MagicString from 'magic-string';
import { parseAst, type Plugin } from 'vite';
import { astNodes, type AstNode } from './ast-nodes.js';

/** Marks a locale module's table until `renderChunk` knows which of its strings the chunk keeps. */
const MARK = '__natterPart';
/** The query that makes a locale module its second part. */
const EXTRAS = '?extras';
/** Names the module a wrapped `import()` loads, until `renderChunk` knows whether it needs the second part. */
const NEEDS = 'natter-needs:';

type Node = AstNode & { callee?: AstNode & { name?: string }; arguments?: Node[]; value?: unknown; properties?: Array<Node & { key?: Node & { name?: string }; value?: Node }>; source?: Node; elements?: Array<Node | null> };

/** The numeric ids of the `msg()` calls in `code` (JavaScript, after `./short-msg-ids.ts`): `msg(7)`, `msg(7,[x])`, `msg('…', 7)`, `msg('…', { id: 7, … })`. */
export function msgIds(code: string): Set<number> {
  const ids = new Set<number>();
  if (!code.includes('msg(')) return ids;
  for (const node of astNodes(parseAst(code)) as Generator<Node>) {
    if (node.type !== 'CallExpression' || node.callee?.type !== 'Identifier' || node.callee.name !== 'msg') continue;
    const [first, second] = node.arguments ?? [];
    const id = [first, second, second?.properties?.find((p) => p.key?.name === 'id')?.value].find((a) => a?.type === 'Literal' && typeof a.value === 'number');
    if (id) ids.add(id.value as number);
  }
  return ids;
}

/** `code` with the table marked by `MARK` unmarked and holding only the strings `keep` takes (holes for the others); null when it has no mark. */
export function thinTable(code: string, keep: (id: number) => boolean): MagicString | null {
  for (const node of astNodes(parseAst(code)) as Generator<Node>) {
    if (node.type !== 'CallExpression' || node.callee?.type !== 'Identifier' || node.callee.name !== MARK) continue;
    const table = node.arguments?.[0];
    if (table?.type !== 'ArrayExpression') throw new Error(`${MARK}() holds no array`);
    const out = new MagicString(code);
    out.remove(node.start, table.start);
    out.remove(table.end, node.end);
    table.elements!.forEach((e, id) => e && !keep(id) && out.remove(e.start, e.end));
    return out;
  }
  return null;
}

export interface LocalePartsOptions {
  /** `src/elements/i18n/locales`. */
  localesDir: string;
  /** `src/elements/i18n/localize.ts`: `withExtrasStrings()`. */
  helperModule: string;
  /** The script tag's entries (`src/embed.ts`, `src/cdn/core.ts`): what shows starts there. */
  entries: readonly string[];
  /** Whether an element module's `import()` of this module waits for the second part (a feature loaded on first use). */
  isLazy(id: string): boolean;
}

export function localePartsPlugin({ localesDir, helperModule, entries, isLazy }: LocalePartsOptions): Plugin {
  const clean = (id: string) => id.split('?')[0]!;
  const isLocale = (id: string) => clean(id).startsWith(`${localesDir}/`);
  /** Each element module's `msg()` ids. */
  const idsOf = new Map<string, Set<number>>();
  /** `importer\ntarget` of each `import()` that waits for the second part. */
  const waiting = new Set<string>();
  let parts: ReturnType<typeof splitIds> | undefined;
  return {
    name: 'natter:locale-parts',
    apply: 'build',
    buildStart() {
      idsOf.clear();
      waiting.clear();
      parts = undefined;
    },
    async transform(code, id) {
      const file = clean(id);
      if (!/[\\/]src[\\/]elements[\\/].*\.ts$/.test(file)) return null;
      const out = new MagicString(code);
      if (isLocale(id)) {
        const init = [...(astNodes(parseAst(code)) as Generator<Node & { id?: Node & { name?: string }; init?: Node }>)].find((n) => n.type === 'VariableDeclarator' && n.id?.name === 'templates')?.init;
        if (!init) return this.error(`${id}: no \`templates\` table (scripts/locale-parts.ts)`);
        out.appendLeft(init.start, `${MARK}(`).appendRight(init.end, ')');
        // A second part lacking a string takes it from English's second part (./short-msg-ids.ts, localeArray).
        if (id.endsWith(EXTRAS)) for (const m of code.matchAll(/(['"])\.\/en\.js\1/g)) out.overwrite(m.index, m.index + m[0].length, `'./en.ts${EXTRAS}'`);
        // The first part loads the second (../src/elements/i18n/loaders.ts): the panel's chunk names one file per locale, not two.
        else out.append(`\nexport const extras = () => import('./${file.slice(localesDir.length + 1)}${EXTRAS}');\n`);
      } else {
        idsOf.set(file, msgIds(code));
        if (file === helperModule) return null;
        let wraps = false;
        for (const node of astNodes(parseAst(code)) as Generator<Node>) {
          if (node.type !== 'ImportExpression' || node.source?.type !== 'Literal' || typeof node.source.value !== 'string') continue;
          const target = await this.resolve(node.source.value, id);
          if (!target || !isLazy(target.id)) continue;
          waiting.add(`${file}\n${target.id}`);
          out.appendLeft(node.start, '__natterWithStrings(').appendRight(node.end, `, ${JSON.stringify(NEEDS + target.id)})`);
          wraps = true;
        }
        if (wraps) out.prepend(`import { withExtrasStrings as __natterWithStrings } from ${JSON.stringify(helperModule)};\n`);
      }
      return out.hasChanged() ? { code: out.toString(), map: out.generateMap({ hires: true, source: file }) } : null;
    },
    renderChunk(code, chunk) {
      parts ??= splitIds(this, entries, idsOf, waiting, isLocale);
      const locale = chunk.moduleIds.find(isLocale);
      if (!locale) return code.includes(NEEDS) ? unwrapUnneeded(code, (target) => needsSecondPart(this, target, parts!, idsOf)) : null;
      const own = locale.endsWith(EXTRAS) ? parts.second : parts.first;
      const out = thinTable(code, (id) => own.has(id));
      if (!out) return this.error(`${chunk.fileName}: its table's mark was not found (scripts/locale-parts.ts)`);
      return { code: out.toString(), map: out.generateMap({ hires: true }) };
    },
    generateBundle(_, bundle) {
      for (const chunk of Object.values(bundle)) if (chunk.type === 'chunk' && chunk.code.includes(NEEDS)) this.error(`${chunk.fileName} still names a module of a wrapped import() (scripts/locale-parts.ts)`);
    },
  };
}

/**
 * `code` with each wrapped `import()` of a module that needs no string of the second part
 * unwrapped (formatted text's renderer, say: it shows no string of its own, and a conversation
 * that has formatted text must not fetch the second part on opening), and the others' module
 * name dropped.
 */
function unwrapUnneeded(code: string, needs: (target: string) => boolean) {
  const out = new MagicString(code);
  for (const node of astNodes(parseAst(code)) as Generator<Node>) {
    const [module, named] = node.type === 'CallExpression' ? (node.arguments ?? []) : [];
    if (!module || named?.type !== 'Literal' || typeof named.value !== 'string' || !named.value.startsWith(NEEDS)) continue;
    if (needs(named.value.slice(NEEDS.length))) out.remove(module.end, named.end);
    else out.remove(node.start, module.start).remove(module.end, node.end);
  }
  return { code: out.toString(), map: out.generateMap({ hires: true }) };
}

type Graph = { getModuleInfo(id: string): { importedIds: readonly string[]; dynamicallyImportedIds: readonly string[] } | null };

/** Whether a module, with what it imports statically that the first part does not speak for, calls a string of the second part. */
function needsSecondPart(ctx: Graph, target: string, parts: ReturnType<typeof splitIds>, idsOf: ReadonlyMap<string, Set<number>>): boolean {
  const seen = new Set<string>();
  for (const todo = [target]; todo.length; ) {
    const next = todo.pop()!;
    if (seen.has(next) || parts.shown.has(next)) continue;
    seen.add(next);
    if ([...(idsOf.get(next) ?? [])].some((id) => parts.second.has(id))) return true;
    todo.push(...(ctx.getModuleInfo(next)?.importedIds ?? []));
  }
  return false;
}

/**
 * The ids of the first part (used by a module that the entries reach by static imports and by
 * `import()`s that do not wait for the second part) and of the second (used only by the others).
 */
function splitIds(ctx: Graph, entries: readonly string[], idsOf: ReadonlyMap<string, Set<number>>, waiting: ReadonlySet<string>, isLocale: (id: string) => boolean) {
  const shown = new Set<string>();
  for (const todo = [...entries]; todo.length; ) {
    const next = todo.pop()!;
    if (shown.has(next) || isLocale(next)) continue;
    shown.add(next);
    const info = ctx.getModuleInfo(next);
    todo.push(...(info?.importedIds ?? []), ...(info?.dynamicallyImportedIds ?? []).filter((t) => !waiting.has(`${next}\n${t}`)));
  }
  const first = new Set<number>();
  const second = new Set<number>();
  for (const [module, ids] of idsOf) for (const id of ids) (shown.has(module) ? first : second).add(id);
  for (const id of first) second.delete(id);
  return { shown, first, second };
}
