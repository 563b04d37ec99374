import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { sendBlockIn, type SendBlock } from '../../client/send-block.js';
import type { ChatClient } from '../../client/types.js';
import { StoreController } from '../controllers/store-controller.js';
import { WakeController } from '../controllers/wake-controller.js';
import { composerStrings } from '../i18n/composer.js';
import { formatUntil } from '../format.js';

interface NoticeDeps {
  client(): ChatClient | undefined;
  conversation(): string;
}

/**
 * Why the composer cannot send (SPEC §11): while this user is muted everywhere or in this group,
 * the composer is replaced by a notice saying so, until when and why; at that time it comes
 * back on its own (a timer, as the server lets the mute lapse without a word).
 */
export class MuteNotice {
  readonly #deps: NoticeDeps;
  readonly #store: StoreController<readonly SendBlock[]>;
  readonly #wake: WakeController;

  constructor(host: ReactiveControllerHost, deps: NoticeDeps) {
    this.#deps = deps;
    this.#store = new StoreController(host, () => deps.client()?.$sanctions, []);
    this.#wake = new WakeController(host);
  }

  /** The mute that applies to this conversation now, if any. */
  get block(): SendBlock | undefined {
    const block = sendBlockIn(this.#store.value, this.#deps.conversation());
    this.#wake.at(block?.until);
    return block;
  }

  render(block: SendBlock): TemplateResult {
    const t = composerStrings();
    const inGroup = block.conversationId !== undefined;
    const until = block.until === undefined ? undefined : formatUntil(block.until);
    const text = inGroup
      ? until === undefined ? t.mutedInGroup : t.mutedInGroupUntil(until)
      : until === undefined ? t.mutedEverywhere : t.mutedEverywhereUntil(until);
    return html`<p part="mute-notice" role="status">
      <span part="mute-text">${text}</span>${block.reason ? html` <bdi part="mute-reason">${t.muteReason(block.reason)}</bdi>` : ''}
    </p>`;
  }
}
