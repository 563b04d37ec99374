/**
 * Registers every Natter element under its tag. Importing this module is the one side effect
 * of the element layer; a tag that is already registered (another copy of Natter, or the
 * host's own element) is left alone.
 */
import { ChatWidget } from './chat-widget.js';
import { defineElements } from './widget/define-elements.js';
import { panelElements } from './widget/panel.js';
import { groupElements } from './groups/group-elements.js';
import { ForwardDialog } from './forward-dialog.js';
import { BroadcastBanner } from './broadcast-banner.js';

export const elements = {
  ...panelElements,
  ...groupElements,
  'forward-dialog': ForwardDialog,
  'broadcast-banner': BroadcastBanner,
  'chat-widget': ChatWidget,
} as const satisfies Record<string, CustomElementConstructor>;

defineElements(elements);
