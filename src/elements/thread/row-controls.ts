import type { ReactiveControllerHost } from 'lit';

export type RowHost = ReactiveControllerHost & { renderRoot?: HTMLElement | DocumentFragment };

/**
 * Calls `handle` for a click on a control of a thread row, found by `selector`, with the row's
 * key (`data-row`: `messageKey` of its message), while the host is connected. One listener on
 * the thread's root serves every row (the rows come and go as the virtual list scrolls).
 */
export function onRowControl(host: RowHost, selector: string, handle: (key: string, trigger: HTMLElement, e: MouseEvent) => void): void {
  const onClick = (e: Event) => {
    const trigger = (e.target as Element | null)?.closest?.<HTMLElement>(selector);
    const key = trigger?.closest('[data-row]')?.getAttribute('data-row');
    if (trigger && key) handle(key, trigger, e as MouseEvent);
  };
  host.addController({
    hostConnected: () => host.renderRoot?.addEventListener('click', onClick),
    hostDisconnected: () => host.renderRoot?.removeEventListener('click', onClick),
  });
}

/**
 * The thread's one `tag` element (a dialog: the profile card, the media viewer) in `root`,
 * defined the first time it is wanted with `element` (unless its loader registered it) and appended once.
 */
export function dialogIn<K extends 'profile-card' | 'media-viewer'>(root: HTMLElement | DocumentFragment, tag: K, element?: CustomElementConstructor): HTMLElementTagNameMap[K] {
  if (element && !customElements.get(tag)) customElements.define(tag, element);
  let found = root.querySelector(tag);
  if (!found) root.append((found = document.createElement(tag)));
  return found;
}
