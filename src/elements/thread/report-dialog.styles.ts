import { css } from 'lit';

/** The thread's "Report" dialog (report-dialog.ts): a small modal in the thread's own tokens. */
export const reportDialogStyles = css`
  [part~='report-dialog'] {
    width: min(24rem, 100vw - 2rem);
    padding: 1rem 1.25rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    font-family: var(--_font);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.25);
  }

  [part~='report-dialog']::backdrop {
    background: rgb(0 0 0 / 0.4);
  }

  [part~='report-title'] {
    margin: 0 0 0.75rem;
    font-size: 1.125rem;
  }

  [part~='report-reasons'] {
    display: grid;
    gap: 0.375rem;
    margin: 0 0 0.75rem;
    padding: 0;
    border: 0;
  }

  [part~='report-reasons'] legend {
    margin-bottom: 0.375rem;
    padding: 0;
    font-size: 0.875rem;
  }

  [part~='report-reason'] {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    cursor: pointer;
  }

  [part~='report-dialog'] .note {
    display: grid;
    gap: 0.25rem;
    color: var(--_muted);
    font-size: 0.8125rem;
  }

  [part~='report-note'] {
    padding: 0.5rem 0.625rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
    resize: vertical;
  }

  [part~='report-status'],
  [part~='report-error'] {
    margin: 0.5rem 0 0;
    font-size: 0.875rem;
  }

  [part~='report-status']:empty,
  [part~='report-error']:empty {
    display: none;
  }

  [part~='report-error'] {
    color: var(--_danger);
  }

  [part~='report-dialog'] .buttons {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 0.75rem;
  }

  [part~='report-dialog'] .buttons button {
    padding: 0.375rem 0.875rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: transparent;
    color: inherit;
    font: inherit;
    cursor: pointer;
  }

  [part~='report-dialog'] .buttons [part~='report-send-button'],
  [part~='report-dialog'] .buttons [part~='report-close-button'] {
    border-color: transparent;
    background: var(--_accent);
    color: var(--_on-accent);
  }

  [part~='report-send-button']:disabled {
    opacity: 0.6;
    cursor: progress;
  }
`;
