import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { sendBlockIn, type SendBlock } from '../../client/send-block.js';
import type { ChatClient } from '../../client/types.js';
import { StoreController } from '../controllers/store-controller.js';
import { composerStrings } from '../i18n/composer.js';
import { formatLocale } from '../i18n/localize.js';

interface NoticeDeps {
  client(): ChatClient | undefined;
  conversation(): string;
}

/** Longest a timer may wait (setTimeout's limit); a later end is looked at again then. */
const MAX_WAIT = 2 ** 31 - 1;

/**
 * Why the composer cannot send (SPEC §11): while this user is muted everywhere or in this group,
 * the composer is replaced by a notice saying so, until when and why; at that time it comes
 * back on its own (a timer, as the server lets the mute lapse without a word).
 */
export class MuteNotice {
  readonly #host: ReactiveControllerHost;
  readonly #deps: NoticeDeps;
  readonly #store: StoreController<readonly SendBlock[]>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timedFor: number | undefined;

  constructor(host: ReactiveControllerHost, deps: NoticeDeps) {
    this.#host = host;
    this.#deps = deps;
    this.#store = new StoreController(host, () => deps.client()?.$sanctions, []);
    host.addController({
      hostDisconnected: () => {
        clearTimeout(this.#timer);
        this.#timedFor = undefined;
      },
    });
  }

  /** The mute that applies to this conversation now, if any. */
  get block(): SendBlock | undefined {
    const block = sendBlockIn(this.#store.value, this.#deps.conversation());
    this.#wake(block?.until);
    return block;
  }

  /** Redraws the host when the mute ends. */
  #wake(until: number | undefined): void {
    if (until === this.#timedFor) return;
    clearTimeout(this.#timer);
    this.#timedFor = until;
    if (until === undefined) return;
    this.#timer = setTimeout(() => {
      this.#timedFor = undefined;
      this.#host.requestUpdate();
    }, Math.min(Math.max(until - Date.now(), 0) + 50, MAX_WAIT));
  }

  render(block: SendBlock): TemplateResult {
    const t = composerStrings();
    const inGroup = block.conversationId !== undefined;
    const until = block.until === undefined ? undefined : when(block.until);
    const text = inGroup
      ? until === undefined ? t.mutedInGroup : t.mutedInGroupUntil(until)
      : until === undefined ? t.mutedEverywhere : t.mutedEverywhereUntil(until);
    return html`<p part="mute-notice" role="status">
      <span part="mute-text">${text}</span>${block.reason ? html` <bdi part="mute-reason">${t.muteReason(block.reason)}</bdi>` : ''}
    </p>`;
  }
}

/** "18:30" today, else "6 Dec, 18:30" (in the formatting locale's words and order); the group panel's mute ends too. */
export function when(ms: number): string {
  const at = new Date(ms);
  const today = new Date().toDateString() === at.toDateString();
  return new Intl.DateTimeFormat(formatLocale(), today ? { hour: 'numeric', minute: '2-digit' } : { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }).format(at);
}
