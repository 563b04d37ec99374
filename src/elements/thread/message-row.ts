import { html, nothing, type TemplateResult } from 'lit';
import { messageKey, type ChatMessage, type ConnectionState, type UploadProgress } from '../../client/types.js';
import { formatDay, formatTime, sameDay } from '../format.js';
import { describeElemText, systemText } from '../i18n/elems.js';
import { uiStrings, type UiStrings } from '../i18n/ui.js';
import { panelLabels } from '../i18n/panel-labels.js';
import { renderElem, renderForwardedFrom, type ElemContext } from './elem-content.js';
import { mentions } from './jump.js';
import type { MessageActions } from './message-actions.js';
import { deliveryOf } from './delivery.js';
import { renderReceipt, type ReceiptContext } from './receipts.js';
import { lazyModule } from '../load-once.js';
import { renderFailure } from './failure.js';
import { renderAvatar } from '../avatar.js';
import { renderEdited, renderPendingChanges, renderQuote, renderReactions, renderRecalled, type ChangeContext } from './changes/row-changes.js';

/** An upload's progress bar (`./upload-progress.ts`), fetched when one first shows (the thread renders again once it is in). */
const uploadBar = lazyModule(() => import('./upload-progress.js'));

/** Consecutive messages of one sender closer than this are grouped under one name. */
const RUN_GAP_MS = 5 * 60_000;

/** What a row needs from its thread: state shared by all rows, and the thread's actions. */
export interface RowContext {
  t: UiStrings;
  actions: MessageActions;
  /** How elems are drawn (file URLs, custom renderers, stickers, mention names). */
  elems: ElemContext;
  /** Read state of own messages. */
  receipts: ReceiptContext;
  /** A group conversation (receipts are "Read by n of m"), not p2p. */
  group: boolean;
  /** The user's id: messages that @mention it are highlighted. */
  me: string | undefined;
  /** The client's connection: an own message queued while offline shows as waiting, not sending. */
  connection: ConnectionState | undefined;
  /** Uploads in flight by clientMsgId (`client.$uploads`), and how to cancel one. */
  uploads: Readonly<Record<string, UploadProgress>>;
  cancelUpload(clientMsgId: string): void;
  /** Replies, reactions, edits, recalls and pins shown on the rows. */
  changes: ChangeContext;
  /** Senders' pictures and names are buttons that open their profile card (`hide-profiles` off). */
  profiles: boolean;
}

/**
 * One row of the virtual list: the day heading when the day changes, and the message. The row
 * (`data-row`, its message key) is the unit the list measures and windows.
 */
