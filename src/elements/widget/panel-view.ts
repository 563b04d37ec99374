/**
 * What `<chat-widget>` shows inside its open panel below the header: the session, the list and
 * the thread, their layout, and the names of people a 1:1 thread's title needs. It comes with the
 * panel's elements (`./panel.ts` installs it), so the script tag's first paint (launcher, badge,
 * the panel's frame and header) does not carry it.
 */
import { css, html } from 'lit';
import { Directive, directive, type Part } from 'lit/directive.js';
import type { ChatClient, Conversation } from '../../client/types.js';
import { parseConversationId } from '../../protocol/ids.js';
import type { ConversationSelectEvent } from '../events/conversation-select.js';
import { NameLookup } from '../names.js';

/** What the widget hands the view when it renders. */
export interface PanelBodyHost {
  client: ChatClient | undefined;
  selected: string;
  inThread: boolean;
  strings: { conversations: string; messages: string; placeholder: string; pick: string };
  onSelect(e: ConversationSelectEvent): void;
}

/**
 * `off` when the widget rendering the panel has `formatting="off"`, else `on`: read from the
 * template's host here, so the widget's own code (the first paint) does not carry the setting.
 */
const formattingOfHost = directive(
  class extends Directive {
    override update(part: Part): string {
      return (part.options?.host as Element | undefined)?.getAttribute?.('formatting') === 'off' ? 'off' : 'on';
    }
    render(): string {
      return 'on';
    }
  },
);

const lookups = new WeakMap<object, NameLookup>();

/** A conversation's title without a summary yet (no message so far): the person's profile name, else the id. */
export function titleOf(host: { requestUpdate(): void }, client: ChatClient | undefined, id: Conversation['id']): string {
  const { type, target } = parseConversationId(id);
  let names = lookups.get(host);
  if (!names) lookups.set(host, (names = new NameLookup(host as never)));
  return (type === 'p2p' ? names.nameOf(client, target) : undefined) ?? target;
}

export function renderPanelBody(w: PanelBodyHost) {
  const t = w.strings;
  const fmt = formattingOfHost();
  return html`
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
                <chat-thread part="thread" exportparts="message, self, other, bubble, resend-button" conversation=${w.selected} label=${t.messages} formatting=${fmt}></chat-thread>
                <message-composer part="composer" exportparts="input, send-button" conversation=${w.selected} placeholder=${t.placeholder} formatting=${fmt}></message-composer>
              `
            : html`<p class="pick">${t.pick}</p>`}
        </div>
      </div>
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
