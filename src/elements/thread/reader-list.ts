import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage, Member } from '../../client/types.js';
import { readerListStrings } from '../i18n/reader-list.js';
import type { ReceiptContext } from './receipts.js';

export { whoListsStyles } from './who-lists.styles.js';

/**
 * The open list of readers of an own group message (under its meta line), loaded on the first
 * press of its "Read by n of m" (`MessageActions.toggleReceipts`): in the script tag it comes with
 * the features loaded on first use.
 */
export function renderReaderList(ctx: ReceiptContext, m: ChatMessage, key: string): TemplateResult | typeof nothing {
  if (ctx.openFor !== key) return nothing;
  const readers = ctx.readers(m);
  if (!readers) return nothing;
  const t = readerListStrings();
  const item = (member: Member) => html`<li part="reader">${member.name || member.id}</li>`;
  const onKeydown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    ctx.close(key);
  };
  return html`<div part="receipts" class="receipts" id="receipts-${key}" role="group" aria-label=${t.readersLabel} tabindex="-1" @keydown=${onKeydown}>
    <div class="receipts-section">
      <span class="receipts-heading">${t.readList} · ${readers.read.length}</span>
      <ul part="readers-list">${readers.read.map(item)}</ul>
    </div>
    <div class="receipts-section">
      <span class="receipts-heading">${t.unreadList} · ${readers.unread.length}</span>
      <ul part="unread-list">${readers.unread.map(item)}</ul>
    </div>
  </div>`;
}
