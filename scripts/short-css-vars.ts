/**
 * The elements' private custom properties (`--_accent`, `--_surface-raised` …, STYLE.md's `--_x`
 * locals) get short names in the shipped builds: `--_a`, `--_b` … in the styles, the templates'
 * `style` attributes and `style.setProperty()` alike. Nothing outside our elements may read or set
 * one (only `--chat-*` properties and parts are public), so every module of a build needs the same
 * name for each, which the table gives: it is made from all our element sources at the start of
 * a build, the most used name first (shortest). A name our documentation shows a page (in
 * custom-elements.json, such as the level meter's `--_level`) keeps its name.
 */
import { readFileSync } from 'node:fs';
import { RolldownMagicString } from 'rolldown';
import { shortName, tsSources as sources } from './lib/short-names.js';
import type { Plugin } from 'vite';

/** A private custom property's name, not the tail of a longer token. */
const PRIVATE_VAR = /(?<![\w$-])--_[\w-]+/g;

/**
 * The short name of each private custom property in `texts` (the sources), but those `keep`
 * holds: by how often a name occurs, most first, then by name, so the table is the same for
 * the same sources. A short name is never one of the kept names.
 */
export function shortVarNames(texts: Iterable<string>, keep: ReadonlySet<string> = new Set()): Map<string, string> {
  const counts = new Map<string, number>();
  for (const text of texts) for (const [name] of text.matchAll(PRIVATE_VAR)) if (!keep.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
  const names = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([name]) => name);
  const table = new Map<string, string>();
  for (let n = 0; table.size < names.length; n++) {
    const short = `--_${shortName(n)}`;
    if (!keep.has(short)) table.set(names[table.size]!, short);
  }
  return table;
}

/** `code` with the names `table` knows shortened, and a map; null when it has none. */
export function shortenVars(code: string, file: string, table: ReadonlyMap<string, string>): { code: string; map: string } | null {
  const s = new RolldownMagicString(code);
  for (const m of code.matchAll(PRIVATE_VAR)) {
    const short = table.get(m[0]);
    if (short) s.overwrite(m.index, m.index + m[0].length, short);
  }
  return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: file }).toString() } : null;
}

/** The names a page is shown (a description in the custom-elements manifest), which keep their names. */
export function documentedVars(manifest: string): Set<string> {
  return new Set(manifest.match(PRIVATE_VAR) ?? []);
}

/** The plugin, on our element sources (`elementsDir`); `manifest` is custom-elements.json. */
export function shortCssVarsPlugin(elementsDir: string, manifest: string): Plugin {
  let table: Map<string, string> | undefined;
  const inElements = (file: string) => file.startsWith(elementsDir) && file.endsWith('.ts');
  return {
    name: 'natter:short-css-vars',
    apply: 'build',
    buildStart: () => void (table = shortVarNames(sources(elementsDir).map((f) => readFileSync(f, 'utf8')), documentedVars(readFileSync(manifest, 'utf8')))),
    transform(code, id) {
      const file = id.split('?')[0]!;
      return table && inElements(file) ? shortenVars(code, file, table) : null;
    },
  };
}
