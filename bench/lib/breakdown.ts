/**
 * Who is in a bundle: each generated file's bytes are attributed, through its source map, to the
 * source file (ours) or the package (node_modules) they came from. A source's pieces of one file
 * are concatenated and gzipped on their own; since a file's parts compress worse apart than
 * together, each source's gzip is then scaled by (file's gzip ÷ sum of its parts' gzip), so the
 * shares add up to the file's real gzip size.
 */
import { relative, resolve } from 'node:path';
import { gzipBytes } from './bundle.js';

export interface SourceMapV3 {
  sources: Array<string | null>;
  sourceRoot?: string;
  mappings: string;
}

/** One source's part of a bundle row. */
export interface Share {
  source: string;
  minified: number;
  /** Its pieces gzipped on their own (summed over files). */
  gzipAlone: number;
  /** Its part of the row's real gzip size (`gzipAlone` scaled per file). */
  gzip: number;
}

/**
 * Text without a mapping: the bundler's own glue (imports and exports between chunks, wrappers,
 * the source map comment) and virtual modules (Vite's helpers, the accessor decorators' helpers).
 */
export const UNMAPPED = '(unmapped: glue, virtual modules)';

const B64 = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** Decodes the mappings: per generated line, its segments as [column, source index or -1], columns absolute. */
function decodeMappings(mappings: string): Array<Array<[number, number]>> {
  const lines: Array<Array<[number, number]>> = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    const segments: Array<[number, number]> = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = B64.get(char);
        if (digit === undefined) throw new Error(`bad source map character ${char}`);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = shift = 0;
        }
      }
      column += fields[0]!;
      if (fields.length >= 4) {
        source += fields[1]!;
        segments.push([column, source]);
      } else segments.push([column, -1]);
    }
    lines.push(segments);
  }
  return lines;
}

/** `node_modules/@scope/pkg/…` → `@scope/pkg`; a file of ours → its path from the repository root. */
export function sourceKey(path: string, root: string): string {
  const inModules = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1]!;
  if (path.startsWith('\0') || !path.startsWith('/')) return path;
  return relative(root, path);
}

/**
 * Splits one generated file's text by source. `mapDir` resolves the map's relative source paths;
 * keys come from `sourceKey`.
 */
export function splitBySource(code: string, map: SourceMapV3, mapDir: string, root: string): Map<string, string> {
  const keys = map.sources.map((s) => (s === null ? UNMAPPED : sourceKey(s.startsWith('\0') ? s : resolve(mapDir, map.sourceRoot ?? '', s), root)));
  const pieces = new Map<string, string[]>();
  const add = (key: string, text: string) => {
    if (!text) return;
    const list = pieces.get(key);
    if (list) list.push(text);
    else pieces.set(key, [text]);
  };
  const lines = code.split('\n');
  const mapped = decodeMappings(map.mappings);
  // A line's text before its first segment continues the previous line's last one (minifiers
  // break lines only inside template literals, and map no position inside one).
  let current = UNMAPPED;
  lines.forEach((line, i) => {
    const segments = mapped[i] ?? [];
    add(current, (i > 0 ? '\n' : '') + line.slice(0, segments[0]?.[0] ?? line.length));
    segments.forEach(([column, source], j) => {
      current = source < 0 ? UNMAPPED : (keys[source] ?? UNMAPPED);
      add(current, line.slice(column, segments[j + 1]?.[0] ?? line.length));
    });
  });
  return new Map([...pieces].map(([key, list]) => [key, list.join('')]));
}

/**
 * The shares of a row made of several files (each gzipped on its own, as served), largest first.
 * `files` holds each file's code and source map.
 */
export function breakdown(files: Array<{ code: string; map: SourceMapV3; mapDir: string }>, root: string): Share[] {
  const shares = new Map<string, Share>();
  for (const file of files) {
    const parts = [...splitBySource(file.code, file.map, file.mapDir, root)].map(([source, text]) => ({ source, text, gzipAlone: gzipBytes(text) }));
    const scale = gzipBytes(file.code) / parts.reduce((n, p) => n + p.gzipAlone, 0);
    for (const p of parts) {
      const share = shares.get(p.source) ?? { source: p.source, minified: 0, gzipAlone: 0, gzip: 0 };
      share.minified += Buffer.byteLength(p.text);
      share.gzipAlone += p.gzipAlone;
      share.gzip += p.gzipAlone * scale;
      shares.set(p.source, share);
    }
  }
  return [...shares.values()].sort((a, b) => b.gzip - a.gzip);
}
