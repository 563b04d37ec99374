import { msg } from '@lit/localize';

/** Labels inside `<chat-widget>`'s open panel, in the active locale (every property is read when it is used). */
const panel = {
  get close() { return msg('Close chat', { id: 'widget.close' }); },
  get back() { return msg('Back to conversations', { id: 'widget.back' }); },
  get conversations() { return msg('Conversations', { id: 'widget.conversations' }); },
  get messages() { return msg('Messages', { id: 'widget.messages' }); },
  get pick() { return msg('Pick a conversation', { id: 'widget.pick' }); },
};

export type WidgetPanelStrings = typeof panel;

/** The labels of the widget's open panel, in the active locale. */
export function widgetPanelStrings(): WidgetPanelStrings {
  return panel;
}
