import { css } from 'lit';
import { sharedStyles } from './styles/shared.styles.js';

export const styles = [
  sharedStyles,
  css`
    :host {
      --_width: var(--chat-widget-width, 380px);
      --_height: var(--chat-widget-height, 600px);
      --_x: var(--chat-widget-offset-x, 1.25rem);
      --_y: var(--chat-widget-offset-y, 1.25rem);
      --_launcher: var(--chat-widget-launcher-size, 3.5rem);
      position: fixed;
      /* Logical by default: the bottom corner at the end of the line (right in LTR, left in RTL). */
      inset-block: auto var(--_y);
      inset-inline: auto var(--_x);
      z-index: var(--chat-widget-z-index, 2147483000);
      display: block;
      /* The host page's font size and line height must not leak in. */
      font-size: 1rem;
      line-height: 1.4;
    }

    :host([position='bottom-start']) {
      inset-inline: var(--_x) auto;
    }

    /* The physical corners stay put whatever the page's direction. */
    :host([position='bottom-right']) {
      inset-inline: auto;
      right: var(--_x);
    }

    :host([position='bottom-left']) {
      inset-inline: auto;
      left: var(--_x);
    }

    /* The scheme is handed down as a custom property: it crosses every shadow root below. */
    :host([theme='light']) {
      --chat-color-scheme: light;
    }

    :host([theme='dark']) {
      --chat-color-scheme: dark;
    }

    [part~='launcher'] {
      position: relative;
      display: grid;
      place-items: center;
      width: var(--_launcher);
      height: var(--_launcher);
      margin: 0;
      padding: 0;
      border: 0;
      border-radius: 50%;
      background: var(--_accent);
      color: var(--_on-accent);
      box-shadow: 0 6px 20px rgb(0 0 0 / 0.25);
      cursor: pointer;
      transition: transform 0.15s ease;
    }

    [part~='launcher']:hover {
      transform: scale(1.06);
    }

    [part~='launcher'] svg {
      width: 50%;
      height: 50%;
      fill: currentColor;
    }

    [part~='badge'] {
      position: absolute;
      top: -0.25rem;
      inset-inline-end: -0.25rem;
      min-width: 1.375rem;
      height: 1.375rem;
      padding: 0 0.375rem;
      border-radius: 999px;
      background: var(--_danger);
      color: #fff;
      font-size: 0.75rem;
      font-weight: 600;
      line-height: 1.375rem;
      text-align: center;
      box-shadow: 0 0 0 2px var(--_surface);
    }

    [part~='panel'] {
      position: absolute;
      bottom: calc(var(--_launcher) + 0.75rem);
      inset-inline-end: 0;
      display: flex;
      flex-direction: column;
      width: min(var(--_width), calc(100vw - 2 * var(--_x)));
      height: min(var(--_height), calc(100dvh - var(--_launcher) - 2 * var(--_y) - 0.75rem));
      overflow: hidden;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
      box-shadow: 0 12px 40px rgb(0 0 0 / 0.28);
      container-type: inline-size;
      animation: rise 0.18s ease-out;
    }

    :host([position='bottom-start']) [part~='panel'] {
      inset-inline: 0 auto;
    }

    :host([position='bottom-right']) [part~='panel'] {
      inset-inline: auto;
      right: 0;
    }

    :host([position='bottom-left']) [part~='panel'] {
      inset-inline: auto;
      left: 0;
    }

    [part~='panel'][hidden] {
      display: none;
    }

    @keyframes rise {
      from {
        opacity: 0;
        transform: translateY(0.75rem);
      }
    }

    /* Small screens (down to 320px): the panel takes the whole viewport. */
    @media (max-width: 480px) {
      [part~='panel'] {
        position: fixed;
        inset: 0;
        width: 100%;
        height: 100%;
        height: 100dvh;
        border: 0;
        border-radius: 0;
      }

      /* The panel covers the launcher: out of Tab's way (closing shows it again). */
      :host([open]) [part~='launcher'] {
        visibility: hidden;
      }
    }

    @media (forced-colors: active) {
      [part~='launcher'],
      [part~='badge'] {
        border: 1px solid CanvasText;
      }
    }
  `,
];
