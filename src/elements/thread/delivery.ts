import { html, type TemplateResult } from 'lit';
import type { ChatMessage, ConnectionState } from '../../client/types.js';
import { isTransient } from '../../protocol/error-codes.js';
import type { UiStrings } from '../i18n/ui.js';

/**
 * How an own message's delivery shows. `waiting`: the client sends it by itself (queued while
 * offline, or its ack timed out: it stays in the outbox and goes out when the connection returns),
 * so it is quiet, a clock, never red. `failed`: it needs the person (refused by the server, too
 * large, rate-limited past its retry, an upload that failed or was cancelled): red, with Resend.
 */
export type Delivery = 'sending' | 'waiting' | 'failed' | 'sent';

export function deliveryOf(m: ChatMessage, connection: ConnectionState | undefined): Delivery {
  if (m.status === 'sent') return 'sent';
  if (m.status === 'failed') return m.error && isTransient(m.error.name) ? 'waiting' : 'failed';
  return connection === 'offline' || connection === 'connecting' ? 'waiting' : 'sending';
}

/** The quiet status of a waiting message: a clock, named for screen readers and on hover. */
export function renderWaiting(t: UiStrings): TemplateResult {
  return renderClock('status waiting', t.waitingForConnection);
}

/** A clock named `label` (for screen readers and on hover), with `part`. */
export function renderClock(part: string, label: string): TemplateResult {
  return html`<span part=${part} class="waiting" role="img" aria-label=${label} title=${label}
    ><svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="6.25" fill="none" stroke="currentColor" stroke-width="1.5" />
      <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" />
    </svg></span
  >`;
}

/** Whether an own message waits for the connection (it goes out by itself): one notice for the thread, not one per message. */
export function waitingIn(messages: readonly ChatMessage[], connection: ConnectionState | undefined): boolean {
  // Local (outbox) messages come last, with seq 0.
  for (let i = messages.length - 1; i >= 0 && messages[i]!.seq === 0; i--) {
    if (messages[i]!.isSelf && deliveryOf(messages[i]!, connection) === 'waiting') return true;
  }
  return false;
}
