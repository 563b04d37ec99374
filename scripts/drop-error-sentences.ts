/**
 * The script tag's client makes its own errors without their English sentences:
 * `new ChatError('TIMEOUT', 'Not connected.')` is built as `new ChatError('TIMEOUT')`, whose
 * message is then its name. A page's reader never sees such a sentence (the elements word every
 * error by its name, translated: `src/elements/i18n/errors.ts`), and a developer still has the
 * stable name and code. Only in the script tag (`vite build --mode cdn`): the package and the
 * server keep the sentences, for whoever logs them, and so do the protocol's decoding errors
 * (an invalid frame's report says what was wrong with it).
 */
import { RolldownMagicString } from 'rolldown';
import type { Plugin } from 'vite';

/** `new ChatError('NAME', 'a literal sentence'` followed by `)` or `,` (the options). */
const WITH_SENTENCE = /new ChatError\('[A-Z_]+'(, '(?:[^'\\\n]|\\.)*')(?=\s*[,)])/g;

/** `code` without the literal sentences of its `new ChatError(…)`, and a map; null when it has none. */
export function dropErrorSentences(code: string, file: string): { code: string; map: string } | null {
  const s = new RolldownMagicString(code);
  for (const m of code.matchAll(WITH_SENTENCE)) {
    const at = m.index + m[0].length - m[1]!.length;
    // With options after it, the sentence's place is kept: `new ChatError('X', undefined, { … })`.
    s.overwrite(at, at + m[1]!.length, /^\s*,/.test(code.slice(m.index + m[0].length)) ? ', undefined' : '');
  }
  return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: file }).toString() } : null;
}

/** The plugin, on our TypeScript sources under `dirs`. */
export function dropErrorSentencesPlugin(dirs: readonly string[]): Plugin {
  return {
    name: 'natter:drop-error-sentences',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0]!;
      return file.endsWith('.ts') && dirs.some((dir) => file.startsWith(dir)) && code.includes('new ChatError(') ? dropErrorSentences(code, file) : null;
    },
  };
}
