import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { formatDuration } from '../format.js';
import { voiceBarStrings } from '../i18n/voice-bar.js';
import { voiceStrings } from '../i18n/voice.js';
import { Recording, type RecordRefusal } from './voice-recorder.js';
// The recording code, what drives it and what a recording that went wrong says come with the bar:
// the button fetches this one module on its first press.
export { voiceBarStyles } from './voice-bar.styles.js';

export interface VoiceDeps {
  /** Whether recording may start (a client and a conversation, not disabled). */
  canRecord(): boolean;
  /** Sends a finished recording. */
  send(blob: Blob, duration: number): void;
}

export type VoiceHost = ReactiveControllerHost & HTMLElement & { renderRoot?: HTMLElement | DocumentFragment };

/** Held shorter than this, a press starts a recording that a second press sends (as a keyboard does). */
const TAP_MS = 300;
/** A pointer this far from where it went down cancels a held recording. */
const SLIDE_CANCEL_PX = 80;
/** Shorter recordings are dropped (a slip of the finger). */
const MIN_SECONDS = 0.5;
/** Longer ones are sent at this length. */
const MAX_SECONDS = 300;

/**
 * What the microphone's presses do (`./voice-button.ts` hands it the button's events, those of the
 * first press once this module is in): a press held longer than a tap records until released, a
 * tap or a click starts a recording the next press sends, a slide away or Escape drops it.
 * Durations come from the events' time stamps, so that a press replayed after the fetch counts
 * as long as it was held.
 */
export class VoiceSession {
  readonly #host: VoiceHost;
  readonly #deps: VoiceDeps;
  /** Where the refusal to show goes (the button renders it). */
  readonly #shown: { error: string };
  #state: 'idle' | 'starting' | 'recording' = 'idle';
  mode: 'hold' | 'toggle' = 'toggle';
  #recording: Recording | undefined;
  #down: { x: number; y: number; at: number } | undefined;
  /** The click that follows a pointer press was already handled by it. */
  #pointerHandled = false;
  /** Cancelled while the microphone was being asked for. */
  #cancelled = false;
  /** Stops the ticker and the level meter of the recording under way. */
  #unfollow: (() => void) | undefined;

  constructor(host: VoiceHost, deps: VoiceDeps, shown: { error: string }) {
    this.#host = host;
    this.#deps = deps;
    this.#shown = shown;
  }

  get active(): boolean {
    return this.#state !== 'idle';
  }

  /** One of the button's events (a press already passed the button's checks, its focus and capture). */
  handle(e: Event): void {
    const p = e as PointerEvent;
    if (e.type === 'pointerdown') {
      this.#pointerHandled = true;
      if (this.#state === 'recording' && this.mode === 'toggle') return void this.finish();
      if (this.#state !== 'idle') return;
      this.#down = { x: p.clientX, y: p.clientY, at: e.timeStamp };
      void this.start('hold');
    } else if (e.type === 'pointermove') {
      if (this.#down && this.mode === 'hold' && Math.hypot(p.clientX - this.#down.x, p.clientY - this.#down.y) > SLIDE_CANCEL_PX) this.cancel();
    } else if (e.type === 'pointerup') {
      const down = this.#down;
      this.#down = undefined;
      if (!down || this.mode !== 'hold' || this.#state === 'idle') return;
      // A tap: keep recording until the next press.
      if (e.timeStamp - down.at < TAP_MS) {
        this.mode = 'toggle';
        this.#host.requestUpdate();
        return;
      }
      void this.finish();
    } else if (e.type === 'pointercancel') this.cancel();
    else if (this.#pointerHandled) {
      // The click that follows a pointer press, handled above.
      this.#pointerHandled = false;
    } else if (this.#state === 'idle') void this.start('toggle');
    // A click from the keyboard (or a pointer-less activation).
    else if (this.#state === 'recording') void this.finish();
  }

  /** Asks for the microphone and starts recording. */
  async start(mode: 'hold' | 'toggle'): Promise<void> {
    if (this.#state !== 'idle' || !this.#deps.canRecord()) return;
    this.#state = 'starting';
    this.mode = mode;
    this.#shown.error = '';
    this.#cancelled = false;
    // The bar shows before the browser asks for the microphone.
    this.#host.requestUpdate();
    try {
      const recording = await Recording.start();
      if (this.#cancelled) return recording.cancel();
      this.#recording = recording;
      this.#state = 'recording';
      this.#unfollow = follow(recording, this.#host.renderRoot, () => {
        if (recording.elapsed >= MAX_SECONDS) void this.finish();
        this.#host.requestUpdate();
      });
    } catch (error) {
      this.#state = 'idle';
      const reason: RecordRefusal = (error as { reason?: RecordRefusal }).reason ?? 'unsupported';
      this.#shown.error = refusalText(reason) ?? voiceStrings().unsupported;
    }
    this.#host.requestUpdate();
  }

  /** Stops and sends (a recording under half a second is dropped with a note). */
  async finish(): Promise<void> {
    const recording = this.#recording;
    if (!recording) return this.cancel();
    this.#reset();
    const { blob, duration } = await recording.stop();
    if (duration < MIN_SECONDS || blob.size === 0) this.#shown.error = voiceBarStrings().tooShort;
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

  /** The recording bar while recording (or while the browser asks for the microphone); nothing when idle. */
  renderBar(): TemplateResult | undefined {
    return this.#state === 'idle' ? undefined : renderRecorderBar(this.#recording?.elapsed ?? 0, this.mode, () => this.cancel());
  }
}

/**
 * The composer's recording bar, shown from the microphone's first press (the session shows it
 * before it asks for the microphone, so the bar is there while the browser asks): the time, the
 * level meter (moved every frame by {@link follow}), the hint and ×.
 */
function renderRecorderBar(elapsed: number, mode: 'hold' | 'toggle', cancel: () => void): TemplateResult {
  const t = voiceBarStrings();
  const time = formatDuration(Math.floor(elapsed));
  return html`<div part="recorder" role="group" aria-label=${t.recording(time)}>
    <button part="cancel-recording-button" type="button" aria-label=${t.cancel} title=${t.cancel} @click=${cancel}>×</button>
    <span part="recording-dot" aria-hidden="true"></span>
    <span part="recorder-time" role="timer">${time}</span>
    <span part="level-meter" role="meter" aria-label=${t.level} aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"></span>
    <span part="recorder-hint">${mode === 'hold' ? t.holdHint : t.toggleHint}</span>
  </div>`;
}

/**
 * Follows a recording under way: `tick` every 250 ms (the time shown, the length cap) and the
 * level meter in `root` every frame, without re-rendering the composer. Returns what stops both.
 */
function follow(recording: Recording, root: HTMLElement | DocumentFragment | undefined, tick: () => void): () => void {
  const ticker = setInterval(tick, 250);
  let frame = 0;
  const meter = () => {
    const bar = root?.querySelector<HTMLElement>('[part~="level-meter"]');
    if (bar) {
      const level = recording.level();
      bar.style.setProperty('--_level', level.toFixed(3));
      bar.setAttribute('aria-valuenow', String(Math.round(level * 100)));
    }
    frame = requestAnimationFrame(meter);
  };
  meter();
  return () => {
    clearInterval(ticker);
    cancelAnimationFrame(frame);
  };
}

/** What a refused microphone says (undefined: the browser cannot record, which the button says). */
function refusalText(reason: RecordRefusal): string | undefined {
  const t = voiceBarStrings();
  return reason === 'denied' ? t.denied : reason === 'no-microphone' ? t.noMicrophone : undefined;
}
