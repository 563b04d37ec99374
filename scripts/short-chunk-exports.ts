/**
 * The script tag's chunks export their bindings under their own (minified) names: a chunk that
 * ends `export{Nt as $,Vr as A,…}` ends `export{Nt,Vr,…}`, and the chunks that import it name
 * `Nt` where they named `$` (`import{Nt as t}from"./natter-core-….js"`, `import("./natter-panel-….js").then(e=>e.Nt)`).
 * Rolldown names a chunk's exports before the minifiers name its bindings, so every export was a
 * pair of two unrelated short names; the pairs were about 1 KiB gzip of what opening the widget
 * downloads (the core's and the panel's export lists, the imports naming them).
 *
 * After every other pass of the build (`generateBundle`, after terser): a chunk's exports are
 * renamed only where every reference to the chunk from the others is one of the two forms above
 * (or a bare `import"./…"`); a chunk referred to otherwise, and the export names of a chunk's own
 * entry module (`natter-core`'s `defineAll`, a catalogue's `templates`), stay as they are. Each
 * changed chunk's source map is shifted with its code, so the size benchmark's breakdown and a
 * debugger still find the sources.
 */
import { decode, encode } from '@jridgewell/sourcemap-codec';
import type { OutputBundle, OutputChunk } from 'rolldown';
import type { Plugin } from 'vite';

interface Edit {
  start: number;
  end: number;
  text: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The export statement a minified chunk ends with (before its source map comment). */
const EXPORTS = /export\{([^}]*)\};?\s*(?=(\/\/# sourceMappingURL=\S+\s*)?$)/;
/** A minified binding name. */
const NAME = /^[A-Za-z_$][\w$]*$/;

/** `code` with `edits` (sorted, not overlapping) applied. */
function apply(code: string, edits: readonly Edit[]): string {
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += code.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + code.slice(at);
}

/** `mappings` of `code` moved as `edits` move the code after them (a segment inside an edit goes to its start). */
function shiftMappings(code: string, mappings: string, edits: readonly Edit[]): string {
  const lineStarts = [0];
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // Per line, the edits on it as columns (edits never span lines here: names and import lists).
  const byLine = new Map<number, Array<{ start: number; end: number; delta: number }>>();
  for (const e of edits) {
    const line = lineOf(e.start);
    const list = byLine.get(line) ?? [];
    list.push({ start: e.start - lineStarts[line]!, end: e.end - lineStarts[line]!, delta: e.text.length - (e.end - e.start) });
    byLine.set(line, list);
  }
  const decoded = decode(mappings);
  for (const [line, list] of byLine) {
    const segments = decoded[line];
    if (!segments) continue;
    for (const seg of segments) {
      const col = seg[0];
      let shift = 0;
      for (const e of list) {
        if (col >= e.end) shift += e.delta;
        else if (col > e.start) shift += e.start - col;
      }
      seg[0] = col + shift;
    }
  }
  return encode(decoded);
}

/** The renames of `chunk`'s exports (export name → its binding's name), or none. */
function renamesOf(chunk: OutputChunk, keep: ReadonlySet<string>): Map<string, string> {
  const m = EXPORTS.exec(chunk.code);
  const renames = new Map<string, string>();
  if (!m) return renames;
  const pairs = m[1]!.split(',').map((p) => p.split(' as ') as [string, string?]);
  const locals = pairs.map(([local]) => local);
  // The names that stay: those of the entry module, and those already a binding's own.
  const staying = new Set(pairs.filter(([local, name]) => name === undefined || keep.has(name)).map(([local, name]) => name ?? local));
  for (const [local, name] of pairs) {
    if (name === undefined || keep.has(name) || !NAME.test(local)) continue;
    // Two names of one binding, or a binding named like an export that stays: left alone.
    if (locals.filter((l) => l === local).length > 1 || staying.has(local)) continue;
    renames.set(name, local);
  }
  return renames;
}

/**
 * `entryOnly`: files that load a chunk by its name in another form (`natter.js`, the classic loader,
 * imports the core by a URL) and read only its entry module's own exports, which keep their names.
 */
export function shortChunkExportsPlugin(entryOnly: readonly string[] = []): Plugin {
  return {
    name: 'natter:short-chunk-exports',
    apply: 'build',
    generateBundle(_options, bundle: OutputBundle) {
      const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
      const edits = new Map<OutputChunk, Edit[]>(chunks.map((c) => [c, []]));
      for (const target of chunks) {
        const own = new Set(target.facadeModuleId ? (this.getModuleInfo(target.facadeModuleId)?.exports ?? []) : []);
        const renames = renamesOf(target, own);
        if (!renames.size) continue;
        // Quoted as the minifiers quote it (oxc writes some `import()`s with backquotes); any mention of the file counts.
        const file = (group: number) => `(["'\`])${escape(`./${target.fileName}`)}\\${group}`;
        const staticImport = new RegExp(`import\\{([^}]*)\\}from${file(2)}`, 'g');
        const dynamicImport = new RegExp(`import\\(${file(1)}\\)\\.then\\(([\\w$]+)=>\\2\\.([\\w$]+)\\)`, 'g');
        const anyReference = new RegExp(escape(target.fileName), 'g');
        const bareImport = new RegExp(`import${file(1)}`, 'g');
        // Every chunk that refers to `target` must do so in the forms rewritten here.
        const planned: Array<[OutputChunk, Edit]> = [];
        let readable = true;
        for (const user of chunks) {
          if (user === target || entryOnly.includes(user.fileName) || !user.code.includes(target.fileName)) continue;
          let seen = 0;
          for (const m of user.code.matchAll(staticImport)) {
            seen++;
            const list = m[1]!.split(',').map((p) => {
              const [name, local] = p.split(' as ') as [string, string?];
              const to = renames.get(name) ?? name;
              const as = local ?? name;
              return to === as ? to : `${to} as ${as}`;
            });
            const at = m.index + 'import{'.length;
            planned.push([user, { start: at, end: at + m[1]!.length, text: list.join(',') }]);
          }
          for (const m of user.code.matchAll(dynamicImport)) {
            seen++;
            const name = m[3]!;
            const to = renames.get(name);
            if (to) planned.push([user, { start: m.index + m[0].length - 1 - name.length, end: m.index + m[0].length - 1, text: to }]);
          }
          seen += [...user.code.matchAll(bareImport)].length;
          if (seen !== [...user.code.matchAll(anyReference)].length) readable = false;
        }
        if (!readable) continue;
        for (const [user, edit] of planned) edits.get(user)!.push(edit);
        const m = EXPORTS.exec(target.code)!;
        const at = m.index + 'export{'.length;
        const list = m[1]!.split(',').map((p) => {
          const [local, name] = p.split(' as ') as [string, string?];
          return name !== undefined && renames.get(name) === local ? local : p;
        });
        edits.get(target)!.push({ start: at, end: at + m[1]!.length, text: list.join(',') });
      }
      for (const [chunk, list] of edits) {
        if (!list.length) continue;
        list.sort((a, b) => a.start - b.start);
        const before = chunk.code;
        chunk.code = apply(before, list);
        const mapName = `${chunk.fileName}.map`;
        const mapAsset = bundle[mapName];
        if (mapAsset?.type === 'asset') {
          const map = JSON.parse(String(mapAsset.source)) as { mappings: string };
          map.mappings = shiftMappings(before, map.mappings, list);
          mapAsset.source = JSON.stringify(map);
          if (chunk.map) chunk.map.mappings = map.mappings;
        } else if (chunk.map) chunk.map.mappings = shiftMappings(before, chunk.map.mappings, list);
      }
    },
  };
}
