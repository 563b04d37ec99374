import { html, type TemplateResult } from 'lit';
import { formatDuration } from '../format.js';
import { voiceBarStrings } from '../i18n/voice-bar.js';
import type { Recording, RecordRefusal } from './voice-recorder.js';
// The recording code and what a recording that went wrong says come with the bar: the button
// fetches this one module on its first press.
export { Recording } from './voice-recorder.js';
export { voiceBarStrings } from '../i18n/voice-bar.js';
export { voiceBarStyles } from './voice-bar.styles.js';

/**
 * The composer's recording bar, fetched with the recording code on the microphone's first press
 * (`./voice-button.ts` awaits it before it asks for the microphone, so the bar is there while the
 * browser asks): the time, the level meter (moved by the button every frame), the hint and ×.
 */
export function renderRecorderBar(elapsed: number, mode: 'hold' | 'toggle', cancel: () => void): TemplateResult {
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
export function follow(recording: Recording, root: HTMLElement | DocumentFragment | undefined, tick: () => void): () => void {
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
export function refusalText(reason: RecordRefusal): string | undefined {
  const t = voiceBarStrings();
  return reason === 'denied' ? t.denied : reason === 'no-microphone' ? t.noMicrophone : undefined;
}
