import { html, nothing, type TemplateResult } from 'lit';
import type { FileElem } from '../../../protocol/elems.js';
import { formatFileSize } from '../../format.js';
import type { ElemContext } from './context.js';
import { safeMediaUrl } from './safe-url.js';

/** Up to four letters of the name's extension, for the card's icon (`PDF`, `ZIP`); else `fallback` (the localized "FILE"). */
export function extensionLabel(name: string, fallback = 'FILE'): string {
  const ext = /\.([\p{L}\p{N}]{1,4})$/u.exec(name)?.[1];
  return ext ? ext.toUpperCase() : fallback;
}

/**
 * The name to save a file under: the sender's name for it without path separators, control
 * characters or characters file systems refuse (the browser sanitises too; this keeps the
 * attribute plain).
 */
export function downloadName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f<>:"/\\|?*\u202a-\u202e\u2066-\u2069]/g, '_').trim() || 'download';
}

/** A file card: name, size in the reader's locale, and a download link. */
export function renderFile(elem: FileElem, ctx: ElemContext): TemplateResult {
  // The local preview of an own file not uploaded yet is nothing to download.
  const href = elem.url.startsWith('blob:') ? undefined : safeMediaUrl(ctx.fileUrl(elem.url));
  const size = formatFileSize(elem.size);
  return html`<div part="file" class="card" role="group" aria-label=${ctx.t.fileLabel(elem.name, size)}>
    <span part="file-icon" class="card-icon" aria-hidden="true">${extensionLabel(elem.name, ctx.t.fileBadge)}</span>
    <span class="card-text">
      <span part="file-name" class="card-title">${elem.name}</span>
      <span part="file-size" class="card-detail">${size}</span>
    </span>
    ${href
      ? html`<a part="download-link" href=${href} download=${downloadName(elem.name)} target="_blank" rel="noopener noreferrer">${ctx.t.download}</a>`
      : nothing}
  </div>`;
}
