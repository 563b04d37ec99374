import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.js';

export const styles = [
  sharedStyles,
  css`
    :host {
      --_match: var(--chat-search-match-color, color-mix(in srgb, var(--_accent) 22%, transparent));
      --_max-height: var(--chat-search-max-height, 20rem);
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
      background: var(--_surface);
    }

    .field {
      display: flex;
      gap: 0.25rem;
    }

    [part~='input'] {
      flex: 1;
      min-width: 0;
      width: 100%;
      padding: 0.5rem 0.75rem;
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) - 4px);
      background: var(--_surface-raised);
      color: var(--_text);
      font: inherit;
      /* A query longer than a phone's field ends in "…" once focus leaves it. */
      text-overflow: ellipsis;
    }

    [part~='filters-button'] {
      flex: none;
      display: grid;
      place-items: center;
      width: 2.25rem;
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) - 4px);
      background: transparent;
      color: var(--_muted);
      cursor: pointer;
    }

    [part~='filters-button'][aria-expanded='true'],
    [part~='on'] {
      color: var(--_accent);
    }

    [part~='filters-button'] svg {
      width: 1.125rem;
      height: 1.125rem;
      fill: none;
      stroke: currentColor;
      stroke-width: 2;
      stroke-linejoin: round;
    }

    [part~='filters'] {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.375rem 0.5rem;
      padding: 0.25rem;
      font-size: 0.8125rem;
    }

    [part~='filter'] {
      display: flex;
      flex-direction: column;
      gap: 0.125rem;
      flex: 1 1 7rem;
      min-width: 0;
      color: var(--_muted);
    }

    [part~='filter'] select,
    [part~='filter'] input {
      min-width: 0;
      padding: 0.25rem 0.375rem;
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) - 6px);
      background: var(--_surface-raised);
      color: var(--_text);
      font: inherit;
    }

    [part~='status'] {
      margin: 0;
      padding: 0 0.25rem;
      color: var(--_muted);
      font-size: 0.8125rem;
    }

    [part~='filters'][hidden],
    [part~='status']:empty,
    [part~='results'][hidden] {
      display: none;
    }

    [part~='results'] {
      max-height: var(--_max-height);
      overflow-y: auto;
      display: flex;
      flex-direction: column;
      gap: 2px;
    }

    [part~='result'] {
      display: flex;
      flex-direction: column;
      gap: 0.125rem;
      padding: 0.5rem 0.625rem;
      border-radius: calc(var(--_radius) - 6px);
      cursor: pointer;
    }

    [part~='result']:hover {
      background: var(--_hover);
    }

    [part~='active'] {
      background: var(--_hover);
      outline: var(--_focus-ring);
      outline-offset: -2px;
    }

    .meta {
      display: flex;
      gap: 0.5rem;
      font-size: 0.8125rem;
      color: var(--_muted);
    }

    [part~='result-sender'] {
      font-weight: 600;
      color: var(--_text);
    }

    [part~='result-time'] {
      margin-inline-start: auto;
    }

    [part~='snippet'] {
      overflow-wrap: anywhere;
    }

    [part~='result-thumbnail'] {
      align-self: start;
      width: 3rem;
      height: 3rem;
      object-fit: cover;
      border-radius: 4px;
    }

    [part~='match'] {
      background: var(--_match);
      color: inherit;
      border-radius: 2px;
    }

    [part~='more-button'],
    [part~='clear-filters-button'] {
      align-self: center;
      padding: 0.25rem 0.75rem;
      border: 1px solid var(--_border);
      border-radius: 999px;
      background: transparent;
      cursor: pointer;
    }

    @media (forced-colors: active) {
      [part~='match'] {
        background: Mark;
        color: MarkText;
      }
    }
  `,
];
