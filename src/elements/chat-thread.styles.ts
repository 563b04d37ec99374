import { css } from 'lit';
import { sharedStyles } from './styles/shared.styles.js';
import { threadActionsStyles } from './thread/thread-actions.styles.js';
import { threadElemsStyles } from './thread/elems.styles.js';
import { threadChangesStyles } from './thread/changes/changes.styles.js';
import { linkCardStyles } from './thread/link-card.styles.js';

export const styles = [
  sharedStyles,
  css`
    :host {
      --_gap: var(--chat-thread-gap, 0.5rem);
      --_padding: var(--chat-thread-padding, 1rem);
      --_bubble-max: var(--chat-thread-bubble-max-width, min(75%, 42rem));
      --_self-bg: var(--chat-thread-self-color, var(--_accent));
      --_self-fg: var(--chat-thread-self-text-color, var(--_on-accent));
      --_other-bg: var(--chat-thread-other-color, var(--_surface-raised));
      --_avatar-size: var(--chat-avatar-size, 2rem);
      display: flex;
      flex-direction: column;
      position: relative;
      min-height: 0;
      background: var(--_surface);
    }

    /* The thread's title bar: the page's title (slot), a 1:1 peer's presence beside it, search at the end. */
    [part~='header'] {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      column-gap: 0.5rem;
      padding-inline-start: var(--_padding);
    }

    /* The title takes what the row has left, up to its own width: one the page lets shrink
       (min-width 0, cut with an ellipsis) keeps presence beside it and search on the row; any
       other wraps them under it rather than run over them. */
    [part~='header'] ::slotted(*) {
      flex: 1 1 0;
      max-width: max-content;
    }

    [part~='header'] > [part~='search-bar'] {
      margin-inline-start: auto;
    }

    [part~='log'] {
      flex: 1;
      min-height: 0;
      overflow-y: auto;
      overscroll-behavior: contain;
      /* The virtual list keeps the view still itself (anchor row, or the bottom). */
      overflow-anchor: none;
      display: flex;
      flex-direction: column;
    }

    /* The rendered window of rows between two spacers standing in for the rest. */
    .rows,
    .row {
      display: flex;
      flex-direction: column;
    }

    .spacer {
      flex: none;
    }

    /* A message reached by jumpTo(): a tint that fades (a still tint without motion), on the message
       only, not on a day heading above it in the same row. */
    .row[data-highlight] > [part~='message'] {
      border-radius: var(--chat-radius, 0.5rem);
      animation: chat-thread-highlight 2.4s ease-out both;
    }

    @keyframes chat-thread-highlight {
      from,
      30% {
        background: color-mix(in srgb, var(--_accent) 22%, transparent);
      }
      to {
        background: transparent;
      }
    }

    @media (prefers-reduced-motion: reduce) {
      .row[data-highlight] > [part~='message'] {
        animation: none;
        background: color-mix(in srgb, var(--_accent) 16%, transparent);
      }
    }

    /* margin-top: auto keeps a short thread at the bottom, as chat apps do. */
    .content {
      display: flex;
      flex-direction: column;
      margin-top: auto;
      padding: var(--_padding);
    }

    [part~='log']:focus-visible {
      outline-offset: -2px;
    }

    .note {
      margin: auto 0;
      padding: 2rem 1rem;
      text-align: center;
      color: var(--_muted);
      font-size: 0.875rem;
    }

    [part~='load-older-button'],
    [part~='jump-button'] {
      align-self: center;
      margin-block: 0 var(--_gap);
      padding: 0.375rem 0.875rem;
      border: 1px solid var(--_border);
      border-radius: 999px;
      background: var(--_surface);
      color: var(--_muted);
      font-size: 0.8125rem;
      cursor: pointer;
    }

    [part~='load-older-button']:hover,
    [part~='jump-button']:hover {
      color: var(--_text);
      background: var(--_hover);
    }

    [part~='load-older-button'][aria-busy='true'] {
      cursor: progress;
    }

    .beginning {
      align-self: center;
      margin: 0 0 var(--_gap);
      color: var(--_muted);
      font-size: 0.75rem;
    }

    [part~='jump-button'] {
      position: absolute;
      bottom: 0.75rem;
      left: 50%;
      translate: -50% 0;
      margin: 0;
      color: var(--_on-accent);
      background: var(--_accent);
      border-color: transparent;
      box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
    }

    [part~='day'] {
      align-self: center;
      margin-block: calc(var(--_gap) * 2) var(--_gap);
      padding: 0.125rem 0.625rem;
      border-radius: 999px;
      background: var(--_surface-raised);
      color: var(--_muted);
      font-size: 0.75rem;
    }

    [part~='message'] {
      display: flex;
      align-items: flex-start;
      gap: 0.5rem;
      margin-top: var(--_gap);
    }

    [part~='message'].continued {
      margin-top: 2px;
    }

    [part~='message'].self {
      flex-direction: row-reverse;
    }

    [part~='avatar'],
    .avatar-space {
      flex: none;
      width: var(--_avatar-size);
      height: var(--_avatar-size);
    }

    [part~='avatar'] {
      display: grid;
      place-items: center;
      border-radius: 50%;
      object-fit: cover;
      font-size: 0.75rem;
      font-weight: 600;
      color: #fff;
      /* Dark enough for white initials (4.5:1) at every hue, yellow included. */
      background: oklch(0.5 0.1 var(--_hue, 265));
    }

    /* A sender's picture and name open their profile card: buttons that look like what they hold. */
    [part~='avatar-button'],
    [part~='sender-button'] {
      min-height: 0;
      padding: 0;
      border: 0;
      background: none;
      color: inherit;
      font: inherit;
      text-align: start;
      cursor: pointer;
    }

    [part~='avatar-button'] {
      flex: none;
      border-radius: 50%;
    }

    [part~='sender-button']:hover {
      text-decoration: underline;
    }

    .body {
      display: flex;
      flex-direction: column;
      align-items: flex-start;
      max-width: var(--_bubble-max);
      min-width: 0;
    }

    .self .body {
      align-items: flex-end;
    }

    /* User-supplied text is bidi-isolated: an override character cannot reorder what follows. */
    [part~='sender'],
    [part~='bubble'] {
      unicode-bidi: isolate;
    }

    /* A name is user-supplied too: one long word must not widen the thread. */
    [part~='sender'] {
      max-width: 100%;
      overflow-wrap: anywhere;
      margin: 0 0 2px;
      margin-inline-start: 0.75rem;
      font-size: 0.75rem;
      font-weight: 600;
      color: var(--_muted);
    }

    /* A code block scrolls sideways inside its bubble; the bubble never grows past its column. */
    [part~='bubble'] {
      max-width: 100%;
      box-sizing: border-box;
      padding: 0.5rem 0.75rem;
      border-radius: var(--_radius);
      background: var(--_other-bg);
      color: var(--_text);
      line-height: 1.4;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }

    .self [part~='bubble'] {
      background: var(--_self-bg);
      color: var(--_self-fg);
    }

    .other:not(.continued) [part~='bubble'] {
      border-start-start-radius: 4px;
    }

    .self:not(.continued) [part~='bubble'] {
      border-start-end-radius: 4px;
    }

    .sending [part~='bubble'],
    .waiting [part~='bubble'] {
      opacity: 0.7;
    }

    [part~='status'].waiting {
      display: inline-flex;
      align-items: center;
    }

    [part~='waiting-notice'] {
      margin: 0;
      padding: 0.375rem var(--_padding);
      border-top: 1px solid var(--_border);
      color: var(--_muted);
      font-size: 0.8125rem;
      text-align: center;
    }

    .failed [part~='bubble'] {
      outline: 1px solid var(--_danger);
      outline-offset: 1px;
    }

    .fallback {
      font-style: italic;
    }

    [part~='bubble'] a {
      color: inherit;
      text-decoration: underline;
      text-underline-offset: 2px;
    }

    .meta {
      display: flex;
      gap: 0.375rem;
      margin: 2px 0.25rem 0;
      font-size: 0.6875rem;
      color: var(--_muted);
    }

    [part~='failure'] {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: flex-end;
      gap: 0.25rem 0.5rem;
      /* Leaves the small menu button above its 24px of clear space (WCAG 2.5.8). */
      margin-top: 0.5rem;
      font-size: 0.8125rem;
    }

    [part~='error'] {
      /* A line of its own over the buttons, there before its sentence comes (thread/failure.ts, errorLine). */
      flex-basis: 100%;
      color: var(--_danger);
    }

    [part~='resend-button'],
    [part~='edit-text-button'],
    [part~='copy-text-button'],
    [part~='discard-button'] {
      padding: 0.125rem 0.625rem;
      border-radius: 999px;
      border: 1px solid currentColor;
      background: transparent;
      cursor: pointer;
      font-size: 0.8125rem;
    }

    [part~='status'].read,
    [part~='resend-button'],
    [part~='edit-text-button'],
    [part~='copy-text-button'] {
      color: var(--_accent);
    }

    .meta:empty,
    [part~='copy-text-button']:not([data-copied]) .copied,
    [part~='copy-text-button'][data-copied] .copy {
      display: none;
    }

    [part~='discard-button'] {
      color: var(--_muted);
    }

    [part~='resend-button']:hover,
    [part~='edit-text-button']:hover,
    [part~='copy-text-button']:hover,
    [part~='discard-button']:hover {
      background: var(--_hover);
    }

    [part~='message'].system {
      justify-content: center;
    }

    .system [part~='bubble'] {
      padding: 0.25rem 0.75rem;
      border-radius: 999px;
      background: transparent;
      color: var(--_muted);
      font-size: 0.8125rem;
      text-align: center;
    }
  `,
  threadActionsStyles,
  threadElemsStyles,
  threadChangesStyles,
  linkCardStyles,
];
