import type { ReactiveControllerHost, TemplateResult, nothing } from 'lit';
import type { ChatClient, ChatMessage } from '../../../client/types.js';
import type { ReplyTo } from '../../../protocol/changes.js';
import { isConversationId } from '../../../protocol/ids.js';
import { changeStrings } from '../../i18n/changes.js';
import { renderPinnedBar } from './pinned-bar.js';

/** One pin the bar can show: the message when the thread holds it, else only its id (a jump loads it). */
export interface Pin {
  messageId: string;
  time: number;
  message?: ChatMessage;
  /** Sender and one line, from the server's answer (for a message not held). */
  quote?: ReplyTo;
}

interface PinsDeps {
  client(): ChatClient | undefined;
  conversation(): string;
  messages(): readonly ChatMessage[];
  online(): boolean;
  jumpTo(messageId: string): void;
  /** A user's name as the conversation knows it. */
  nameOf(id: string): string;
  /** The user's id. */
  me(): string | undefined;
}

/**
 * The pins of the shown conversation: the server's list (`client.pins`, most recent first,
 * pins of messages not loaded included), asked again whenever the pins among the held messages
 * change, merged with those held messages (which are current between two answers).
 */
export class ThreadPins {
  readonly #host: ReactiveControllerHost;
  readonly #deps: PinsDeps;
  #server: { messageId: string; time: number; quote?: ReplyTo }[] = [];
  #asked = '';
  /** Which pin the bar shows. */
  #at = 0;

  constructor(host: ReactiveControllerHost, deps: PinsDeps) {
    this.#host = host;
    this.#deps = deps;
    host.addController({ hostUpdate: () => this.#refresh() });
  }

  /** Another conversation: the bar starts again at the latest pin. */
  reset(): void {
    this.#at = 0;
  }

  /** The pinned bar: activating it jumps to the pin shown and moves on to the next. */
  render(): TemplateResult | typeof nothing {
    return renderPinnedBar(changeStrings(), this.list(), this.#at, this.#deps.nameOf, this.#deps.me(), (pin, next) => {
      this.#at = next;
      this.#deps.jumpTo(pin.messageId);
    });
  }

  /** Latest pin first. */
  list(): Pin[] {
    const held = new Map<string, ChatMessage>();
    for (const m of this.#deps.messages()) if (m.id) held.set(m.id, m);
    const pins = new Map<string, Pin>();
    for (const p of this.#server) {
      const m = held.get(p.messageId);
      // A held message is newer than the last answer: unpinned or recalled there, it is gone.
      if (m && (!m.pinned || m.recalled)) continue;
      pins.set(p.messageId, { ...p, time: m?.pinned?.time ?? p.time, ...(m && { message: m }) });
    }
    for (const m of held.values()) if (m.pinned && !m.recalled && !pins.has(m.id)) pins.set(m.id, { messageId: m.id, time: m.pinned.time, message: m });
    return [...pins.values()].sort((a, b) => b.time - a.time);
  }

  #refresh(): void {
    const client = this.#deps.client();
    const conversation = this.#deps.conversation();
    if (!client || !isConversationId(conversation) || !this.#deps.online() || typeof client.pins !== 'function') return;
    const pinnedHeld = this.#deps.messages().filter((m) => m.pinned && !m.recalled).map((m) => m.id).join(',');
    const key = `${conversation}|${pinnedHeld}`;
    if (key === this.#asked) return;
    if (!this.#asked.startsWith(`${conversation}|`)) this.#server = [];
    this.#asked = key;
    client.pins(conversation).then(
      (pins) => {
        if (this.#asked !== key) return;
        // A thread renders once per change: an answer that changes nothing (no pins, as most have) renders nothing.
        if (JSON.stringify(pins) !== JSON.stringify(this.#server)) this.#host.requestUpdate();
        this.#server = pins;
      },
      () => {
        // Asked again at the next update (the connection may have dropped).
        if (this.#asked === key) this.#asked = '';
      },
    );
  }
}
