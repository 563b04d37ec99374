import { css } from 'lit';

/**
 * The progress bar and cancel button of an own file message while it uploads
 * (`upload-progress.ts`): fetched with it and adopted by the thread when it first draws one.
 */
export const uploadProgressStyles = css`
  [part~='upload'] {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin-top: 0.375rem;
  }

  [part~='progress'] {
    flex: 1;
    min-width: 6rem;
    height: 0.25rem;
    border-radius: 999px;
    background: color-mix(in srgb, var(--_progress) 25%, transparent);
    overflow: hidden;
  }

  [part~='progress-bar'] {
    height: 100%;
    width: 100%;
    background: var(--_progress);
    transform-origin: left;
    transform: scaleX(var(--_progress-value, 0));
    transition: transform 0.2s ease-out;
  }

  /* The bar fills from the start of the line. */
  [part~='progress-bar']:dir(rtl) {
    transform-origin: right;
  }

  [part~='cancel-upload-button'] {
    flex: none;
    display: grid;
    place-items: center;
    width: 1.5rem;
    height: 1.5rem;
    padding: 0;
    border: 1px solid currentColor;
    border-radius: 50%;
    background: transparent;
    font-size: 0.75rem;
    line-height: 1;
    cursor: pointer;
  }
`;
