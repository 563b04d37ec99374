import { html, nothing, type TemplateResult } from 'lit';
import { messageKey, type ChatMessage } from '../../../client/types.js';
import type { ReplyTo } from '../../../protocol/changes.js';
import { isTransient } from '../../../protocol/error-codes.js';
import { isResendable } from '../../../client/resendable.js';
import { errorLine, textAtFault } from '../failure.js';
import type { ChangeStrings } from '../../i18n/changes.js';
import { listStrings } from '../../i18n/list.js';

const SLOT = '\u0000';

/** A sentence around a name, the name isolated (<bdi>) so bidi controls in it cannot reorder the rest. */
export function withName(sentence: (name: string) => string, name: string): unknown[] {
  const [before = '', after = ''] = sentence(SLOT).split(SLOT);
  return [before, html`<bdi>${name}</bdi>`, after];
}

/** What a row needs to show the changes made to its message. */
export interface ChangeContext {
  s: ChangeStrings;
  /** The user's id. */
  me: string | undefined;
  /** A user's name as the conversation knows it. */
  nameOf(id: string): string;
  /** Jumps to a quoted message (`<chat-thread>.jumpTo`). */
  jumpTo(messageId: string): void;
  toggleReaction(m: ChatMessage, emoji: string): void;
  /** Retries or drops a failed change (`client.resend` / `client.discard` by changeId). */
  retry(changeId: string): void;
  discard(changeId: string): void;
  /** The text of an own message recalled from this device, while the page holds it. */
  recalledText(messageId: string): string | undefined;
  /** Puts a recalled text back in the composer ("Edit again"). */
  editAgain(m: ChatMessage, text: string): void;
  /** Puts a refused edit's text back in the composer, editing `m` again, and drops the refused change. */
  editChange(m: ChatMessage, changeId: string, text: string): void;
  /** Who reacted: the key of the message whose list is open, how to open or close it, and the list. */
  reactorsFor: string;
  toggleReactors(m: ChatMessage, key: string): void;
  renderReactors(m: ChatMessage, key: string): TemplateResult | typeof nothing;
  /** Renders the thread again (a refusal's sentence has come: `errorLine`). */
  refresh(): void;
}

/**
 * The quote of a reply: sender and a one-line excerpt (or "Message recalled", in its own direction
 * as the pinned bar's is); activating it jumps to the original.
 */
export function renderQuote(ctx: ChangeContext, q: ReplyTo | undefined): TemplateResult | typeof nothing {
  if (!q) return nothing;
  // One's own message says "You", as the pinned bar, the list and search do.
  const name = q.sender === ctx.me ? listStrings().you : q.senderName || ctx.nameOf(q.sender);
  const excerpt = q.recalled ? ctx.s.quoteRecalled : q.excerpt;
  return html`<button part="reply-quote${q.recalled ? ' recalled' : ''}" type="button" aria-label=${ctx.s.quoteOf(name, excerpt)} @click=${() => ctx.jumpTo(q.messageId)}>
    <span part="reply-quote-sender"><bdi>${name}</bdi></span>
    <span part="reply-quote-excerpt" dir="auto">${excerpt}</span>
  </button>`;
}

/**
 * The reaction chips under a message: emoji and count, own highlighted (`aria-pressed`), the first
 * names as the title; then "Who reacted", which opens the full list under them.
 */
