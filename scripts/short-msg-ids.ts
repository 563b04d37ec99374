/**
 * The ids of our `msg()` strings, short in the script tag (`vite build --mode cdn`): each id is a
 * number, its place in the locale modules' tables (`npm run localize:build` writes every id into
 * each, in one order), so `'groups.info'` is `7` in the `msg()` calls of our sources, and each
 * locale module's table is an array with its strings at those places (`[`…`, str`…`, …]`) instead
 * of an object that repeats every id once per language as a key. Nothing else reads an id:
 * @lit/localize looks the active locale's string up by it (`templates[7]` reads an array as it
 * read an object). An id that no locale module has stays as it is (it shows in English either
 * way), and one a locale module lacks is the English table's string of that number (`en[7]`, from
 * `./english-chunk.ts`'s `en` chunk, which that locale's chunk then imports). Not in the
 * package (`--mode lib`): a page that configures @lit/localize itself gives the elements its own
 * catalogue, written with our ids.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RolldownMagicString } from 'rolldown';
import type { Plugin } from 'vite';

/** A locale module's key at the start of a line: `'groups.info': …`. */
const LOCALE_KEY = /^(\s*)'([^']+)':/gm;
/** A locale module's table, as `lit-localize build` writes it: one `'id': value,` line per string. */
const LOCALE_TABLE = /(export const templates = )\{\n([\s\S]*?)\n\s*\};/;
/** One line of it: the key and the space after it (group 1), the value and its comma. */
const LOCALE_ENTRY = /^(\s*'([^']+)': ).*,$/;
/** The id in a `msg()`'s options: `{ id: 'groups.info' }` (the whole object, when it holds nothing else). */
const MSG_ID = /(\{ )?\bid: '([^']+)'( \})?/g;

/** Each id of the locale modules in `dir` (`*.ts`), with its number: its place among them, in the order they list them. */
export function shortIds(dir: string): Map<string, number> {
  const ids = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    for (const [, , id] of readFileSync(join(dir, file), 'utf8').matchAll(LOCALE_KEY)) ids.add(id!);
  }
  return new Map([...ids].map((id, i) => [id, i]));
}

/**
 * A locale module's table made an array in `s`, each string at its id's number (`names`): the
 * keys go, a hole (a bare comma) stands for each number the module has no string for, the strings
 * stay where they are (and so does their source map). Throws on a table not written as
 * `lit-localize build` writes it (one entry a line, the ids in `names`' order), or on an id
 * `names` does not know. False when the module has no table.
 */
function localeArray(s: RolldownMagicString, code: string, file: string, names: ReadonlyMap<string, number>): boolean {
  const table = LOCALE_TABLE.exec(code);
  if (!table) return false;
  const open = table.index + table[1]!.length;
  s.overwrite(open, open + 1, '[');
  let at = open + 2;
  let next = 0;
  let lacks = false;
  for (const line of table[2]!.split('\n')) {
    const entry = LOCALE_ENTRY.exec(line);
    const n = entry ? names.get(entry[2]!) : undefined;
    if (!entry || n === undefined) throw new Error(`${file}: a line of its table is not an \`'id': value,\` entry of a known id: ${line.slice(0, 80)}`);
    if (n < next) throw new Error(`${file}: its table lists ${entry[2]} out of the order of the other locale modules`);
    if (n > next) {
      s.overwrite(at, at + entry[1]!.length, english(next, n));
      lacks = true;
    }
    else s.remove(at, at + entry[1]!.length);
    next = n + 1;
    at += line.length + 1;
  }
  const close = table.index + table[0].length - 2;
  s.overwrite(close, close + 1, `${english(next, names.size)}]`);
  if (lacks || next < names.size) s.prepend(`import { templates as ${FROM_ENGLISH} } from './en.js';\n`);
  return true;
}

/** The English table's name in a locale module that lacks strings (`./english-chunk.ts` fills that table). */
const FROM_ENGLISH = 'en';
/**
 * The entries from `from` up to `to` (excluded), which a locale module lacks, each followed by its
 * comma: the English string of the same number (`en[7],`), so that a page in that language fetches
 * the English chunk too and shows those strings in English, as @lit/localize does.
 */
function english(from: number, to: number): string {
  return Array.from({ length: to - from }, (_, i) => `${FROM_ENGLISH}[${from + i}],`).join('');
}

/** `code` with the ids `names` knows replaced (a locale module's table, or `msg()` ids), and a map; null when none. */
export function shortenIds(code: string, file: string, names: ReadonlyMap<string, number>, locale: boolean): { code: string; map: string } | null {
  const s = new RolldownMagicString(code);
  if (locale) localeArray(s, code, file, names);
  else {
    for (const m of code.matchAll(MSG_ID)) {
      const id = m[2]!;
      const short = names.get(id);
      if (short === undefined) continue;
      // Options that are only an id are passed as the id itself, `msg('Group info', 7)`, which the
      // script tag's runtime reads (msgRuntimeTakingIds): 450 calls each lose `{id:…}`'s five characters.
      if (m[1] && m[3]) {
        s.overwrite(m.index, m.index + m[0].length, String(short));
        continue;
      }
      const at = m.index + m[0].indexOf(`'${id}'`);
      s.overwrite(at, at + id.length + 2, String(short));
    }
  }
  return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: file }).toString() } : null;
}

/** @lit/localize's lookup of a translation, in any layout of node_modules. */
export const MSG_RUNTIME = /[\\/]node_modules[\\/]@lit[\\/]localize[\\/]internal[\\/]runtime-msg\.js$/;

/**
 * `runtime-msg.js` reading the options as `shortenIds` writes them: the id itself (a number), or
 * still `{ id }`; and the calls `./english-chunk.ts` took the English out of, `msg(7)` and
 * `msg(9,[name])` (the id first, then a `str` template's values), which answer the catalogue's
 * string, or an empty one while none is loaded (never the id). Without an id there is no lookup
 * and the string shows in English, as it did with the id hash left out (`./slim-localize.ts`); the
 * hash's caller goes too. Null when the text is not the one expected (the build fails then).
 */
export function msgRuntimeTakingIds(code: string): string | null {
  const patches: Array<[string, string]> = [
    ['const id = options?.id ?? generateId(template);', "const id = typeof template == 'number' ? template : options?.id ?? options;"],
    ['template.values, localized.values', "typeof template == 'number' ? options : template.values, localized.values"],
    ['return defaultMsg(template);', "return typeof template == 'number' ? '' : defaultMsg(template);"],
  ];
  if (patches.some(([from]) => code.split(from).length !== 2)) return null;
  return patches.reduce((patched, [from, to]) => patched.replace(from, to), code);
}

/** The plugin, on our sources under `src/elements` (the locale modules among them), and on @lit/localize's lookup. */
export function shortMsgIdsPlugin(localesDir: string): Plugin {
  let names: Map<string, number> | undefined;
  return {
    name: 'natter:short-msg-ids',
    apply: 'build',
    enforce: 'pre',
    buildStart: () => void (names = shortIds(localesDir)),
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (MSG_RUNTIME.test(file)) {
        const patched = msgRuntimeTakingIds(code);
        if (patched === null) this.error(`${file}: @lit/localize's runtime changed, its id lookup was not found (scripts/short-msg-ids.ts)`);
        return { code: patched, map: null };
      }
      if (!/[\\/]src[\\/]elements[\\/].*\.ts$/.test(file) || !names) return null;
      return shortenIds(code, file, names, file.startsWith(localesDir));
    },
  };
}
