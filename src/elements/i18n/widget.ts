// Not from the package's index: that one also brings the @lit/localize runtime, which the
// launcher's first paint leaves to `./localize.ts` (see `./core-locale.ts`).
import { msg } from '@lit/localize/init/install.js';
import { str } from '@lit/localize/internal/str-tag.js';
import { formatNumber, plural } from './core-locale.js';

const open = () => msg('Open chat', { id: 'widget.open' });
const unread = (n: number) => {
  const count = formatNumber(n);
  return plural(n, {
    zero: () => msg(str`${count} unread messages`, { id: 'widget.unread.zero' }),
    one: () => msg(str`${count} unread message`, { id: 'widget.unread.one' }),
    two: () => msg(str`${count} unread messages`, { id: 'widget.unread.two' }),
    few: () => msg(str`${count} unread messages`, { id: 'widget.unread.few' }),
    many: () => msg(str`${count} unread messages`, { id: 'widget.unread.many' }),
    other: () => msg(str`${count} unread messages`, { id: 'widget.unread.other' }),
  });
};

/**
 * Labels of `<chat-widget>`'s launcher and its panel's name, in the active locale (every property
 * is read when it is used). The labels inside the open panel are in `./widget-panel.ts`, which
 * comes with the panel's chunk.
 */
const widget = {
  get title() { return msg('Chat', { id: 'widget.title' }); },
  get open() { return open(); },
  unread,
  /** The launcher's name with unread messages: "Open chat, 3 unread messages". */
  openWithUnread: (n: number) => {
    const [action, count] = [open(), unread(n)];
    return msg(str`${action}, ${count}`, { id: 'widget.openWithUnread' });
  },
};

export type WidgetStrings = typeof widget;

/** The widget's labels, in the active locale. */
export function widgetStrings(): WidgetStrings {
  return widget;
}
