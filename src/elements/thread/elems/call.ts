import { html, type TemplateResult } from 'lit';
import type { CallElem } from '../../../protocol/elems.js';
import { formatDuration } from '../../format.js';
import type { ElemContext } from './context.js';

/** A call event: kind, outcome and length ("Voice call ended · 2:05"). */
export function renderCall(elem: CallElem, ctx: ElemContext): TemplateResult {
  const duration = elem.duration !== undefined && elem.duration > 0 ? formatDuration(elem.duration) : undefined;
  return html`<span part="call" class="call ${elem.action}"
    ><span aria-hidden="true">${elem.media === 'video' ? '🎥' : '📞'}</span> ${ctx.t.call(elem.media, elem.action, duration)}</span
  >`;
}
