import type { ChatClient } from '../client/types.js';

/**
 * Closes `own`, the client an element created itself from its attributes, and takes it off the
 * element's `client` (one set from outside since stays). The one close of `<chat-session>` and
 * `<chat-widget>`; returns undefined, what the element's own-client field becomes:
 * `this.#ownClient = closeOwnClient(this, this.#ownClient)`.
 */
export function closeOwnClient(host: { client: ChatClient | undefined }, own: ChatClient | undefined): undefined {
  if (!own) return;
  if (host.client === own) host.client = undefined;
  void own.close();
}
