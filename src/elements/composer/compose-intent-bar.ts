import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { ChatClient } from '../../client/types.js';
import type { LinkPreview } from '../../protocol/elems.js';
import { isConversationId } from '../../protocol/ids.js';
import { StoreController } from '../controllers/store-controller.js';
import { composeIntent, lastOwnText, type ComposeIntent } from '../thread/changes/compose-intent.js';
import { composeBars } from './load-compose-bars.js';

interface IntentDeps {
  client(): ChatClient | undefined;
  conversation(): string;
  /** The draft, and replacing it (the caret goes to its end) with the link preview it carries, if any. */
  draft(): string;
  setDraft(text: string, preview?: LinkPreview): void;
  focusInput(): void;
}

/**
 * The composer's side of replies and edits: the bar over the text area (what is quoted, or
 * "Editing", drawn by `./compose-bars.ts`, fetched when a bar first shows), Escape and × to
 * cancel, Up in an empty composer to edit the last own text, and where Enter sends the text
 * (`client.reply`, `client.edit`).
 */
export class ComposeIntentBar {
  readonly #host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
  readonly #intent: StoreController<ComposeIntent | undefined>;
  readonly #deps: IntentDeps;
  #shown: ComposeIntent | undefined;
  /** The draft put aside while editing, back when the edit ends. */
  #aside = '';

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment }, deps: IntentDeps) {
    this.#host = host;
    this.#deps = deps;
    this.#intent = new StoreController(host, () => {
      const client = deps.client();
      return client && isConversationId(deps.conversation()) ? composeIntent(client, deps.conversation()) : undefined;
    }, undefined);
    host.addController({ hostUpdate: () => this.#follow() });
  }

  get intent(): ComposeIntent | undefined {
    return this.#intent.value;
  }

  /** A new intent from the thread: an edit puts the message's text in the composer; either takes focus. */
  #follow(): void {
    const next = this.#intent.value;
    if (next === this.#shown) return;
    if (next?.kind === 'draft') {
      // "Edit again": the recalled text becomes the draft of a new message.
      this.#deps.setDraft(next.text ?? '');
      this.cancel();
      queueMicrotask(() => this.#deps.focusInput());
      return;
    }
    const was = this.#shown;
    this.#shown = next;
    if (next?.kind === 'edit' && next.message.elem.type === 'text') {
      if (was?.kind !== 'edit') this.#aside = this.#deps.draft();
      this.#deps.setDraft(next.message.elem.text, next.message.elem.preview);
    } else if (was?.kind === 'edit') {
      this.#deps.setDraft(this.#aside);
      this.#aside = '';
    }
    if (next) queueMicrotask(() => this.#deps.focusInput());
  }

  cancel(): void {
    const client = this.#deps.client();
    if (client && isConversationId(this.#deps.conversation())) composeIntent(client, this.#deps.conversation()).set(undefined);
  }

  /** Escape cancels a reply or an edit; Up in an empty composer edits the last own text. Returns whether the key was used. */
  keydown(e: KeyboardEvent): boolean {
    if (e.key === 'Escape' && this.intent) {
      this.cancel();
      return true;
    }
    if (e.key !== 'ArrowUp' || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey || this.intent || this.#deps.draft() !== '') return false;
    const client = this.#deps.client();
    const conversation = this.#deps.conversation();
    if (!client || !isConversationId(conversation)) return false;
    const last = lastOwnText(client.messages(conversation).get());
    if (!last) return false;
    composeIntent(client, conversation).set({ kind: 'edit', message: last });
    return true;
  }

  /**
   * Sends `text` (with the link preview the composer shows for it) as the reply or the edit the
   * composer is in; returns false when it is in neither (a plain send). An edit that changes
   * neither the text nor its preview just ends; one that drops the preview removes it.
   */
  send(text: string, groupAtUserList: string[], preview?: LinkPreview): boolean {
    const intent = this.intent;
    const client = this.#deps.client();
    const conversation = this.#deps.conversation();
    if (!intent || intent.kind === 'draft' || !client || !isConversationId(conversation)) return false;
    const options = groupAtUserList.length > 0 ? { groupAtUserList } : {};
    // Failures show in the thread (a failed message, or a failed change on the message).
    const { id, elem } = intent.message;
    if (intent.kind === 'reply') client.reply(conversation, id, preview ? { type: 'text', text, preview } : text, options).catch(() => {});
    else if (elem.type !== 'text' || elem.text !== text || elem.preview?.sig !== preview?.sig) client.edit(conversation, id, text, { ...options, preview }).catch(() => {});
    this.#aside = '';
    this.#shown = undefined;
    this.cancel();
    return true;
  }

  render(): TemplateResult | typeof nothing {
    const intent = this.intent;
    if (!intent || intent.kind === 'draft') return nothing;
    return composeBars(() => this.#host.requestUpdate())?.renderIntentBar(this.#host.renderRoot, intent, () => this.cancel()) ?? nothing;
  }
}
