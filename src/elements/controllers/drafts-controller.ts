import type { ReactiveControllerHost } from 'lit';
import type { ClientDrafts } from '../../client/drafts.js';
import type { ChatClient, Draft } from '../../client/types.js';
import type { ConversationId } from '../../protocol/ids.js';
import { StoreController } from './store-controller.js';

/**
 * The drafts of an element's client (`client.drafts`, which settles once their code and the
 * device's copy are in): re-renders the host when they arrive and when they change. Guarded: a
 * stand-in client may have no drafts.
 */
export class DraftsController {
  readonly #host: ReactiveControllerHost;
  readonly #store: StoreController<Readonly<Record<string, Draft>>>;
  #client: ChatClient | undefined;
  #drafts: ClientDrafts | undefined;

  constructor(host: ReactiveControllerHost, client: () => ChatClient | undefined) {
    this.#host = host;
    this.#store = new StoreController(host, () => this.#follow(client())?.$drafts, {});
  }

  /** Drafts by conversation id ({} until they are in); current even before the host's next update. */
  get value(): Readonly<Record<string, Draft>> {
    return this.#drafts?.$drafts.get() ?? this.#store.value;
  }

  /** Sets (blank text: removes) the draft of a conversation, as soon as the drafts are in. */
  set(conversationId: ConversationId, text: string, mentions?: Draft['mentions']): void {
    if (this.#drafts) this.#drafts.set(conversationId, text, mentions);
    else void this.#client?.drafts?.then((d) => d.set(conversationId, text, mentions), () => undefined);
  }

  #follow(client: ChatClient | undefined): ClientDrafts | undefined {
    if (client !== this.#client) {
      this.#client = client;
      this.#drafts = undefined;
      client?.drafts?.then((d) => {
        if (this.#client !== client) return;
        this.#drafts = d;
        this.#host.requestUpdate();
      }, () => undefined);
    }
    return this.#drafts;
  }
}
