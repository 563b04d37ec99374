import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { voiceStrings } from '../i18n/voice.js';
import { adoptLazyStyles } from '../styles/lazy-styles.js';
import type * as VoiceBar from './voice-bar.js';
import type { RecordRefusal, Recording } from './voice-recorder.js';

interface VoiceDeps {
  /** Whether recording may start (a client and a conversation, not disabled). */
  canRecord(): boolean;
  /** Sends a finished recording. */
  send(blob: Blob, duration: number): void;
}

/** Held shorter than this, a press starts a recording that a second press sends (as a keyboard does). */
const TAP_MS = 300;
/** A pointer this far from where it went down cancels a held recording. */
const SLIDE_CANCEL_PX = 80;
/** Shorter recordings are dropped (a slip of the finger). */
const MIN_SECONDS = 0.5;
/** Longer ones are sent at this length. */
const MAX_SECONDS = 300;

/**
 * The composer's microphone: hold to record and release to send (slide away to cancel), or press
 * (a click, Enter or Space) to start and again to send; Escape or the cancel button drops the
 * recording. While recording, a bar shows the time and the microphone's level. The recording
 * code (`./voice-recorder.ts`), that bar, what keeps its time and level moving and what a refused
 * microphone says come in one module (`./voice-bar.ts`) on the first press; the result goes out through
 * `client.sendFile` as a sound message with its duration. A refused microphone says why.
 */
