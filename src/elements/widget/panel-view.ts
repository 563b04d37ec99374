/**
 * What `<chat-widget>` shows inside its open panel below the header: the session, the list and
 * the thread, their layout, and the names of people a 1:1 thread's title needs. It comes with the
 * panel's elements (`./panel.ts` installs it), so the script tag's first paint (launcher, badge,
 * the panel's frame and header) does not carry it.
 */
import { css, html, nothing } from 'lit';
import type { ChatClient, Conversation } from '../../client/types.js';
import { parseConversationId } from '../../protocol/ids.js';
import type { ConversationSelectEvent } from '../events/conversation-select.js';
import { NameLookup } from '../names.js';
import { groupStrings } from '../i18n/groups.js';

/** What the widget hands the view when it renders. */
export interface PanelBodyHost {
  client: ChatClient | undefined;
  selected: string;
  inThread: boolean;
  /** Group actions are on: the list's New group button. */
  groups: boolean;
  /** Profile cards are on (members' names in the group panel open them). */
  profiles: boolean;
  /** The list's Contacts button is on. */
  contacts: boolean;
  strings: { conversations: string; messages: string; placeholder: string; pick: string };
  onSelect(e: ConversationSelectEvent): void;
}

const lookups = new WeakMap<object, NameLookup>();

/** A conversation's title without a summary yet (no message so far): the person's profile name, else the id. */
export function titleOf(host: { requestUpdate(): void }, client: ChatClient | undefined, id: Conversation['id']): string {
  const { type, target } = parseConversationId(id);
  let names = lookups.get(host);
  if (!names) lookups.set(host, (names = new NameLookup(host as never)));
  return (type === 'p2p' ? names.nameOf(client, target) : undefined) ?? target;
}

/** Opens the group panel of the selected group (the `<group-panel>` beside the button). */
function openGroupPanel(e: Event, conversationId: string): void {
  const root = (e.currentTarget as Element).getRootNode() as ParentNode;
  void root.querySelector('group-panel')?.show(conversationId);
}

export function renderPanelBody(w: PanelBodyHost) {
  const t = w.strings;
  const g = groupStrings();
  const current = w.client?.$conversations.get().find((c) => c.id === w.selected);
  const group = w.groups && w.selected.startsWith('group:') && !current?.left;
  return html`
    <chat-session .client=${w.client}>
      <broadcast-banner part="broadcast-banner"></broadcast-banner>
      <div class="body" data-view=${w.inThread ? 'thread' : 'list'}>
        <conversation-list
          part="conversation-list"
          exportparts="item:conversation-item, unread-badge:conversation-unread-badge"
          label=${t.conversations}
          ?create-group=${w.groups}
          ?contacts=${w.contacts}
          .selected=${w.selected}
          @conversation-select=${w.onSelect}
        ></conversation-list>
        <div class="thread-pane">
          ${w.selected
            ? html`
                ${group
                  ? html`<div part="thread-header" class="thread-header">
                      <button part="group-info-button" type="button" @click=${(e: Event) => openGroupPanel(e, w.selected)}>ⓘ ${g.info}</button>
                    </div>`
                  : nothing}
                <chat-thread part="thread" exportparts="message, self, other, bubble, resend-button" conversation=${w.selected} label=${t.messages}></chat-thread>
                ${current?.left
                  ? html`<p part="left-notice" class="left">${g.left}</p>`
                  : html`<message-composer part="composer" exportparts="input, send-button" conversation=${w.selected} placeholder=${t.placeholder}></message-composer>`}
              `
            : html`<p class="pick">${t.pick}</p>`}
        </div>
      </div>
      ${w.groups ? html`<group-panel ?hide-profiles=${!w.profiles}></group-panel>` : nothing}
    </chat-session>
  `;
}

export const panelBodyStyles = css`
  chat-session {
    display: contents;
  }

  .body {
    display: flex;
    flex: 1;
    min-height: 0;
  }

  conversation-list,
  .thread-pane {
    flex: 1;
    min-width: 0;
  }

  .thread-pane {
    display: flex;
    flex-direction: column;
  }

  chat-thread {
    flex: 1;
    min-height: 0;
  }

  .body[data-view='list'] .thread-pane,
  .body[data-view='thread'] conversation-list {
    display: none;
  }

  .thread-header {
    display: flex;
    justify-content: flex-end;
    padding: 0.25rem 0.5rem;
    border-bottom: 1px solid var(--_border);
  }

  [part~='group-info-button'] {
    padding: 0.25rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: transparent;
    cursor: pointer;
  }

  [part~='group-info-button']:hover {
    background: var(--_hover);
  }

  .left {
    margin: 0;
    padding: 0.75rem 1rem;
    border-top: 1px solid var(--_border);
    color: var(--_muted);
    text-align: center;
  }

  .pick {
    margin: auto;
    padding: 1rem;
    color: var(--_muted);
  }

  /* Wide panels show both panes. */
  @container (min-width: 600px) {
    .body[data-view] .thread-pane {
      display: flex;
    }

    .body[data-view] conversation-list {
      display: block;
      flex: 0 0 16rem;
      border-inline-end: 1px solid var(--_border);
    }
  }
`;
