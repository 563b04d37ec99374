import { css } from 'lit';
import { sharedStyles } from './styles/shared.styles.js';

export const styles = [
  sharedStyles,
  css`
    :host {
      display: contents;
    }

    [part~='dialog'] {
      box-sizing: border-box;
      width: 100vw;
      max-width: 100vw;
      height: 100vh;
      max-height: 100vh;
      margin: 0;
      padding: 0;
      border: 0;
      background: transparent;
      color: #fff;
      font-family: var(--_font);
    }

    [part~='dialog'][open] {
      display: grid;
      grid-template-rows: 1fr auto;
    }

    [part~='dialog']::backdrop {
      background: var(--chat-media-viewer-backdrop, rgb(0 0 0 / 0.85));
    }

    [part~='stage'] {
      display: grid;
      place-items: center;
      min-height: 0;
      overflow: hidden;
      padding: 1rem;
    }

    [part~='stage'].zoomed {
      place-items: start;
      overflow: auto;
    }

    [part~='image'],
    [part~='video'] {
      max-width: 100%;
      max-height: 100%;
      width: auto;
      height: auto;
      object-fit: contain;
    }

    .zoomed [part~='image'] {
      max-width: none;
      max-height: none;
      height: auto;
    }

    [part~='toolbar'] {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: center;
      gap: 0.5rem;
      padding: 0.5rem 1rem 1rem;
    }

    [part~='toolbar'] button,
    [part~='download-link'] {
      display: inline-grid;
      place-items: center;
      min-width: 2.5rem;
      height: 2.5rem;
      padding: 0 0.5rem;
      border: 1px solid rgb(255 255 255 / 0.35);
      border-radius: 999px;
      background: rgb(0 0 0 / 0.55);
      color: #fff;
      font: inherit;
      font-size: 1.25rem;
      line-height: 1;
      text-decoration: none;
      cursor: pointer;
    }

    [part~='toolbar'] button:disabled {
      opacity: 0.4;
      cursor: default;
    }

    [part~='toolbar'] :focus-visible {
      outline: 2px solid #fff;
      outline-offset: 2px;
    }

    [part~='counter'] {
      min-width: 4rem;
      text-align: center;
      font-size: 0.875rem;
      font-variant-numeric: tabular-nums;
    }

    :host(:dir(rtl)) [part~='previous-button'],
    :host(:dir(rtl)) [part~='next-button'] {
      transform: scaleX(-1);
    }
  `,
];
