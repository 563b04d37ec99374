import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatClient, ChatMessage, ConnectionState, Member, Profile, UploadProgress } from '../../client/types.js';
import { AT_ALL, type ConversationId } from '../../protocol/ids.js';
import { StoreController } from '../controllers/store-controller.js';
import { withoutBidiControls } from '../i18n/isolate.js';

interface ExtrasDeps {
  client(): ChatClient | undefined;
  target(): ConversationId | undefined;
}

/** Ms before a failed member load is tried again. */
const MEMBERS_RETRY_MS = 5000;
const NO_UPLOADS: Record<string, UploadProgress> = {};

/**
 * The live state a thread shows besides its messages: who is typing, the members (names for
 * @mentions and typing, read positions for receipts; loaded when a group is shown), uploads in
 * flight, the user, and the host page's custom renderers (a change redraws the thread).
 */
export class ThreadExtras implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #deps: ExtrasDeps;
  readonly #typing: StoreController<string[]>;
  readonly #members: StoreController<Member[] | undefined>;
  readonly #uploads: StoreController<Record<string, UploadProgress>>;
  readonly #me: StoreController<Profile | undefined>;
  /** Members load once the session is up: a thread opened from a link renders before that. */
  readonly #connection: StoreController<ConnectionState>;
  /** Conversations whose members were asked for, per client. */
  readonly #asked = new WeakMap<ChatClient, Set<string>>();
  #listeningTo: ChatClient | undefined;

  constructor(host: ReactiveControllerHost, deps: ExtrasDeps) {
    this.#host = host;
    this.#deps = deps;
    const target = deps.target;
    const client = deps.client;
    // Guarded: a client made elsewhere (an older build, a stand-in) may lack the rich-message API.
    this.#typing = new StoreController(host, () => { const id = target(); return id ? client()?.typing?.(id) : undefined; }, []);
    this.#members = new StoreController(host, () => { const id = target(); return id ? client()?.members?.(id) : undefined; }, undefined);
    this.#uploads = new StoreController(host, () => client()?.$uploads, NO_UPLOADS);
    this.#me = new StoreController(host, () => client()?.$me, undefined);
    this.#connection = new StoreController(host, () => client()?.$connection, 'idle');
    host.addController(this);
  }

  /** Ids of the users typing now (not me). */
  get typing(): string[] {
    return this.#typing.value;
  }

  get members(): Member[] | undefined {
    return this.#members.value;
  }

  get uploads(): Record<string, UploadProgress> {
    return this.#uploads.value;
  }

  get me(): Profile | undefined {
    return this.#me.value;
  }

  hostConnected(): void {
    this.#follow();
  }

  hostUpdate(): void {
    this.#follow();
    this.#loadMembers();
  }

  hostDisconnected(): void {
    this.#listeningTo?.removeEventListener('renderer', this.#onRenderer);
    this.#listeningTo = undefined;
  }

  /**
   * A user's name as this conversation knows it: the member list, else their latest message
   * here, else (the peer of a p2p conversation) the conversation's name, else the id.
   */
  nameOf(id: string, messages: readonly ChatMessage[], conversationName?: string): string {
    const member = this.#members.value?.find((m) => m.id === id);
    if (member?.name) return member.name;
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.sender === id && m.senderProfile.name) return m.senderProfile.name;
    }
    if (conversationName && this.#deps.target() === `p2p:${id}`) return conversationName;
    return id;
  }

  /** The `@name` tokens a message holds for the users it mentions (`@all`, names, ids). */
  mentionNames = (m: ChatMessage): string[] => {
    const list = m.groupAtUserList;
    if (!list || list.length === 0) return [];
    const names: string[] = [];
    for (const id of list) {
      if (id === AT_ALL) {
        names.push('all');
        continue;
      }
      names.push(id);
      const name = this.#members.value?.find((x) => x.id === id)?.name ?? (id === this.#me.value?.id ? this.#me.value.name : undefined);
      // As the name is, and as the composer writes it (mention-options.ts: without its bidi controls).
      if (name) names.push(name, withoutBidiControls(name).trim());
    }
    return names;
  };

  #onRenderer = (): void => this.#host.requestUpdate();

  #follow(): void {
    const client = this.#deps.client();
    if (client === this.#listeningTo) return;
    this.#listeningTo?.removeEventListener('renderer', this.#onRenderer);
    this.#listeningTo = client;
    client?.addEventListener('renderer', this.#onRenderer);
  }

  /** Groups need their members (receipts, names); a p2p read state comes with the conversation. */
  #loadMembers(): void {
    const client = this.#deps.client();
    const id = this.#deps.target();
    if (!client || !id || !id.startsWith('group:') || typeof client.loadMembers !== 'function') return;
    if (this.#connection.value !== 'online') return;
    let asked = this.#asked.get(client);
    if (!asked) this.#asked.set(client, (asked = new Set()));
    if (asked.has(id) || this.#members.value !== undefined) return;
    asked.add(id);
    client.loadMembers(id).catch(() =>
      setTimeout(() => {
        asked.delete(id);
        this.#host.requestUpdate();
      }, MEMBERS_RETRY_MS),
    );
  }
}
