/**
 * English as a locale chunk of its own in the script tag (`vite build --mode cdn`), like the ten
 * translations: every page paid for the English text of the panel's and the extras' `msg()` calls,
 * and a page in another language for its own locale's too. Here each `msg()` whose id is a number
 * (`scripts/short-msg-ids.ts` ran first) loses its English, `msg('Group info', 7)` → `msg(7)` and
 * ``msg(str`Profile of ${name}`, 9)`` → `msg(9,[name])`, and the English goes into the table of
 * `src/elements/i18n/locales/en.ts` (``[…, `Group info`, …, str`Profile of ${0}`, …]``), fetched by
 * the same loader as the other catalogues (`src/elements/i18n/loaders.ts`). The sources keep
 * `msg('English text', { id })`; the package (`--mode lib`) and the tests keep English in the calls
 * (their `en.ts` has an empty table, so @lit/localize answers with the call's English).
 *
 * The launcher's first paint has no catalogue yet: the modules whose strings it shows (`inline`)
 * keep their English, and the build fails if a module stripped here ends up in the core chunk. The
 * panel's elements are registered once the page's catalogue is in (`definePanel`), so none renders
 * a stripped string before. A translation that lacks a string takes it from this table
 * (`scripts/short-msg-ids.ts`, `localeArray`). The patched runtime reads the stripped calls
 * (`msgRuntimeTakingIds` there).
 */
import MagicString from 'magic-string';
import { parseAst, type Plugin } from 'vite';
import { astNodes, type AstNode } from './ast-nodes.js';

/** An English string: its text as a JavaScript literal, and whether it is a `str` template (`${0}` for each value). */
interface English {
  text: string;
  str: boolean;
}

/** What the build loads for `en.ts`: the table is written in at `renderChunk`, once every module has given its strings. */
const PLACEHOLDER = '__natterEnglish';
const ENGLISH_MODULE = `import { str } from '@lit/localize';\nexport const templates = ${PLACEHOLDER}(str);\n`;

type Node = AstNode & {
  callee?: AstNode & { name?: string };
  arguments?: Array<AstNode & { value?: unknown; tag?: AstNode & { name?: string }; quasi?: AstNode & { quasis: Array<{ value: { raw: string } }>; expressions: AstNode[] }; expressions?: AstNode[] }>;
};

/** One `msg()` argument's English, and the values its call passes (a `str` template's expressions); undefined when it is neither a string nor a `str` template. */
function englishOf(code: string, arg: NonNullable<Node['arguments']>[number]): (English & { values: string[] }) | undefined {
  if ((arg.type === 'Literal' && typeof arg.value === 'string') || (arg.type === 'TemplateLiteral' && arg.expressions?.length === 0)) {
    return { text: code.slice(arg.start, arg.end), str: false, values: [] };
  }
  if (arg.type !== 'TaggedTemplateExpression' || arg.tag?.type !== 'Identifier' || arg.tag.name !== 'str' || !arg.quasi) return undefined;
  const { quasis, expressions } = arg.quasi;
  return { text: `\`${quasis.map((q, i) => (i ? `\${${i - 1}}` : '') + q.value.raw).join('')}\``, str: true, values: expressions.map((e) => code.slice(e.start, e.end)) };
}

/**
 * `code` (JavaScript) with the English out of every `msg(text, <number>)` call, which `english`
 * receives by id; null when there is none. Throws when one id has two different English texts.
 */
export function stripEnglish(code: string, file: string, english: Map<number, English>): { code: string; map: string } | null {
  if (!code.includes('msg(')) return null;
  const out = new MagicString(code);
  for (const node of astNodes(parseAst(code)) as Generator<Node>) {
    if (node.type !== 'CallExpression' || node.callee?.type !== 'Identifier' || node.callee.name !== 'msg' || node.arguments?.length !== 2) continue;
    const [template, id] = node.arguments as [NonNullable<Node['arguments']>[number], NonNullable<Node['arguments']>[number]];
    const found = englishOf(code, template);
    if (!found || id.type !== 'Literal' || typeof id.value !== 'number') continue;
    const known = english.get(id.value);
    if (known && (known.text !== found.text || known.str !== found.str)) throw new Error(`${file}: msg() id ${id.value} has two English texts, ${known.text} and ${found.text}`);
    english.set(id.value, { text: found.text, str: found.str });
    out.overwrite(template.start, id.end, found.str ? `${id.value},[${found.values.join(',')}]` : String(id.value));
  }
  return out.hasChanged() ? { code: out.toString(), map: out.generateMap({ hires: true, source: file }).toString() } : null;
}

/** The English table as an array literal, each string at its id (holes where no call has one), `str` templates tagged with `strName`. */
export function englishTable(english: ReadonlyMap<number, English>, strName: string): string {
  const last = Math.max(-1, ...english.keys());
  return `[${Array.from({ length: last + 1 }, (_, n) => {
    const e = english.get(n);
    return e ? (e.str ? strName : '') + e.text : '';
  }).join(',')}]`;
}

/**
 * The plugin: on our element modules (`src/elements`, but the locale modules and the `inline`
 * ones) and on `en.ts` under `localesDir`.
 */
export function englishChunkPlugin(localesDir: string, inline: readonly string[]): Plugin {
  const englishFile = `${localesDir}/en.ts`;
  const english = new Map<number, English>();
  const stripped = new Set<string>();
  return {
    name: 'natter:english-chunk',
    apply: 'build',
    buildStart() {
      english.clear();
      stripped.clear();
    },
    load: (id) => (id.split('?')[0] === englishFile ? ENGLISH_MODULE : null),
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!/[\\/]src[\\/]elements[\\/].*\.ts$/.test(file) || file.startsWith(localesDir) || inline.includes(file)) return null;
      const out = stripEnglish(code, file, english);
      if (out) stripped.add(file);
      return out;
    },
    renderChunk(code, chunk) {
      // Both parts of `en.ts` (`./locale-parts.ts`): each is thinned to its own strings after this.
      if (!chunk.moduleIds.some((m) => m.split('?')[0] === englishFile)) return null;
      const call = new RegExp(`${PLACEHOLDER}\\(([\\w$]+)\\)`).exec(code);
      if (!call) return this.error(`the English table's place was not found in ${chunk.fileName} (scripts/english-chunk.ts)`);
      const out = new MagicString(code);
      out.overwrite(call.index, call.index + call[0].length, englishTable(english, call[1]!));
      return { code: out.toString(), map: out.generateMap({ hires: true }) };
    },
    generateBundle(_, bundle) {
      // The launcher's first paint speaks before any catalogue is in: it must hold no stripped string.
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.isEntry) continue;
        const bare = Object.entries(chunk.modules).filter(([m, info]) => stripped.has(m) && info.renderedLength > 0).map(([m]) => m);
        if (bare.length) this.error(`${chunk.fileName} is loaded before any catalogue, but the English of ${bare.join(', ')} is in the en chunk: name them in the inline list (vite.config.ts)`);
      }
    },
  };
}
