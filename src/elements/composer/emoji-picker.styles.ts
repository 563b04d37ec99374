import { css } from 'lit';

/**
 * The emoji picker's own look (`./emoji-picker.ts`), shared by `<message-composer>` and the
 * reaction picker of `<chat-thread>`; each host places the popover. Option selectors stay inside
 * the picker, so a host's own `emoji` or `sticker` parts (the thread's face messages) keep theirs.
 * The picker puts them in its host's shadow root when it is created (it loads on first use).
 */
export const emojiPickerStyles = css`
    [part~='emoji-picker'] {
      display: flex;
      flex-direction: column;
      gap: 0.375rem;
      padding: 0.5rem;
    }

    [part~='emoji-search'] {
      width: 100%;
      padding: 0.375rem 0.625rem;
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) - 4px);
      background: var(--_input-bg);
      color: var(--_text);
      font: inherit;
    }

    [part~='emoji-search']:focus-visible {
      outline: none;
      border-color: var(--_accent);
      box-shadow: 0 0 0 1px var(--_accent);
    }

    [part~='emoji-tabs'] {
      display: flex;
      gap: 0.125rem;
      overflow-x: auto;
      border-bottom: 1px solid var(--_border);
      padding-bottom: 0.25rem;
    }

    [part~='emoji-tab'] {
      flex: 1 0 auto;
      min-width: 2rem;
      height: 2rem;
      padding: 0;
      border: 0;
      border-radius: calc(var(--_radius) - 6px);
      background: transparent;
      font-size: 1.125rem;
      line-height: 1;
      cursor: pointer;
      opacity: 0.6;
    }

    [part~='emoji-tab']:hover {
      background: var(--_hover);
      opacity: 1;
    }

    [part~='emoji-tab'][aria-selected='true'] {
      opacity: 1;
      box-shadow: inset 0 -2px 0 var(--_accent);
    }

    [part~='emoji-tab'] img {
      width: 1.25rem;
      height: 1.25rem;
      object-fit: contain;
      vertical-align: middle;
    }

    [part~='emoji-grid'] {
      display: grid;
      grid-template-columns: repeat(var(--_columns, 8), 1fr);
      gap: 0.125rem;
      max-height: 13.5rem;
      overflow-y: auto;
      overscroll-behavior: contain;
      border-radius: calc(var(--_radius) - 6px);
    }

    [part~='emoji-grid']:focus-visible {
      outline: none;
    }

    [part~='emoji-picker'] [part~='emoji'],
    [part~='emoji-picker'] [part~='sticker'] {
      display: grid;
      place-items: center;
      aspect-ratio: 1;
      border-radius: calc(var(--_radius) - 6px);
      cursor: pointer;
      user-select: none;
    }

    [part~='emoji-picker'] [part~='emoji'] {
      font-size: var(--_emoji-size);
      line-height: 1;
    }

    [part~='emoji-picker'] [part~='sticker'] img {
      width: 85%;
      height: 85%;
      object-fit: contain;
    }

    [part~='emoji-picker'] [part~='emoji']:hover,
    [part~='emoji-picker'] [part~='sticker']:hover,
    [part~='emoji-picker'] [part~='emoji'][part~='active'],
    [part~='emoji-picker'] [part~='sticker'][part~='active'] {
      background: var(--_hover);
    }

    /* The grid keeps focus; its active option carries the visible focus ring. */
    [part~='emoji-grid']:focus-visible [part~='active'] {
      outline: var(--_focus-ring);
      outline-offset: -2px;
    }

    [part~='emoji-status'] {
      margin: 0;
      padding: 1rem 0.5rem;
      color: var(--_muted);
      font-size: 0.875rem;
      text-align: center;
    }

    @media (forced-colors: active) {
      [part~='emoji-picker'] [part~='emoji'][part~='active'],
      [part~='emoji-picker'] [part~='sticker'][part~='active'] {
        outline: 2px solid Highlight;
      }
    }
`;
