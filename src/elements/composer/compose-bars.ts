import { html, type TemplateResult } from 'lit';
import type { LinkPreview } from '../../protocol/elems.js';
import { composeBarStrings } from '../i18n/compose-bars.js';
import { describeElemText } from '../i18n/elems.js';
import { adoptLazyStyles } from '../styles/lazy-styles.js';
import { renderLinkCard } from '../thread/elems/link-card.js';
import { withName } from '../thread/changes/row-changes.js';
import { excerptOf, type ComposeIntent } from '../thread/changes/compose-intent.js';
import { composeBarStyles } from './compose-bars.styles.js';

/**
 * The composer's bars over its text area, drawn only once a reply, an edit or a link preview is
 * under way (`./compose-intent-bar.ts`, `./link-preview-bar.ts` keep the state and the keys): in
 * the script tag they come with the features loaded on first use, fetched on idle once the panel
 * is in. Each brings its styles into the composer's shadow root the first time it draws.
 */

/** "Replying to <name>" with the quoted excerpt, or "Editing"; × cancels. */
export function renderIntentBar(root: HTMLElement | DocumentFragment, intent: ComposeIntent, cancel: () => void): TemplateResult {
  adoptLazyStyles(root, composeBarStyles, 'end');
  const s = composeBarStrings();
  if (intent.kind === 'edit') {
    return html`<div part="edit-bar" role="status">
      <span part="edit-label">${s.editing}</span>
      <button part="cancel-edit-button" type="button" aria-label=${s.cancelEdit} title=${s.cancelEdit} @click=${cancel}>×</button>
    </div>`;
  }
  const m = intent.message;
  const name = m.senderProfile.name || m.sender;
  return html`<div part="reply-preview" role="status">
    <span part="reply-preview-sender">${withName(s.replyingTo, name)}</span>
    <span part="reply-preview-excerpt"><bdi>${excerptOf(describeElemText(m.elem))}</bdi></span>
    <button part="cancel-reply-button" type="button" aria-label=${s.cancelReply} title=${s.cancelReply} @click=${cancel}>×</button>
  </div>`;
}

/** The link preview the draft will go out with; × drops it. */
export function renderPreviewBar(root: HTMLElement | DocumentFragment, preview: LinkPreview, fileUrl: (url: string) => string, drop: () => void): TemplateResult {
  adoptLazyStyles(root, composeBarStyles, 'end');
  const t = composeBarStrings();
  return html`<div part="link-preview-bar" role="group" aria-label=${t.previewLabel}>
    ${renderLinkCard(preview, fileUrl)}
    <button part="remove-preview-button" type="button" aria-label=${t.removePreview} title=${t.removePreview} @click=${drop}>×</button>
  </div>`;
}
