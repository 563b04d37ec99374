import type { RunRenderer } from '../../markdown/render.js';
import { lazyModule } from '../../load-once.js';
import { renderText } from './text.js';

/** Text that may hold formatting (a quick test; the parser decides). */
const MARKERS = /[*_`\\[]|~~|^ {0,3}(?:>|\d{1,9}[.)]\s|[-+]\s)/m;

const markdown = lazyModule(() => import('../../markdown/render.js'));

/**
 * A text message: formatted (`markdown/render.ts`) when formatting is on and the text may hold
 * some, else as plain text with links and mentions. The parser is its own chunk, fetched the
 * first time a text needs it; until it is in, the text shows plain and `refresh` is called once
 * it arrives.
 */
export function renderFormattedText(text: string, mentionNames: readonly string[], formatting: boolean, refresh: () => void): unknown {
  const run: RunRenderer = (part) => renderText(part, mentionNames);
  if (!formatting || !MARKERS.test(text)) return run(text);
  return markdown(refresh)?.renderMarkdown(text, run) ?? run(text);
}