export class VoiceButton {
  readonly #host: ReactiveControllerHost & HTMLElement & { renderRoot?: HTMLElement | DocumentFragment };
  readonly #deps: VoiceDeps;
  #state: 'idle' | 'starting' | 'recording' = 'idle';
  #mode: 'hold' | 'toggle' = 'toggle';
  #recording: Recording | undefined;
  #error = '';
  #down: { x: number; y: number; at: number } | undefined;
  /** The click that follows a pointer press was already handled by it. */
  #pointerHandled = false;
  /** Cancelled while the microphone was being asked for. */
  #cancelled = false;
  /** Stops the ticker and the level meter of the recording under way. */
  #unfollow: (() => void) | undefined;
  /** The recording bar's module, once the first press fetched it. */
  #bar: typeof VoiceBar | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement & { renderRoot?: HTMLElement | DocumentFragment }, deps: VoiceDeps) {
    this.#host = host;
    this.#deps = deps;
    host.addController({ hostDisconnected: () => this.cancel() });
    host.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.#state !== 'idle') {
        e.preventDefault();
        e.stopPropagation();
        this.cancel();
      }
    });
  }

  get recording(): boolean {
    return this.#state !== 'idle';
  }

  /** Forgets a shown refusal (the user moved on). */
  clearError(): void {
    if (!this.#error) return;
    this.#error = '';
    this.#host.requestUpdate();
  }

  #onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0 || !this.#deps.canRecord()) return;
    e.preventDefault();
    // Prevented, the press moves no focus: without this, Escape (as the hint says) would go elsewhere.
    (e.currentTarget as HTMLElement).focus();
    this.#pointerHandled = true;
    if (this.#state === 'recording' && this.#mode === 'toggle') return void this.finish();
    if (this.#state !== 'idle') return;
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    this.#down = { x: e.clientX, y: e.clientY, at: performance.now() };
    void this.start('hold');
  };

  #onPointerMove = (e: PointerEvent) => {
    if (!this.#down || this.#mode !== 'hold') return;
    if (Math.hypot(e.clientX - this.#down.x, e.clientY - this.#down.y) > SLIDE_CANCEL_PX) this.cancel();
  };

  #onPointerUp = () => {
    const down = this.#down;
    this.#down = undefined;
    if (!down || this.#mode !== 'hold' || this.#state === 'idle') return;
    // A tap: keep recording until the next press.
    if (performance.now() - down.at < TAP_MS) {
      this.#mode = 'toggle';
      this.#host.requestUpdate();
      return;
    }
    void this.finish();
  };

  #onClick = (e: MouseEvent) => {
    // A click from the keyboard (or a pointer-less activation); pointer presses were handled above.
    if (this.#pointerHandled) {
      this.#pointerHandled = false;
      return;
    }
    e.preventDefault();
    if (this.#state === 'idle') void this.start('toggle');
    else if (this.#state === 'recording') void this.finish();
  };

  /** Asks for the microphone and starts recording. */
  async start(mode: 'hold' | 'toggle'): Promise<void> {
    if (this.#state !== 'idle' || !this.#deps.canRecord()) return;
    this.#state = 'starting';
    this.#mode = mode;
    this.#error = '';
    this.#cancelled = false;
    this.#host.requestUpdate();
    try {
      const bar = await import('./voice-bar.js');
      // Its styles go after the composer's own sheets, where they were when they came with it.
      if (this.#host.renderRoot) adoptLazyStyles(this.#host.renderRoot, bar.voiceBarStyles, 'end');
      // The bar shows before the browser asks for the microphone, as it did when it came with the panel.
      this.#bar = bar;
      this.#host.requestUpdate();
      const recording = await bar.Recording.start();
      if (this.#cancelled) return recording.cancel();
      this.#recording = recording;
      this.#state = 'recording';
      this.#unfollow = bar.follow(recording, this.#host.renderRoot, () => {
        if (recording.elapsed >= MAX_SECONDS) void this.finish();
        this.#host.requestUpdate();
      });
    } catch (error) {
      this.#state = 'idle';
      const reason: RecordRefusal = (error as { reason?: RecordRefusal }).reason ?? 'unsupported';
      // Offline before the first press, the recording code cannot be fetched: the browser cannot record here now.
      this.#error = this.#bar?.refusalText(reason) ?? voiceStrings().unsupported;
    }
    this.#host.requestUpdate();
  }

  /** Stops and sends (a recording under half a second is dropped with a note). */
  async finish(): Promise<void> {
    const recording = this.#recording;
    if (!recording) return this.cancel();
    this.#reset();
    const { blob, duration } = await recording.stop();
    if (duration < MIN_SECONDS || blob.size === 0) this.#error = this.#bar?.voiceBarStrings().tooShort ?? '';
    else this.#deps.send(blob, Math.min(duration, MAX_SECONDS));
    this.#host.requestUpdate();
  }

  /** Drops the recording. */
  cancel(): void {
    if (this.#state === 'starting') this.#cancelled = true;
    this.#recording?.cancel();
    this.#reset();
    this.#host.requestUpdate();
  }

  #reset(): void {
    this.#unfollow?.();
    this.#unfollow = undefined;
    this.#recording = undefined;
    this.#down = undefined;
    this.#state = 'idle';
    // Focus stays on the microphone, which is there again.
    queueMicrotask(() => this.#host.renderRoot?.querySelector<HTMLElement>('[part~="record-button"]')?.focus());
  }

  /** The microphone button (inside the composer's form). */
  renderButton(disabled: boolean): TemplateResult {
    const t = voiceStrings();
    const active = this.#state !== 'idle';
    const label = active && this.#mode === 'toggle' ? t.stopAndSend : t.record;
    return html`<button
      part="record-button${active ? ' recording' : ''}"
      type="button"
      aria-label=${label}
      title=${label}
      aria-pressed=${active ? 'true' : 'false'}
      ?disabled=${disabled}
      @pointerdown=${this.#onPointerDown}
      @pointermove=${this.#onPointerMove}
      @pointerup=${this.#onPointerUp}
      @pointercancel=${() => this.cancel()}
      @click=${this.#onClick}
      @contextmenu=${(e: Event) => e.preventDefault()}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9h-2z" /></svg>
    </button>`;
  }

  /** The recording bar over the text area, and a refusal when there is one. */
  renderBar(): TemplateResult | typeof nothing {
    if (this.#state === 'idle') return this.#error ? html`<p part="record-error" role="alert">${this.#error}</p>` : nothing;
    return this.#bar?.renderRecorderBar(this.#recording?.elapsed ?? 0, this.#mode, () => this.cancel()) ?? nothing;
  }
}
