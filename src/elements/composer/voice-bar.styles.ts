import { css } from 'lit';

/**
 * The composer's recording bar (`voice-bar.ts`): fetched with it on the microphone's first press and
 * adopted after the composer's own sheets (its × is drawn by the composer's rule for the preview bar's).
 */
export const voiceBarStyles = css`
  [part~='recorder'] {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0 0.25rem 0.5rem;
    padding: 0.375rem 0.625rem;
    border-radius: var(--_radius);
    background: var(--_surface-raised);
    font-size: 0.875rem;
  }

  [part~='recording-dot'] {
    width: 0.625rem;
    height: 0.625rem;
    border-radius: 50%;
    background: var(--_danger);
    animation: natter-rec-blink 1s steps(2, jump-none) infinite;
  }

  @keyframes natter-rec-blink {
    to {
      opacity: 0.3;
    }
  }

  [part~='recorder-time'] {
    font-variant-numeric: tabular-nums;
    min-width: 2.5rem;
  }

  /* The level: a bar filled to --_level (0–1), set every frame while recording. */
  [part~='level-meter'] {
    flex: 0 1 5rem;
    height: 0.375rem;
    border-radius: 999px;
    background: linear-gradient(to right, var(--_accent) calc(var(--_level, 0) * 100%), color-mix(in srgb, var(--_muted) 30%, transparent) 0);
  }

  :host(:dir(rtl)) [part~='level-meter'] {
    background: linear-gradient(to left, var(--_accent) calc(var(--_level, 0) * 100%), color-mix(in srgb, var(--_muted) 30%, transparent) 0);
  }

  [part~='recorder-hint'] {
    flex: 1 1 auto;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-size: 0.75rem;
    color: var(--_muted);
  }
`;
