/**
 * What `<chat-widget>` shows inside its open panel: the header (back button, title, close
 * button), the session, the list and the thread, their layout and styles, and the names of
 * people a 1:1 thread's title needs. It comes with the panel's elements (`./panel.ts` installs
 * it), so the script tag's first paint (launcher, badge and the panel's empty frame, busy until
 * this is in) does not carry it.
 */
import { ContextConsumer } from '@lit/context';
import { html, nothing, type LitElement, type ReactiveElement } from 'lit';
import type { ChatClient, Conversation } from '../../client/types.js';
import { parseConversationId } from '../../protocol/ids.js';
import { chatClientContext } from '../context.js';
import { ConversationSelectEvent } from '../events/conversation-select.js';
import type { SearchResultSelectEvent } from '../events/search-result-select.js';
import { widgetPanelStrings } from '../i18n/widget-panel.js';
import { getLocale } from '../i18n/localize.js';
import { NameLookup } from '../names.js';
import { renderDndToggle, renderThreadActions } from './thread-header.js';
import { renderNotifyPrompt, type PromptHost } from './notify-prompt.js';

export { panelStyles } from './panel-view.styles.js';
import { loadGroupElements } from '../groups/load-groups.js';
import { panelLabels } from '../i18n/panel-labels.js';
import { defineBannerWhenNeeded } from './load-banner.js';

/** What the widget hands the view when it renders. */
export interface PanelHost {
  /** The widget: re-rendered when a name it shows arrives. */
  host: { requestUpdate(): void };
  client: ChatClient | undefined;
  /** The panel's title (the widget's `label`, or "Chat"). */
  title: string;
  selected: string;
  /** The selected conversation's summary (its name, whether the user left it), when it has one. */
  current: Conversation | undefined;
  /** Whether a narrow panel shows the thread (else the list). */
  inThread: boolean;
  /** Group actions are on: the list's New group button and the thread's Group info button. */
  groups: boolean;
  /** Profile cards are on (members' names in the group panel open them). */
  profiles: boolean;
  /** The list's Contacts button is on. */
  contacts: boolean;
  /** Presence is shown (online dots, the thread's "last seen", the profile cards'). */
  presence: boolean;
  onSelect(e: ConversationSelectEvent): void;
  onBack(): void;
  onClose(): void;
}

/**
 * Makes `host` (the widget) take the client of the nearest `<chat-session>` around it, as
 * `@consume({ context: chatClientContext, subscribe: true })` would: asked at once (and on every
 * reconnect), and `take` called whenever the session's client changes.
 */
export function consumeSessionClient(host: ReactiveElement, take: (client: ChatClient | undefined) => void): void {
  new ContextConsumer(host, { context: chatClientContext, subscribe: true, callback: take });
}

/**
 * A search result opened in the list: the widget selects its conversation (as a pick in the list
 * does), then the thread jumps to the message, highlighted. Here, in the panel's chunk, so the
 * widget's first paint carries none of it.
 */
async function openResult(w: PanelHost, e: SearchResultSelectEvent): Promise<void> {
  const root = (e.currentTarget as Element).getRootNode() as ShadowRoot;
  w.onSelect(new ConversationSelectEvent(e.detail.conversationId));
  await (root.host as LitElement).updateComplete;
  const thread = root.querySelector('chat-thread');
  await thread?.updateComplete;
  await thread?.jumpTo(e.detail.messageId);
}

const lookups = new WeakMap<object, NameLookup>();

/**
 * The thread's parts the widget forwards: the basics, then every part of the changes to sent
 * messages (SPEC §9); its reaction picker's parts as `reaction-picker-*` (the composer's emoji
 * picker is not forwarded, so the names cannot mix).
 */
export const THREAD_PARTS = [
  'message', 'self', 'other', 'bubble', 'resend-button', 'edit-text-button', 'copy-text-button', 'actions-button', 'menu', 'menu-item', 'reply', 'edit', 'pin', 'unpin',
  'recall', 'hide', 'react', 'react-more', 'reply-quote', 'reply-quote-sender', 'reply-quote-excerpt', 'reactions', 'reaction', 'mine',
  'reaction-count', 'reactors-button', 'reactors', 'reactors-list', 'reactor', 'reactors-more-button', 'edited', 'recalled',
  'edit-again-button', 'change-pending', 'change-failure', 'change-retry-button', 'change-edit-button', 'change-discard-button', 'pinned-bar',
  'pinned-label', 'pinned-sender', 'pinned-excerpt', 'presence', 'avatar-button', 'sender-button', 'emoji-picker:reaction-picker', 'emoji-search:reaction-picker-search',
  'emoji-tabs:reaction-picker-tabs', 'emoji-tab:reaction-picker-tab', 'emoji-grid:reaction-picker-grid', 'emoji-status:reaction-picker-status',
  'report', 'report-dialog', 'report-reason', 'report-note', 'report-status', 'report-error', 'report-send-button', 'report-cancel-button',
  'report-close-button',
].join(',');

