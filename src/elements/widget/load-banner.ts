import type { ChatClient } from '../../client/types.js';
import { loadOnce } from '../load-once.js';
import { defineElements } from './define-elements.js';

/** Registers `<broadcast-banner>`, loading it first (in the script tag: with the features loaded on first use). */
export const loadBanner = loadOnce(() => import('../broadcast-banner.js').then((m) => defineElements({ 'broadcast-banner': m.BroadcastBanner })));

const watching = new WeakSet<ChatClient>();

/**
 * Registers the panel's `<broadcast-banner>` once `client` holds a broadcast: most sites never
 * send one, so opening the widget does not download the banner. Until then the panel's
 * `<broadcast-banner>` is an unregistered element that shows nothing, as the banner does with
 * nothing to show. A failed load is tried again the next time the panel renders.
 */
export function defineBannerWhenNeeded(client: ChatClient | undefined): void {
  if (!client || watching.has(client) || customElements.get('broadcast-banner')) return;
  watching.add(client);
  const check = (list: readonly unknown[]) => {
    if (list.length === 0) return;
    stop();
    void loadBanner().catch(() => watching.delete(client));
  };
  const stop = client.$broadcasts.listen(check);
  check(client.$broadcasts.get());
}
