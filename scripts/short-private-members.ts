/**
 * TypeScript's `private` members of our classes (the elements' `private onClose = (e) => …`
 * handlers, STYLE.md's habit) are ordinary properties once the types are gone, so a minifier keeps
 * their names, once where each is declared and again at every `this.onClose`. The shipped builds
 * name them `_0`, `_1` … instead (no name of Lit's or ours looks like that; Lit's mangled members
 * are `_$X`, `__x`).
 *
 * Only where that is plainly safe: a member declared `private` (not static, not decorated) whose
 * name the file uses nowhere but in such declarations and in `this.name` (comments aside). TypeScript
 * lets no other module reach a private member, so the file is all there is to rename; a name the
 * file also uses otherwise (an object's key, another class's public member, a string) keeps its name.
 * One counter for the whole build, so no two members of one class hierarchy can get the same name.
 */
import { readFileSync } from 'node:fs';
import { RolldownMagicString } from 'rolldown';
import { tsSources } from './lib/short-names.js';
import type { Plugin } from 'vite';

/** A private member's declaration: `  private [readonly] name` followed by `=`, `(`, `:`, `?`, `!` or `;`. */
const DECLARATION = /^([ \t]+)private (?:readonly )?([A-Za-z_]\w*)(?=\s*[=(:?!;<])/gm;

/** `code` without its comments, for finding uses: block comments, and lines that are only a comment. */
function withoutComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^[ \t]*\/\/.*$/gm, '');
}

/**
 * The private members of `code` that can be renamed: each use of the name (outside comments) is a
 * declaration `DECLARATION` matches or follows `this.` (or `this?.`). A decorated declaration
 * (a `@` earlier on its line or the line before) disqualifies its name.
 */
export function renamablePrivates(code: string): string[] {
  const declared = new Map<string, number>();
  const refused = new Set<string>();
  for (const m of code.matchAll(DECLARATION)) {
    const lineStart = code.lastIndexOf('\n', m.index - 1);
    const before = code.slice(code.lastIndexOf('\n', lineStart - 1) + 1, m.index);
    if (/@\w/.test(before.split('\n').map((line) => line.replace(/\/\/.*$/, '')).join('\n'))) refused.add(m[2]!);
    declared.set(m[2]!, (declared.get(m[2]!) ?? 0) + 1);
  }
  const text = withoutComments(code);
  return [...declared].filter(([name, declarations]) => {
    if (refused.has(name)) return false;
    let other = 0;
    for (const use of text.matchAll(new RegExp(`(?<![\\w$])${name}(?![\\w$])`, 'g'))) {
      if (!/\bthis\??\.$/.test(text.slice(Math.max(0, use.index - 6), use.index))) other++;
    }
    return other === declarations;
  }).map(([name]) => name);
}

/** `code` with the names `to` has renamed, and a map; null when it has none. */
export function renamePrivates(code: string, file: string, to: ReadonlyMap<string, string>): { code: string; map: string } | null {
  const names = renamablePrivates(code).filter((name) => to.has(name));
  if (names.length === 0) return null;
  const s = new RolldownMagicString(code);
  for (const m of code.matchAll(new RegExp(`(?<![\\w$])(${names.join('|')})(?![\\w$])`, 'g'))) {
    const declaration = /(^|\n)[ \t]+private (readonly )?$/.test(code.slice(Math.max(0, m.index - 40), m.index));
    if (declaration || /\bthis\??\.$/.test(code.slice(Math.max(0, m.index - 6), m.index))) s.overwrite(m.index, m.index + m[0].length, to.get(m[1]!)!);
  }
  return { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: file }).toString() };
}

/** Every `.ts` file under `dir`, recursively, sorted. */
const sources = (dir: string): string[] => tsSources(dir).sort();

/**
 * Each file's new names: `_0`, `_1` … over the files of `dirs` in order, so that a build names the
 * same member the same way every time (the chunks' hashes stay put) and no two members share one.
 */
export function privateNames(dirs: readonly string[]): Map<string, Map<string, string>> {
  let n = 0;
  const table = new Map<string, Map<string, string>>();
  for (const file of dirs.flatMap(sources)) {
    const names = renamablePrivates(readFileSync(file, 'utf8'));
    if (names.length) table.set(file, new Map(names.map((name) => [name, `_${n++}`])));
  }
  return table;
}

/** The plugin, on our TypeScript sources under `dirs` (before the types are stripped). */
export function shortPrivateMembersPlugin(dirs: readonly string[]): Plugin {
  let table: Map<string, Map<string, string>> | undefined;
  return {
    name: 'natter:short-private-members',
    apply: 'build',
    enforce: 'pre',
    buildStart: () => void (table = privateNames(dirs)),
    transform(code, id) {
      const to = table?.get(id.split('?')[0]!);
      return to ? renamePrivates(code, id.split('?')[0]!, to) : null;
    },
  };
}
