import { html, nothing, type TemplateResult } from 'lit';
import { voiceStrings } from '../i18n/voice.js';
import { adoptLazyStyles } from '../styles/lazy-styles.js';
import type { VoiceDeps, VoiceHost, VoiceSession } from './voice-bar.js';

/**
 * The composer's microphone: hold to record and release to send (slide away to cancel), or press
 * (a click, Enter or Space) to start and again to send; Escape or the cancel button drops the
 * recording. While recording, a bar shows the time and the microphone's level. This is the button
 * alone: what its presses do (`VoiceSession`), the recording code (`./voice-recorder.ts`), that
 * bar, what keeps its time and level moving and what a refused microphone says come in one module
 * (`./voice-bar.ts`) on the first press, so that opening the widget does not fetch them; the
 * result goes out through `client.sendFile` as a sound message with its duration.
 */
export class VoiceButton {
  readonly #host: VoiceHost;
  readonly #deps: VoiceDeps;
  /** What presses do, once the first press fetched it. */
  #session: VoiceSession | undefined;
  /** The presses, moves and releases while it is on its way, handed to it in order once it is in. */
  #queued: Event[] | undefined;
  /** The refusal shown under the text area (the session's, or the fetch's), until the user moves on. */
  error = '';

  constructor(host: VoiceHost, deps: VoiceDeps) {
    this.#host = host;
    this.#deps = deps;
    host.addController({ hostDisconnected: () => this.cancel() });
    host.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && (this.recording || this.#queued?.length)) {
        e.preventDefault();
        e.stopPropagation();
        this.cancel();
      }
    });
  }

  get recording(): boolean {
    return this.#session?.active ?? false;
  }

  /** Forgets a shown refusal (the user moved on). */
  clearError(): void {
    if (!this.error) return;
    this.error = '';
    this.#host.requestUpdate();
  }

  /** Drops the recording, or the presses waiting for the session. */
  cancel(): void {
    this.#queued &&= [];
    this.#session?.cancel();
  }

  /** The button's pointer events and clicks; what must happen while the event is dispatched happens here. */
  #on = (e: Event) => {
    const button = e.currentTarget as HTMLElement;
    if (e.type === 'pointerdown') {
      const { button: which, pointerId } = e as PointerEvent;
      if (which !== 0 || !this.#deps.canRecord()) return;
      e.preventDefault();
      // Prevented, the press moves no focus: without this, Escape (as the hint says) would go elsewhere.
      button.focus();
      // A press that starts a recording follows the pointer when it leaves the button (a hold, slid away).
      if (!this.recording) button.setPointerCapture?.(pointerId);
    } else if (!this.#session && !this.#queued && e.type !== 'click') return;
    if (this.#session) this.#session.handle(e);
    else if (this.#queued) this.#queued.push(e);
    else void this.#load((this.#queued = [e]));
  };

  async #load(queued: Event[]): Promise<void> {
    try {
      const bar = await import('./voice-bar.js');
      // Its styles go after the composer's own sheets, where they were when they came with it.
      if (this.#host.renderRoot) adoptLazyStyles(this.#host.renderRoot, bar.voiceBarStyles, 'end');
      this.#session = new bar.VoiceSession(this.#host, this.#deps, this);
      for (const e of queued) this.#session.handle(e);
    } catch {
      // Offline before the first press, the recording code cannot be fetched: the browser cannot record here now.
      this.error = voiceStrings().unsupported;
    }
    this.#queued = undefined;
    this.#host.requestUpdate();
  }

  /** The microphone button (inside the composer's form). */
  renderButton(disabled: boolean): TemplateResult {
    const t = voiceStrings();
    const active = this.recording;
    const label = active && this.#session?.mode === 'toggle' ? t.stopAndSend : t.record;
    return html`<button
      part="record-button${active ? ' recording' : ''}"
      type="button"
      aria-label=${label}
      title=${label}
      aria-pressed=${active ? 'true' : 'false'}
      ?disabled=${disabled}
      @pointerdown=${this.#on}
      @pointermove=${this.#on}
      @pointerup=${this.#on}
      @pointercancel=${this.#on}
      @click=${this.#on}
      @contextmenu=${(e: Event) => e.preventDefault()}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9h-2z" /></svg>
    </button>`;
  }

  /** The recording bar over the text area, and a refusal when there is one. */
  renderBar(): TemplateResult | typeof nothing {
    return this.#session?.renderBar() ?? (this.error ? html`<p part="record-error" role="alert">${this.error}</p>` : nothing);
  }
}
