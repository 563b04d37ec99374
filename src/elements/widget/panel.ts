/**
 * What `<chat-widget>`'s open panel is made of: every element but the widget itself. The
 * widget loads this module when it first opens, or before that when the page is idle or the
 * launcher is pointed at or focused, so its closed state (launcher and unread badge) does not
 * wait for the rest. In the script-tag build this is its own chunk.
 */
import { ChatSession } from '../chat-session.js';
import { ChatThread } from '../chat-thread.js';
import { ConversationList } from '../conversation-list.js';
import { MessageComposer } from '../message-composer.js';
import { defineElements } from './define-elements.js';
// The locales' loaders come with the panel (see i18n/localize.ts): the launcher's first paint names none.
export { loadLocale } from '../i18n/loaders.js';
import { stringsReady } from '../i18n/localize.js';
import { installPanelView } from './load-panel.js';
import { consumeSessionClient, panelStyles, renderPanel } from './panel-view.js';
import type { NotifierHost } from '../notify/page-notifier.js';
import { savesData } from '../thread/prefetch-extras.js';
import type { ChatMessage } from '../../client/types.js';
import type { PANEL_TAGS } from './load-panel.js';

import { loadGroupElements } from '../groups/load-groups.js';
import { loadForwardDialog } from '../forward/load-forward.js';
import { loadBanner } from './load-banner.js';

/**
 * Starts the page's notifier (`../notify/page-notifier.ts`: the title's count and notifications
 * while the page is hidden, a conversation opened from one), loading it first: it has nothing to
 * show before a message arrives, so in the script tag it is in the extras chunk, fetched now rather
 * than with the panel's. On a connection that asks to save data it is fetched only with the first
 * message from someone else that arrives while the page is hidden, unless it has something to do
 * at once: a conversation to open (a notification's click that opened the page) or Web Push to keep
 * subscribed. Offline, it is tried again once the page is back online. The messages that arrive
 * while the page is hidden before it is in are held by the widget (`heard`), and it counts them.
 */
function attachNotifier(host: NotifierHost): void {
  let asked = false;
  const load = (): void =>
    void import('../notify/page-notifier.js').then(
      (m) => m.attachNotifier(host),
      () => addEventListener('online', load, { once: true }),
    );
  if (!savesData() || location.hash.startsWith('#natter-open=') || (host.serviceWorker && self.Notification?.permission === 'granted')) return load();
  // Saving data: a message from someone else while the page is hidden fetches it (the widget holds those heard till it is in).
  const heard = (e: Event) => !asked && document.hidden && !host.quiet && !(e as CustomEvent<ChatMessage>).detail.isSelf && ((asked = true), load());
  // The host's client when the page is hidden (it may be replaced), as the notifier follows it.
  const follow = () => host.client?.addEventListener('message', heard);
  document.addEventListener('visibilitychange', follow);
  follow();
}

/** Registers what the panel loads on first use too (the group dialogs, people views, `<forward-dialog>`, `<broadcast-banner>`), loading it first. */
export async function defineOnDemand(): Promise<void> {
  await Promise.all([loadGroupElements(), loadForwardDialog(), loadBanner()]);
}

// What <chat-widget> shows in its open panel comes with the elements it shows.
installPanelView({ consumeSessionClient, panelStyles, renderPanel, attachNotifier, defineOnDemand });

export const panelElements = {
  'chat-session': ChatSession,
  'conversation-list': ConversationList,
  'chat-thread': ChatThread,
  'message-composer': MessageComposer,
} as const satisfies Record<(typeof PANEL_TAGS)[number], CustomElementConstructor>;

/**
 * Registers the panel's elements (a tag already registered is left alone) once the page's strings
 * are in. What it opens on
 * demand registers itself on first use (`../groups/load-groups.ts`, `../forward/load-forward.ts`,
 * `./load-banner.ts`).
 */
export async function definePanel(): Promise<void> {
  // In the script tag their English is a catalogue of its own (`en`): none renders before one is in.
  await stringsReady();
  defineElements(panelElements);
}
