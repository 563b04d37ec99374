import type { RunRenderer } from '../../markdown/render.js';
import { lazyModule } from '../../load-once.js';
import type { ElemContext } from './context.js';
import { renderText } from './text.js';

/** Text that may hold formatting (a quick test; the parser decides). */
const MARKERS = /[*_`\\[]|~~|^ {0,3}(?:>|\d{1,9}[.)]\s|[-+]\s)/m;

const markdown = lazyModule(() => import('../../markdown/render.js'));

/**
 * A text message: formatted (`markdown/render.ts`) when formatting is on and the text may hold
 * some, else as plain text with links and mentions. The parser is its own chunk, fetched the
 * first time a text needs it, with the styles of what it draws (adopted by the thread when it first
 * draws formatted text); until it is in, the text shows plain and the thread renders again once it arrives.
 */
export function renderFormattedText(text: string, mentionNames: readonly string[], ctx: ElemContext): unknown {
  const run: RunRenderer = (part) => renderText(part, mentionNames);
  const module = ctx.formatting && MARKERS.test(text) ? markdown(ctx.refresh) : undefined;
  if (!module) return run(text);
  ctx.adopt(module.threadFormattingStyles);
  return module.renderMarkdown(text, run);
}
