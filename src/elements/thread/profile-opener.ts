import { messageKey, type ChatClient, type ChatMessage } from '../../client/types.js';
import type { ProfileCard } from '../people/profile-card.js';
import { loadGroupElements } from '../groups/load-groups.js';
import { dialogIn, onRowControl, type RowHost } from './row-controls.js';

interface OpenerDeps {
  /** The thread's loaded messages, in order. */
  messages(): readonly ChatMessage[];
  client(): ChatClient | undefined;
  /** Where the card lives (the thread's shadow root). */
  root(): HTMLElement | DocumentFragment;
  /** The thread's `hide-presence`, given to the card. */
  hidePresence(): boolean;
}

/**
 * Opens a sender's `<profile-card>` from the thread (SPEC §13): a click (or Enter, or Space: they
 * are buttons) on the picture or the name of someone else's message. The card comes with the
 * group dialogs (in the script tag: their chunk, loaded the first time a card opens); it
 * returns focus to the button that opened it. The rows draw those buttons only where the site
 * has profiles on (`<chat-thread hide-profiles>` draws plain pictures and names).
 */
export class ProfileOpener {
  readonly #deps: OpenerDeps;

  constructor(host: RowHost, deps: OpenerDeps) {
    this.#deps = deps;
    onRowControl(host, '[part~="avatar-button"], [part~="sender-button"]', (key) => {
      const m = this.#deps.messages().find((x) => messageKey(x) === key);
      if (m) void this.open(m.sender, m.senderProfile);
    });
  }

  /** Opens the card of `userId`, showing `profile` (the message's snapshot) until the client knows better. */
  async open(userId: string, profile: { name?: string; avatar?: string } = {}): Promise<ProfileCard> {
    await loadGroupElements();
    const card = dialogIn(this.#deps.root(), 'profile-card');
    card.client = this.#deps.client();
    card.hidePresence = this.#deps.hidePresence();
    await card.show(userId, profile);
    return card;
  }
}
