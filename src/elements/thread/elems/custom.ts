import { html, nothing, type TemplateResult } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';
import type { ChatMessage } from '../../../client/types.js';
import type { CustomElem } from '../../../protocol/elems.js';
import type { ElemContext } from './context.js';

/** The element a tag-name renderer draws with: created once per row, given `elem` and `message` on every render. */
class CustomTagDirective extends Directive {
  #tag = '';
  #el: HTMLElement | undefined;

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.CHILD) throw new Error('customTag() only works in child position.');
  }

  render(tag: string, elem: CustomElem, message: ChatMessage): HTMLElement {
    if (!this.#el || this.#tag !== tag) {
      this.#el = document.createElement(tag);
      this.#tag = tag;
    }
    Object.assign(this.#el, { elem, message });
    return this.#el;
  }
}

const customTag = directive(CustomTagDirective);

/** Renderers that threw already: said once, not on every render. */
const reported = new WeakSet<object>();

/**
 * A custom elem: what the host page's renderer for its `customType` draws (a function's result,
 * or its custom element), else the elem's description, else a generic label. A renderer that
 * throws falls back too: one bad renderer does not break the thread.
 */
export function renderCustom(elem: CustomElem, m: ChatMessage, ctx: ElemContext): TemplateResult {
  const renderer = elem.customType ? ctx.renderer(elem.customType) : undefined;
  if (typeof renderer === 'string') {
    return html`<div part="custom" class="custom">${customTag(renderer, elem, m)}</div>`;
  }
  if (typeof renderer === 'function') {
    try {
      const drawn = renderer(elem, m);
      if (drawn !== undefined && drawn !== null && drawn !== nothing) return html`<div part="custom" class="custom">${drawn}</div>`;
    } catch (error) {
      if (!reported.has(renderer)) console.warn(`[natter] the renderer of custom type "${elem.customType}" failed:`, error);
      reported.add(renderer);
    }
  }
  return html`<span part="custom-fallback" class="fallback">${elem.description || ctx.t.customMessage}</span>`;
}
