import { css } from 'lit';
import { sharedStyles } from './styles/shared.styles.js';

export const styles = [
  sharedStyles,
  css`
    :host {
      --_item-padding: var(--chat-conversation-list-item-padding, 0.625rem 0.75rem);
      --_gap: var(--chat-conversation-list-gap, 2px);
      --_avatar-size: var(--chat-avatar-size, 2.5rem);
      --_selected: var(--chat-conversation-list-selected-color, color-mix(in srgb, var(--_accent) 14%, transparent));
      display: block;
      overflow-y: auto;
      background: var(--_surface);
    }

    /* New group, Contacts and the search toggle share one row (an open search takes its own under them). */
    .tools {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
      padding-block-start: 0.25rem;
      padding-inline-start: 0.75rem;
    }

    .tools > [part~='search-bar'] {
      flex: 1;
    }

    [part~='new-group-button'],
    [part~='contacts-button'] {
      padding: 0.375rem 0.875rem;
      border: 1px solid var(--_border);
      border-radius: 999px;
      background: transparent;
      cursor: pointer;
    }

    .name .muted {
      color: var(--_muted);
      font-weight: normal;
    }

    [part~='new-group-button']:hover,
    [part~='contacts-button']:hover {
      background: var(--_hover);
    }

    [role='listbox'] {
      display: flex;
      flex-direction: column;
      gap: var(--_gap);
      margin: 0;
      padding: 0.375rem;
      list-style: none;
    }

    [part~='item'] {
      display: grid;
      grid-template-columns: var(--_avatar-size) 1fr auto;
      grid-template-rows: auto auto;
      column-gap: 0.75rem;
      align-items: center;
      padding: var(--_item-padding);
      border-radius: calc(var(--_radius) - 4px);
      cursor: pointer;
      user-select: none;
      transition: background-color 120ms ease;
    }

    [part~='item']:hover {
      background: var(--_hover);
    }

    [part~='item'][aria-selected='true'] {
      background: var(--_selected);
    }

    [part~='item']:focus-visible {
      outline-offset: -2px;
    }

    /* Over the avatar's corner (same grid area); ringed in the list's colour so it reads on any picture. */
    [part~='presence-dot'] {
      grid-column: 1;
      grid-row: 1 / span 2;
      align-self: end;
      justify-self: end;
      width: 0.75rem;
      height: 0.75rem;
      border: 2px solid var(--_surface);
      border-radius: 50%;
      background: var(--chat-presence-online-color, light-dark(#15803d, #4ade80));
      z-index: 1;
    }

    [part~='avatar'] {
      grid-column: 1;
      grid-row: 1 / span 2;
      display: grid;
      place-items: center;
      width: var(--_avatar-size);
      height: var(--_avatar-size);
      border-radius: 50%;
      object-fit: cover;
      font-size: 0.875rem;
      font-weight: 600;
      color: #fff;
      /* A fixed OKLCH lightness keeps white initials at 5:1 or better on every hue. */
      background: oklch(0.5 0.1 var(--_hue, 265));
    }

    .name,
    .preview {
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }

    .name {
      font-weight: 600;
      unicode-bidi: isolate;
    }

    .mention,
    [part~='draft'] {
      color: var(--_accent);
    }

    [part~='draft'] {
      font-weight: 600;
    }

    .time {
      font-size: 0.75rem;
      color: var(--_muted);
      justify-self: end;
    }

    .preview {
      font-size: 0.875rem;
      color: var(--_muted);
    }

    [part~='preview-status'] {
      vertical-align: -1px;
    }

    [part~='preview-status'][part~='failed'] {
      color: var(--_danger);
      font-weight: 600;
    }

    .unread .preview {
      color: var(--_text);
    }

    [part~='unread-badge'] {
      justify-self: end;
      min-width: 1.25rem;
      height: 1.25rem;
      padding: 0 0.375rem;
      border-radius: 999px;
      font-size: 0.75rem;
      font-weight: 700;
      line-height: 1.25rem;
      text-align: center;
      color: var(--_on-accent);
      background: var(--_accent);
    }

    /* A muted conversation still counts unread, quietly (SPEC §10). */
    [part~='unread-badge'][part~='muted'] {
      color: var(--_text);
      background: var(--_border);
    }

    .muted.unread .preview {
      color: var(--_muted);
    }

    [part~='muted-icon'] {
      width: 0.875rem;
      height: 0.875rem;
      vertical-align: -0.125rem;
      fill: var(--_muted);
    }

    .empty {
      padding: 1.5rem 1rem;
      text-align: center;
      color: var(--_muted);
      font-size: 0.875rem;
    }
  `,
];
