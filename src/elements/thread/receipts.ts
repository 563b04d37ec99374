import { html, type TemplateResult } from 'lit';
import type { ChatMessage, Member } from '../../client/types.js';
import type { UiStrings } from '../i18n/ui.js';
import { renderWaiting, type Delivery } from './delivery.js';

/** What a row needs to show an own message's delivery and read state. */
export interface ReceiptContext {
  t: UiStrings;
  /** Highest seq the peer of a p2p conversation has read. */
  peerReadSeq: number;
  /** Group readers of an own message (`client.readers`), undefined until members are loaded. */
  readers(m: ChatMessage): { read: Member[]; unread: Member[] } | undefined;
  /** Key of the message whose reader list (`./reader-list.ts`) is open, and how to open or close one. */
  openFor: string;
  toggle(key: string): void;
  close(key: string): void;
}

/**
 * Status of an own message: sending, waiting (a clock: it goes out by itself), not sent, or sent — then, in a p2p conversation, "Read"
 * once the peer read it, and for a group message that asked for receipts "Read by n of m", a
 * button that lists who read it and who did not.
 */
export function renderReceipt(ctx: ReceiptContext, m: ChatMessage, key: string, group: boolean, delivery: Delivery): TemplateResult {
  const { t } = ctx;
  if (delivery === 'waiting') return renderWaiting(t);
  if (delivery === 'sending') return html`<span part="status sending">${t.sending}</span>`;
  if (delivery === 'failed') return html`<span part="status failed">${t.statusFailed}</span>`;
  if (group) {
    const readers = m.needReadReceipt ? ctx.readers(m) : undefined;
    if (!readers) return html`<span part="status sent">${t.statusSent}</span>`;
    const total = readers.read.length + readers.unread.length;
    const open = ctx.openFor === key;
    const all = total > 0 && readers.unread.length === 0;
    return html`<button
      part="status receipts-button${all ? ' read' : ''}"
      class="receipts-button${all ? ' read' : ''}"
      type="button"
      aria-expanded=${open ? 'true' : 'false'}
      aria-controls="receipts-${key}"
      @click=${() => ctx.toggle(key)}
    >
      ${t.readBy(readers.read.length, total)}
    </button>`;
  }
  const read = m.seq > 0 && m.seq <= ctx.peerReadSeq;
  return read ? html`<span part="status read" class="read">${t.statusRead}</span>` : html`<span part="status sent">${t.statusSent}</span>`;
}
