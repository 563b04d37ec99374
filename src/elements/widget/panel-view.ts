/**
 * What `<chat-widget>` shows inside its open panel: the header (back button, title, close
 * button), the session, the list and the thread, their layout and styles, and the names of
 * people a 1:1 thread's title needs. It comes with the panel's elements (`./panel.ts` installs
 * it), so the script tag's first paint (launcher, badge and the panel's empty frame, busy until
 * this is in) does not carry it.
 */
import { ContextConsumer } from '@lit/context';
import { html, nothing, type ReactiveElement } from 'lit';
import type { ChatClient, Conversation } from '../../client/types.js';
import { parseConversationId } from '../../protocol/ids.js';
import { chatClientContext } from '../context.js';
import type { ConversationSelectEvent } from '../events/conversation-select.js';
import { widgetPanelStrings } from '../i18n/widget-panel.js';
import { NameLookup } from '../names.js';

export { panelStyles } from './panel-view.styles.js';

/** What the widget hands the view when it renders. */
export interface PanelHost {
  /** The widget: re-rendered when a name it shows arrives. */
  host: { requestUpdate(): void };
  client: ChatClient | undefined;
  /** The panel's title (the widget's `label`, or "Chat"). */
  title: string;
  selected: string;
  /** The selected conversation's name from its summary, when it has one. */
  selectedName: string | undefined;
  /** Whether a narrow panel shows the thread (else the list). */
  inThread: boolean;
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

const lookups = new WeakMap<object, NameLookup>();

/** A conversation's title without a summary yet (no message so far): the person's profile name, else the id. */
function titleOf(host: { requestUpdate(): void }, client: ChatClient | undefined, id: Conversation['id']): string {
  const { type, target } = parseConversationId(id);
  let names = lookups.get(host);
  if (!names) lookups.set(host, (names = new NameLookup(host as never)));
  return (type === 'p2p' ? names.nameOf(client, target) : undefined) ?? target;
}

export function renderPanel(w: PanelHost) {
  const t = widgetPanelStrings();
  const selected = w.selected as Conversation['id'];
  const threadTitle = selected ? w.selectedName || titleOf(w.host, w.client, selected) : '';
  return html`
    <header part="header">
      ${w.inThread ? html`<button part="back-button" type="button" aria-label=${t.back} @click=${w.onBack}>‹</button>` : nothing}
      <h2 part="title" id="title">
        <span class="title-wide">${w.title}</span>
        <span class="title-narrow"><bdi>${w.inThread ? threadTitle : w.title}</bdi></span>
      </h2>
      <button part="close-button" type="button" aria-label=${t.close} @click=${w.onClose}>×</button>
    </header>
    <chat-session .client=${w.client}>
      <broadcast-banner part="broadcast-banner"></broadcast-banner>
      <div class="body" data-view=${w.inThread ? 'thread' : 'list'}>
        <conversation-list
          part="conversation-list"
          exportparts="item:conversation-item, unread-badge:conversation-unread-badge"
          label=${t.conversations}
          .selected=${w.selected}
          @conversation-select=${w.onSelect}
        ></conversation-list>
        <div class="thread-pane">
          ${w.selected
            ? html`
                <chat-thread part="thread" exportparts="message, self, other, bubble, resend-button" conversation=${w.selected} label=${t.messages}></chat-thread>
                <message-composer part="composer" exportparts="input, send-button" conversation=${w.selected} placeholder=${t.placeholder}></message-composer>
              `
            : html`<p class="pick">${t.pick}</p>`}
        </div>
      </div>
    </chat-session>
  `;
}
