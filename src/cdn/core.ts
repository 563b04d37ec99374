/**
 * The script tag's first chunk (`dist/cdn/natter-core-<hash>.js`, imported by `natter.js`):
 * `<chat-widget>` with what its closed state needs, the launcher and the unread badge (so the
 * client and its connection). The panel's elements are a chunk of their own that the widget
 * loads when it opens or the page is idle (`../elements/widget/load-panel.ts`).
 */
import { ChatWidget } from '../elements/chat-widget.js';
import { defineElements } from '../elements/widget/define-elements.js';
import { loadPanel, panelView } from '../elements/widget/load-panel.js';

defineElements({ 'chat-widget': ChatWidget });

/** Registers every other element too (loading them first), for pages that use the tags themselves. */
export function defineAll(): Promise<void> {
  return loadPanel().then(() => panelView()!.defineOnDemand());
}
