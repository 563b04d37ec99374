import { css } from 'lit';

/**
 * Design tokens and base rules every Natter element starts from. Public tokens are read once
 * into private `--_x` locals so a page can override them anywhere up the tree. Colours use
 * `light-dark()`, which follows `color-scheme`: the page's `--chat-color-scheme` (set by
 * `<chat-session theme>`), else the user's preference.
 */
export const sharedStyles = css`
  :host {
    color-scheme: var(--chat-color-scheme, light dark);
    --_accent: var(--chat-color-accent, light-dark(#4f46e5, #818cf8));
    --_on-accent: var(--chat-color-on-accent, light-dark(#ffffff, #0b0b1a));
    --_surface: var(--chat-color-surface, light-dark(#ffffff, #16171b));
    --_surface-raised: var(--chat-color-surface-raised, light-dark(#f1f3f6, #23252b));
    --_hover: var(--chat-color-hover, light-dark(rgb(0 0 0 / 0.05), rgb(255 255 255 / 0.06)));
    --_text: var(--chat-color-text, light-dark(#15171c, #e8e9ec));
    --_muted: var(--chat-color-text-muted, light-dark(#5f6672, #9aa1ad));
    --_border: var(--chat-color-border, light-dark(#e3e6eb, #31343b));
    --_danger: var(--chat-color-danger, light-dark(#c0262d, #ff7b7b));
    --_radius: var(--chat-radius, 14px);
    --_font: var(--chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_focus-ring: 2px solid var(--chat-color-focus, var(--_accent));
    box-sizing: border-box;
    font-family: var(--_font);
    color: var(--_text);
  }

  :host([hidden]) {
    display: none !important;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  :focus-visible {
    outline: var(--_focus-ring);
    outline-offset: 2px;
  }

  button {
    font: inherit;
    color: inherit;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation-duration: 0s !important;
      transition-duration: 0s !important;
      scroll-behavior: auto !important;
    }
  }
`;
