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
import { installPanelView } from './load-panel.js';
import { consumeSessionClient, panelStyles, renderPanel } from './panel-view.js';
import { attachNotifier } from '../notify/page-notifier.js';
import type { PANEL_TAGS } from './load-panel.js';

import { loadGroupElements } from '../groups/load-groups.js';
import { loadForwardDialog } from '../forward/load-forward.js';
import { loadBanner } from './load-banner.js';

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
 * Registers the panel's elements (a tag already registered is left alone). What it opens on
 * demand registers itself on first use (`../groups/load-groups.ts`, `../forward/load-forward.ts`,
 * `./load-banner.ts`).
 */
export function definePanel(): void {
  defineElements(panelElements);
}
