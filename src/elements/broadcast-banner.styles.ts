import { css } from 'lit';
import { sharedStyles } from './styles/shared.styles.js';

export const styles = [
  sharedStyles,
  css`
    :host {
      --_bg: var(--chat-broadcast-banner-color, color-mix(in srgb, var(--_accent) 10%, var(--_surface)));
      --_fg: var(--chat-broadcast-banner-text-color, var(--_text));
      --_edge: var(--chat-broadcast-banner-border-color, color-mix(in srgb, var(--_accent) 35%, transparent));
      --_padding: var(--chat-broadcast-banner-padding, 0.625rem 0.75rem);
      --_max-height: var(--chat-broadcast-banner-max-height, 7.5rem);
      display: block;
      container-type: inline-size;
    }

    [part~='broadcast'] {
      display: grid;
      grid-template-columns: auto minmax(0, 1fr) auto auto;
      grid-template-areas: 'icon body pager dismiss';
      align-items: start;
      gap: 0.25rem 0.625rem;
      padding: var(--_padding);
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_edge);
      border-radius: calc(var(--_radius) - 4px);
      animation: enter 180ms ease-out;
    }

    @keyframes enter {
      from {
        opacity: 0;
        transform: translateY(-0.25rem);
      }
    }

    [part~='icon'] {
      grid-area: icon;
      width: 1.25rem;
      height: 1.25rem;
      margin-block-start: 0.0625rem;
      fill: var(--_accent);
    }

    .body {
      grid-area: body;
      min-width: 0;
    }

    [part~='content'] {
      margin: 0;
      max-height: var(--_max-height);
      overflow-y: auto;
      overflow-wrap: anywhere;
      white-space: pre-wrap;
      /* The announcement's own words set its direction (see the thread's bubbles). */
      unicode-bidi: plaintext;
      line-height: 1.4;
    }

    [part~='content'] a {
      color: inherit;
      text-decoration: underline;
    }

    [part~='meta'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.375rem;
      margin: 0.125rem 0 0;
      font-size: 0.75rem;
      color: var(--_muted);
    }

    [part~='sender'] {
      font-weight: 600;
      min-width: 0;
      overflow-wrap: anywhere;
    }

    [part~='pager'] {
      grid-area: pager;
      display: flex;
      align-items: center;
      gap: 0.125rem;
      font-size: 0.75rem;
      color: var(--_muted);
      white-space: nowrap;
    }

    [part~='count'] {
      min-width: 3.5em;
      text-align: center;
      font-variant-numeric: tabular-nums;
    }

    button {
      display: inline-grid;
      place-items: center;
      min-width: 1.75rem;
      height: 1.75rem;
      padding: 0;
      border: 0;
      border-radius: 999px;
      background: none;
      cursor: pointer;
      font-size: 1.125rem;
      line-height: 1;
    }

    button:hover {
      background: var(--_hover);
    }

    [part~='dismiss-button'] {
      grid-area: dismiss;
    }

    /* ‹ and › point along the line, the speaker's sound goes out along it: mirrored in right-to-left text. */
    [part~='icon']:dir(rtl),
    [part~='previous-button']:dir(rtl),
    [part~='next-button']:dir(rtl) {
      transform: scaleX(-1);
    }

    [part~='dismiss-button'] svg {
      width: 1.125rem;
      height: 1.125rem;
      fill: currentColor;
    }

    /* Narrow hosts (a 320 px phone, a side panel): the pager moves under the text. */
    @container (max-width: 26rem) {
      [part~='broadcast'] {
        grid-template-columns: auto minmax(0, 1fr) auto;
        grid-template-areas:
          'icon body dismiss'
          'icon pager pager';
      }

      [part~='pager'] {
        justify-self: start;
        margin-inline-start: -0.375rem;
      }
    }

    @media (forced-colors: active) {
      [part~='broadcast'] {
        border-color: CanvasText;
      }
      [part~='icon'] {
        fill: CanvasText;
      }
    }
  `,
];
