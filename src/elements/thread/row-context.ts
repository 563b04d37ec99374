import { nothing, type ReactiveControllerHost } from 'lit';
import type { ChatClient, ChatMessage, Conversation } from '../../client/types.js';
import { changeStrings } from '../i18n/changes.js';
import { adoptLazyStyles } from '../styles/lazy-styles.js';
import { runChange } from './changes/change-actions.js';
import { composeIntent } from './changes/compose-intent.js';
import { recalledText } from './changes/recalled-texts.js';
import type { ConversationId } from '../../protocol/ids.js';
import type { StickerSet } from '../context.js';
import type { UiStrings } from '../i18n/ui.js';
import type { MessageActions } from './message-actions.js';
import type { RowContext } from './message-row.js';
import type { ThreadExtras } from './thread-extras.js';

/** What the thread knows when it renders, from which every row's context is built. */
export interface RowContextInput {
  client: ChatClient | undefined;
  target: ConversationId;
  t: UiStrings;
  summary: Conversation | undefined;
  actions: MessageActions;
  extras: ThreadExtras;
  stickers: StickerSet | undefined;
  /** The thread's messages and a jump to one (reply quotes). */
  messages: readonly ChatMessage[];
  jumpTo(messageId: string): void;
  /** Whether text messages show their formatting. */
  formatting: boolean;
  /** Senders' pictures and names open their profile card. */
  profiles: boolean;
  /** The thread: rendered again when a renderer arrives, and given the styles it brings. */
  host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
}

/** The state and callbacks shared by the rows of one render. */
export function rowContext({ client, target, t, summary, actions, extras, stickers, messages, jumpTo, formatting, profiles, host }: RowContextInput): RowContext {
  // The peer's read position: from the conversation, or the member list when that is newer.
  const peer = summary?.type === 'p2p' ? extras.members?.find((m) => m.id !== extras.me?.id) : undefined;
  const peerReadSeq = Math.max(summary?.peerReadSeq ?? 0, peer?.readSeq ?? 0);
  const nameOf = (id: string) => (id === extras.me?.id && extras.me?.name ? extras.me.name : extras.nameOf(id, messages, summary?.name));
  const refresh = () => host.requestUpdate();
  return {
    t,
    actions,
    profiles,
    group: target.startsWith('group:'),
    me: extras.me?.id,
    connection: client?.$connection?.get(),
    uploads: extras.uploads,
    cancelUpload: (id) => client?.cancelUpload(id),
    changes: {
      s: changeStrings(),
      me: extras.me?.id,
      nameOf,
      jumpTo,
      toggleReaction: (m, emoji) => runChange(client, target, m, { id: 'react', emoji }),
      retry: (id) => void client?.resend(id).catch(() => {}),
      discard: (id) => void client?.discard(id).catch(() => {}),
      recalledText: (id) => recalledText(client, id),
      editAgain: (m, text) => client && composeIntent(client, target).set({ kind: 'draft', message: m, text }),
      editChange: (m, changeId, text) => {
        if (!client || m.elem.type !== 'text') return;
        composeIntent(client, target).set({ kind: 'edit', message: { ...m, elem: { ...m.elem, text } } });
        void client.discard(changeId).catch(() => {});
      },
      reactorsFor: actions.reactors?.openFor ?? '',
      toggleReactors: (m, key) => actions.toggleReactors(m, key),
      renderReactors: (m, key) => actions.reactors?.render(m, key, nameOf) ?? nothing,
      refresh,
    },
    elems: {
      t,
      // Guarded: a client made elsewhere (a stand-in, an older build) may lack the rich-message API.
      fileUrl: (url) => client?.fileUrl?.(url) ?? url,
      renderer: (type) => client?.renderer?.(type),
      stickers,
      mentionNames: extras.mentionNames,
      formatting,
      refresh,
      adopt: (styles) => adoptLazyStyles(host.renderRoot, styles, 'end'),
    },
    receipts: {
      t,
      peerReadSeq,
      readers: (m) => (extras.members ? client?.readers?.(target, m) : undefined),
      openFor: actions.receiptsFor,
      toggle: (key) => actions.toggleReceipts(key),
      close: (key) => actions.closeReceipts(key),
    },
  };
}