/** The composer's parts the widget forwards, its reply and edit bars included. */
export const COMPOSER_PARTS = [
  'input', 'send-button', 'reply-preview', 'reply-preview-sender', 'reply-preview-excerpt', 'cancel-reply-button', 'edit-bar', 'edit-label',
  'cancel-edit-button', 'mute-notice', 'mute-text', 'mute-reason',
].join(',');

/** A conversation's title without a summary yet (no message so far): the person's profile name, else the id. */
function titleOf(host: { requestUpdate(): void }, client: ChatClient | undefined, id: Conversation['id']): string {
  const { type, target } = parseConversationId(id);
  let names = lookups.get(host);
  if (!names) lookups.set(host, (names = new NameLookup(host as never)));
  return (type === 'p2p' ? names.nameOf(client, target) : undefined) ?? target;
}

/** The `tag` element beside the thread header's button (`<group-panel>`, `<chat-thread>`): its panel or card opens from there. */
function near<K extends 'group-panel' | 'chat-thread'>(e: Event, tag: K): HTMLElementTagNameMap[K] | null {
  return ((e.currentTarget as Element).getRootNode() as ParentNode).querySelector(tag);
}

/** Shows the group's `<group-panel>`, registering the group dialogs first (their chunk loads on first use). */
function openGroupPanel(panel: HTMLElementTagNameMap['group-panel'] | null, group: string): void {
  void loadGroupElements().then(() => panel?.show(group));
}

export function renderPanel(w: PanelHost) {
  const t = widgetPanelStrings();
  const g = panelLabels;
  const selected = w.selected as Conversation['id'];
  const current = w.current;
  const threadTitle = selected ? current?.name || titleOf(w.host, w.client, selected) : '';
  const group = w.groups && selected.startsWith('group:') && !current?.left;
  // A 1:1 chat's header names the peer as a button to their profile card (SPEC §13), unless profiles are off.
  const peer = w.profiles && selected.startsWith('p2p:') ? selected.slice(4) : '';
  // Arabic, the one right-to-left catalogue, mirrors the header and the body whatever the page's direction.
  const rtl = getLocale() === 'ar';
  const fmt = (w.host as unknown as Element).getAttribute?.('formatting') === 'off' ? 'off' : 'on';
  defineBannerWhenNeeded(w.client);
  return html`
    <header part="header" class=${w.inThread ? 'in-thread' : ''} dir=${rtl ? 'rtl' : nothing}>
      ${w.inThread ? html`<button part="back-button" type="button" aria-label=${t.back} @click=${w.onBack}>‹</button>` : nothing}
      <h2 part="title" id="title">
        <span class="title-wide">${w.title}</span>
        <span class="title-narrow"><bdi>${w.inThread ? threadTitle : w.title}</bdi></span>
      </h2>
      ${selected ? renderThreadActions(w.client, selected) : nothing}
      ${renderDndToggle(w.client)}
      <button part="close-button" type="button" aria-label=${t.close} @click=${w.onClose}>×</button>
    </header>
    ${renderNotifyPrompt(w.host as PromptHost)}
    <chat-session .client=${w.client} dir=${rtl ? 'rtl' : nothing}>
      <broadcast-banner part="broadcast-banner"></broadcast-banner>
      <div class="body" data-view=${w.inThread ? 'thread' : 'list'}>
        <conversation-list
          part="conversation-list"
          exportparts="item:conversation-item, unread-badge:conversation-unread-badge, presence-dot:conversation-presence-dot"
          label=${t.conversations}
          ?create-group=${w.groups}
          ?contacts=${w.contacts}
          ?hide-presence=${!w.presence}
          .selected=${w.selected}
          @conversation-select=${w.onSelect}
          @search-result-select=${(e: SearchResultSelectEvent) => void openResult(w, e)}
        ></conversation-list>
        <div class="thread-pane">
          ${w.selected
            ? html`
                <chat-thread part="thread" exportparts=${THREAD_PARTS} ?hide-presence=${!w.presence} conversation=${w.selected} label=${t.messages} formatting=${fmt} ?hide-profiles=${!w.profiles}>
                  ${group || peer
                    ? html`<div slot="header" part="thread-header" class="thread-header">${group
                        ? html`<button part="group-info-button" type="button" @click=${(e: Event) => openGroupPanel(near(e, 'group-panel'), w.selected)}>ⓘ ${g.groupInfo}</button>`
                        : html`<button part="profile-button" type="button" aria-label=${g.openProfile(threadTitle)} @click=${(e: Event) => void near(e, 'chat-thread')?.showProfile(peer, { name: threadTitle })}><bdi>${threadTitle}</bdi></button>`}</div>`
                    : nothing}
                </chat-thread>
                ${current?.left
                  ? html`<p part="left-notice" class="left">${g.groupLeft}</p>`
                  : html`<message-composer part="composer" exportparts=${COMPOSER_PARTS} conversation=${w.selected} formatting=${fmt}></message-composer>`}
              `
            : html`<p class="pick">${t.pick}</p>`}
        </div>
      </div>
      ${w.groups ? html`<group-panel ?hide-profiles=${!w.profiles} ?hide-presence=${!w.presence}></group-panel>` : nothing}
    </chat-session>
  `;
}