export function renderRow(ctx: RowContext, m: ChatMessage, prev: ChatMessage | undefined): TemplateResult {
  const key = messageKey(m);
  const time = m.time || Date.now();
  const newDay = !prev || !sameDay(prev.time || Date.now(), time);
  const day = newDay ? html`<div part="day" role="separator">${formatDay(time)}</div>` : nothing;
  if (m.elem.type === 'recalled' || m.recalled) return renderRecalled(ctx.changes, m, key, day);
  if (m.elem.type === 'system') {
    return html`<div class="row" data-row=${key}>
      ${day}
      <div part="message system" class="system" data-key=${key}>
        <div part="bubble">${systemText(m.elem, ctx.me)}</div>
      </div>
    </div>`;
  }
  const self = m.isSelf;
  // A run of one sender's messages goes on only from a message of theirs shown as one: not across a
  // centred line (a notice, a recall), which would leave the next message with no name or picture.
  const continued =
    !newDay && prev !== undefined && prev.sender === m.sender && prev.elem.type !== 'system' && prev.elem.type !== 'recalled' && time - (prev.time || time) < RUN_GAP_MS;
  const name = m.senderProfile.name || m.sender;
  const side = self ? 'self' : 'other';
  const { t, actions } = ctx;
  const mentioned = mentions(m, ctx.me);
  const upload = self && m.status === 'sending' ? ctx.uploads[m.clientMsgId] : undefined;
  const delivery = self ? deliveryOf(m, ctx.connection) : m.status;
  return html`<div class="row" data-row=${key}>
    ${day}
    <div
      part="message ${side} ${delivery}${mentioned ? ' mentioned' : ''}"
      class="${side} ${delivery}${continued ? ' continued' : ''}${mentioned ? ' mentioned' : ''}"
      data-key=${key}
    >
      ${actions.menu?.renderCheckbox(m)}
      ${self ? nothing : continued ? html`<span class="avatar-space"></span>` : withAvatarButton(ctx.profiles, renderAvatar(m.senderProfile.avatar, m.sender, name))}
      <div class="body">
        ${!self && !continued
          ? ctx.profiles
            ? html`<button part="sender sender-button" type="button" aria-label=${panelLabels.openProfile(name)}>${name}</button>`
            : html`<span part="sender">${name}</span>`
          : nothing}
        ${self ? nothing : html`<span class="visually-hidden">${name}:</span>`}
        ${mentioned ? html`<span class="visually-hidden">${t.mentionsYou}</span>` : nothing}
        <div part="bubble" class="bubble kind-${m.elem.type}">${renderQuote(ctx.changes, m.replyTo)}${renderForwardedFrom(m, t)}${renderElem(m, ctx.elems, actions.expanded.has(key), () =>
          actions.toggleExpanded(key),
        )}${upload ? uploadBar(ctx.elems.refresh)?.renderUploadProgress(ctx.elems, upload, () => ctx.cancelUpload(m.clientMsgId)) : nothing}</div>
        <div class="meta">
          ${m.time ? html`<time datetime=${new Date(m.time).toISOString()}>${formatTime(m.time)}</time>` : nothing}
          ${renderEdited(ctx.changes, m)}
          ${self ? renderReceipt(ctx.receipts, m, key, ctx.group, delivery) : nothing}
          ${hasMenu(m) ? renderMenuButton(t, actions, m, key) : nothing}
        </div>
        ${renderReactions(ctx.changes, m)}${renderPendingChanges(ctx.changes, m)}
        ${self && ctx.group ? actions.readerList?.renderReaderList(ctx.receipts, m, key) : nothing}
        ${delivery === 'failed' ? renderFailure(t, actions, m, ctx.elems.refresh) : nothing}
      </div>
    </div>
  </div>`;
}

/** Whether `m` has an action menu: a failed message (Resend, Delete), a committed one; not one still sending. */
const hasMenu = (m: ChatMessage): boolean => m.status === 'failed' || (m.status === 'sent' && !!m.id);

/**
 * The `⋯` of a message and, when open, its menu (a WAI-ARIA menu button). What the menu holds
 * and does is `actions.menu`, loaded on the first press: until then no menu is open.
 */
function renderMenuButton(t: UiStrings, actions: MessageActions, m: ChatMessage, key: string): TemplateResult {
  const open = actions.menuFor === key && actions.menu;
  return html`<span class="actions" @focusout=${(e: FocusEvent) => actions.menuFocusOut(key, e)}>
    <button part="actions-button" type="button" aria-label=${t.actions} aria-haspopup="menu" aria-expanded=${open ? 'true' : 'false'} @click=${() => actions.toggleMenu(key)}>
      ⋯
    </button>
    ${open ? open.render(m) : nothing}
  </span>`;
}

/** What the live region says about an arriving message, in the active locale: who, and what (text or a description). */
export function announcementOf(m: ChatMessage): string {
  const what = describeElemText(m.elem);
  return m.elem.type === 'system' ? what : uiStrings().said(m.senderProfile.name || m.sender, what);
}

/**
 * The picture, where the site has profiles on (`button`) in a button opening the profile card, for
 * the pointer: the sender's name beside it is the same button for the keyboard and screen readers,
 * so the picture adds no second tab stop.
 */
function withAvatarButton(button: boolean, avatar: TemplateResult) {
  return button ? html`<button part="avatar-button" type="button" tabindex="-1" aria-hidden="true">${avatar}</button>` : avatar;
}
