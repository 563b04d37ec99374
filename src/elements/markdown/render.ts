import { html, nothing, type TemplateResult } from 'lit';
import { formattingStrings } from '../i18n/formatting.js';
import { copyText } from '../thread/failure.js';
import { parseMarkdown, type Block, type Inline } from './parse.js';
// What formatted text draws is styled by this sheet, fetched with it.
export { threadFormattingStyles } from '../thread/formatting.styles.js';

/** Draws a run of plain text (links found in it, @mentions): the thread's own text renderer. */
export type RunRenderer = (text: string) => unknown;

/**
 * A formatted text message as Lit templates. User text only ever goes into text parts and into
 * the `href` of links already checked to be http(s) or mailto (`parse.ts`): nothing is parsed as
 * HTML. One paragraph without blocks renders as bare inline content, as unformatted text does.
 */
export function renderMarkdown(text: string, run: RunRenderer): unknown {
  const blocks = parseMarkdown(text);
  if (blocks.length === 1 && blocks[0]!.t === 'para') return inlines(blocks[0]!.children, run);
  return blocks.map((b) => block(b, run));
}

function block(b: Block, run: RunRenderer): TemplateResult {
  switch (b.t) {
    case 'para':
      return html`<div class="md-p">${inlines(b.children, run)}</div>`;
    case 'code':
      return codeBlock(b.text);
    case 'quote':
      return html`<blockquote part="quote">${b.children.map((c) => block(c, run))}</blockquote>`;
    case 'list': {
      const items = b.items.map((item) => html`<li>${inlines(item, run)}</li>`);
      return b.ordered ? html`<ol part="list" start=${b.start === 1 ? nothing : b.start}>${items}</ol>` : html`<ul part="list">${items}</ul>`;
    }
  }
}

function inlines(nodes: Inline[], run: RunRenderer): unknown[] {
  return nodes.map((n) => inline(n, run));
}

function inline(n: Inline, run: RunRenderer): unknown {
  switch (n.t) {
    case 'text':
      return run(n.text);
    case 'strong':
      return html`<strong>${inlines(n.children, run)}</strong>`;
    case 'em':
      return html`<em>${inlines(n.children, run)}</em>`;
    case 'del':
      return html`<s>${inlines(n.children, run)}</s>`;
    case 'code':
      return html`<code part="code">${n.text}</code>`;
    case 'link':
      // Link text is not linkified again (no link inside a link).
      return html`<a part="link" href=${n.href} target="_blank" rel="noopener noreferrer">${inlines(n.children, (t) => t)}</a>`;
  }
}

function codeBlock(code: string): TemplateResult {
  const t = formattingStrings();
  return html`<div part="code-block">
    <pre><code>${code}</code></pre>
    <button part="copy-button" type="button" title=${t.copyCode} @click=${(e: Event) => copyText(e.currentTarget as HTMLElement, code)}>
      <span class="copy">${t.copy}</span><span class="copied" role="status">${t.copied}</span>
    </button>
  </div>`;
}