export function renderReactions(ctx: ChangeContext, m: ChatMessage): TemplateResult | typeof nothing {
  const reactions = m.reactions;
  if (!reactions || reactions.length === 0 || m.recalled) return nothing;
  const key = messageKey(m);
  const open = ctx.reactorsFor === key;
  return html`<div part="reactions" role="group" aria-label=${ctx.s.reactions}>
    ${reactions.map((r) => {
      const who = r.users.map((u) => ctx.nameOf(u)).join(', ');
      const more = r.count > r.users.length ? ` +${r.count - r.users.length}` : '';
      return html`<button
        part="reaction${r.me ? ' mine' : ''}"
        type="button"
        aria-pressed=${r.me ? 'true' : 'false'}
        aria-label=${ctx.s.reactionLabel(r.emoji, r.count, who + more)}
        title=${who + more}
        @click=${() => ctx.toggleReaction(m, r.emoji)}
      ><span class="reaction-emoji">${r.emoji}</span> <span part="reaction-count">${r.count}</span></button>`;
    })}
    <button
      part="reactors-button"
      type="button"
      aria-expanded=${open ? 'true' : 'false'}
      aria-controls=${open ? `reactors-${key}` : nothing}
      @click=${() => ctx.toggleReactors(m, key)}
      @keydown=${(e: KeyboardEvent) => {
        // Focus stays on this button when it opens the list (which holds nothing focusable
        // until "Show more"): Escape here closes it too, and not <chat-widget>'s panel.
        if (e.key !== 'Escape' || !open) return;
        e.stopPropagation();
        ctx.toggleReactors(m, key);
      }}
    >${ctx.s.whoReacted}</button>
  </div>${ctx.renderReactors(m, key)}`;
}

/** "edited" beside the time of an edited message. */
export function renderEdited(ctx: ChangeContext, m: ChatMessage): TemplateResult | typeof nothing {
  return m.edited && !m.recalled ? html`<span part="edited">${ctx.s.edited}</span>` : nothing;
}

/** A recalled message: one centred line, "You recalled a message" or "<name> recalled a message". */
export function renderRecalled(ctx: ChangeContext, m: ChatMessage, key: string, day: unknown): TemplateResult {
  const by = m.recalled?.by ?? m.sender;
  // Own (`isSelf`) also before this device knows its profile (offline since the start).
  const mine = by === ctx.me || (m.isSelf && by === m.sender);
  const text = mine ? ctx.s.youRecalled : withName(ctx.s.recalledBy, by === m.sender ? m.senderProfile.name || ctx.nameOf(by) : ctx.nameOf(by));
  const again = mine ? ctx.recalledText(m.id) : undefined;
  return html`<div class="row" data-row=${key}>
    ${day}
    <div part="message system recalled" class="system recalled" data-key=${key}>
      <div part="bubble">${text}${again !== undefined
        ? html` <button part="edit-again-button" type="button" @click=${() => ctx.editAgain(m, again)}>${ctx.s.editAgain}</button>`
        : nothing}</div>
      ${renderPendingChanges(ctx, m)}
    </div>
  </div>`;
}

/**
 * This device's changes to the message not yet saved: quiet while they go out by themselves
 * (sending, queued offline, an ack timed out; an edit, recall or delete shows already), why when
 * the server refused one (the message shows as the server has it), with Retry when a retry can
 * succeed (`isResendable`), "Edit again" for an edit refused for its text (too long, rejected by the
 * site), and × to drop it. The reason reads in its own direction (`dir="auto"`, always: a site's
 * reason is in the site's language; every translated sentence starts in its locale's script, so
 * it reads as the page does, and the attribute costs fewer bytes than setting it only for a reason).
 */
export function renderPendingChanges(ctx: ChangeContext, m: ChatMessage): TemplateResult | typeof nothing {
  const pending = m.pendingChanges;
  if (!pending || pending.length === 0) return nothing;
  const failed = pending.filter((p) => p.status === 'failed' && !(p.error && isTransient(p.error.name)));
  if (failed.length === 0) return html`<span part="change-pending" role="status">${ctx.s.changePending}</span>`;
  return html`${failed.map(
    (p) => html`<div part="change-failure" role="group" aria-label=${ctx.s.changeFailed} data-code=${p.error?.name ?? ''}>
      <span part="error" dir="auto">${errorLine(ctx.refresh, (s) => s.changeErrorText(p.error))}</span>
      ${isResendable(p.error) ? html`<button part="change-retry-button" type="button" @click=${() => ctx.retry(p.changeId)}>${ctx.s.retry}</button>` : nothing}
      ${p.change.kind === 'edit' && textAtFault(p.error)
        ? html`<button part="change-edit-button" type="button" @click=${() => ctx.editChange(m, p.changeId, (p.change as { text: string }).text)}>${ctx.s.editAgain}</button>`
        : nothing}
      <button part="change-discard-button" type="button" @click=${() => ctx.discard(p.changeId)}>×</button>
    </div>`,
  )}`;
}
