/**
 * The ids of our `msg()` strings, short in the script tag (`vite build --mode cdn`): `'groups.info'`
 * becomes `'a'` both in the `msg()` calls of our sources and as the keys of the locale modules,
 * which repeat every id once per language. Nothing else reads an id: @lit/localize looks the
 * active locale's string up by it. The ids come from the locale modules (`npm run
 * localize:build` writes every id into each), sorted, so every module of a build gets the same
 * names; an id that no locale module has stays as it is (it shows in English either way). Not in
 * the package (`--mode lib`): a page that configures @lit/localize itself gives the elements its
 * own catalogue, written with our ids.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RolldownMagicString } from 'rolldown';
import type { Plugin } from 'vite';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `n` as a name of letters: a … Z, ba, bb … (never an id of ours: every one has a dot). */
function shortName(n: number): string {
  let name = '';
  do {
    name = LETTERS[n % LETTERS.length] + name;
    n = Math.floor(n / LETTERS.length);
  } while (n > 0);
  return name;
}

/** A locale module's key at the start of a line: `'groups.info': …`. */
const LOCALE_KEY = /^(\s*)'([^']+)':/gm;
/** The id in a `msg()`'s options: `{ id: 'groups.info' }`. */
const MSG_ID = /\bid: '([^']+)'/g;

/** Each id of the locale modules in `dir` (`*.ts`), with its short name. */
export function shortIds(dir: string): Map<string, string> {
  const ids = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    for (const [, , id] of readFileSync(join(dir, file), 'utf8').matchAll(LOCALE_KEY)) ids.add(id!);
  }
  return new Map([...ids].sort().map((id, i) => [id, shortName(i)]));
}

/** `code` with the ids `names` knows replaced (keys of a locale module, or `msg()` ids), and a map; null when none. */
export function shortenIds(code: string, file: string, names: ReadonlyMap<string, string>, locale: boolean): { code: string; map: string } | null {
  const s = new RolldownMagicString(code);
  for (const m of code.matchAll(locale ? LOCALE_KEY : MSG_ID)) {
    const id = locale ? m[2]! : m[1]!;
    const short = names.get(id);
    if (!short) continue;
    const at = m.index + m[0].indexOf(`'${id}'`) + 1;
    s.overwrite(at, at + id.length, short);
  }
  return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: file }).toString() } : null;
}

/** The plugin, on our sources under `src/elements` (the locale modules among them). */
export function shortMsgIdsPlugin(localesDir: string): Plugin {
  let names: Map<string, string> | undefined;
  return {
    name: 'natter:short-msg-ids',
    apply: 'build',
    enforce: 'pre',
    buildStart: () => void (names = shortIds(localesDir)),
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!/[\\/]src[\\/]elements[\\/].*\.ts$/.test(file) || !names) return null;
      return shortenIds(code, file, names, file.startsWith(localesDir));
    },
  };
}
