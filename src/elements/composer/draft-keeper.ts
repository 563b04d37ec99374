import type { ReactiveControllerHost } from 'lit';
import type { ChatClient, Draft } from '../../client/types.js';
import { isConversationId } from '../../protocol/ids.js';
import { DraftsController } from '../controllers/drafts-controller.js';
import type { Mention } from './mention-suggest.js';

interface KeeperDeps {
  client(): ChatClient | undefined;
  conversation(): string;
  /** Whether the text in the composer is not a draft of a new message (a sent message being edited). */
  editing(): boolean;
}

/**
 * Keeps the composer's draft of each conversation in the client (`client.drafts`), which keeps
 * it on the device: switching conversations, closing the widget or reloading the page brings it
 * back. A draft read from the device after the composer showed (the storage opens asynchronously)
 * is taken as long as the user has not typed yet. Without a client, drafts live in memory.
 */
export class DraftKeeper {
  readonly #deps: KeeperDeps;
  readonly #memory = new Map<string, Draft>();
  readonly #drafts: DraftsController;
  /** Whether the user changed the text since the conversation was opened. */
  #typed = false;

  constructor(host: ReactiveControllerHost, deps: KeeperDeps) {
    this.#deps = deps;
    // Re-renders the host when the device's drafts arrive.
    this.#drafts = new DraftsController(host, deps.client);
  }

  /** The stored draft of the current conversation. */
  load(): Draft | undefined {
    this.#typed = false;
    return this.#get();
  }

  /** The stored draft, when it arrived late (from the device) and the user has not typed: else undefined. */
  arrived(text: string): Draft | undefined {
    if (this.#typed || text !== '') return undefined;
    return this.#get();
  }

  /** Remembers the text (blank removes the draft); an edit of a sent message is not a draft. */
  save(text: string, mentions: readonly Mention[], conversation = this.#deps.conversation()): void {
    this.#typed = true;
    if (!isConversationId(conversation) || (this.#deps.editing() && conversation === this.#deps.conversation())) return;
    const client = this.#deps.client();
    if (client) this.#drafts.set(conversation, text, [...mentions]);
    else if (text.trim()) this.#memory.set(conversation, { conversationId: conversation, text, mentions: [...mentions], updatedAt: Date.now() });
    else this.#memory.delete(conversation);
  }

  #get(): Draft | undefined {
    const conversation = this.#deps.conversation();
    if (!isConversationId(conversation)) return undefined;
    const client = this.#deps.client();
    return client ? this.#drafts.value[conversation] : this.#memory.get(conversation);
  }
}
