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
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.25);
  }

  [part~='report-dialog']::backdrop {
    background: rgb(0 0 0 / 0.4);
  }

  [part~='report-title'] {
    margin: 0 0 0.75rem;
    font-size: 1.125rem;
  }

  [part~='report-reasons'],
  [part~='report-dialog'] .note {
    display: grid;
    gap: 0.375rem;
    margin: 0 0 0.75rem;
    padding: 0;
    border: 0;
  }

  [part~='report-note'] {
    padding: 0.5rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    background: inherit;
    color: inherit;
    font: inherit;
  }

  [part~='report-error'] {
    color: var(--_danger);
  }

  [part~='report-dialog'] p:empty {
    display: none;
  }

  [part~='report-dialog'] .buttons {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
  }

  [part~='report-dialog'] button {
    padding: 0.375rem 0.875rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: none;
    color: inherit;
    font: inherit;
    cursor: pointer;
  }

  [part~='report-dialog'] button:not([part~='report-cancel-button']) {
    border-color: transparent;
    background: var(--_accent);
    color: var(--_on-accent);
  }

  [part~='report-send-button']:disabled {
    opacity: 0.6;
  }
`;
