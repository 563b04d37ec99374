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
import { shortName } from './lib/short-names.js';
// shortName's names never clash with an id of ours: every id has a dot.
import type { Plugin } from 'vite';

/** A locale module's key at the start of a line: `'groups.info': …`. */
const LOCALE_KEY = /^(\s*)'([^']+)':/gm;
/** The id in a `msg()`'s options: `{ id: 'groups.info' }` (the whole object, when it holds nothing else). */
const MSG_ID = /(\{ )?\bid: '([^']+)'( \})?/g;

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
    const id = m[2]!;
    const short = names.get(id);
    if (!short) continue;
    // Options that are only an id are passed as the id itself, `msg('Group info', 'a')`, which the
    // script tag's runtime reads (msgRuntimeTakingIds): 450 calls each lose `{id:…}`'s five characters.
    if (!locale && m[1] && m[3]) {
      s.overwrite(m.index, m.index + m[0].length, `'${short}'`);
      continue;
    }
    const at = m.index + m[0].indexOf(`'${id}'`) + 1;
    s.overwrite(at, at + id.length, short);
  }
  return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: file }).toString() } : null;
}

/** @lit/localize's lookup of a translation, in any layout of node_modules. */
export const MSG_RUNTIME = /[\\/]node_modules[\\/]@lit[\\/]localize[\\/]internal[\\/]runtime-msg\.js$/;

/**
 * `runtime-msg.js` reading the options as `shortenIds` writes them: the id itself (a string), or
 * still `{ id }`. Without an id there is no lookup and the string shows in English, as it did with
 * the id hash left out (`./slim-localize.ts`); the hash's caller goes too. Null when the text is
 * not the one expected (the build fails then).
 */
export function msgRuntimeTakingIds(code: string): string | null {
  const from = 'const id = options?.id ?? generateId(template);';
  return code.includes(from) ? code.replace(from, 'const id = options?.id ?? options;') : null;
}

/** The plugin, on our sources under `src/elements` (the locale modules among them), and on @lit/localize's lookup. */
export function shortMsgIdsPlugin(localesDir: string): Plugin {
  let names: Map<string, string> | undefined;
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
