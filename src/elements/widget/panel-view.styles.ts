import { css } from 'lit';

/**
 * The styles of what `<chat-widget>` shows in its open panel once the panel's chunk is in
 * (`./panel-view.ts`): the header (back button, title, close button) and the two panes. The
 * widget adopts them beside its own (launcher, badge, the panel's frame) when the chunk loads.
 */
export const panelStyles = css`
  [part~='header'] {
    display: flex;
    align-items: center;
    gap: 0.25rem;
    min-height: 3rem;
    padding: 0.25rem 0.5rem;
    border-bottom: 1px solid var(--_border);
    background: var(--_surface-raised);
  }

  [part~='title'] {
    flex: 1;
    min-width: 0;
    margin: 0 0.25rem;
    overflow: hidden;
    font-size: 1rem;
    font-weight: 600;
    white-space: nowrap;
    text-overflow: ellipsis;
  }

  .title-wide {
    display: none;
  }

  [part~='back-button'],
  [part~='mute-button'],
  [part~='dnd-button'],
  [part~='close-button'] {
    display: grid;
    place-items: center;
    width: 2.25rem;
    height: 2.25rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    font-size: 1.5rem;
    line-height: 1;
    cursor: pointer;
  }

  /* The back arrow points to where the list is: the start of the line. */
  [part~='back-button']:dir(rtl) {
    transform: scaleX(-1);
  }

  /* A narrow panel showing the list has no open conversation to mute. */
  @container (max-width: 599.98px) {
    [part~='header']:not(.in-thread) [part~='mute-button'] {
      display: none;
    }
  }

  [part~='mute-button'] svg,
  [part~='dnd-button'] svg {
    width: 1.25rem;
    height: 1.25rem;
    fill: var(--_muted);
  }

  [part~='mute-button'][aria-pressed='true'] svg,
  [part~='dnd-button'][aria-pressed='true'] svg {
    fill: var(--_accent);
  }

  /* Do-not-disturb on: the toggle stays marked, so the quiet is never a surprise. */
  [part~='dnd-button'][aria-pressed='true'] {
    background: color-mix(in srgb, var(--_accent) 14%, transparent);
  }

  [part~='back-button']:hover,
  [part~='mute-button']:hover,
  [part~='dnd-button']:hover,
  [part~='close-button']:hover {
    background: var(--_hover);
  }

  /* Wide panels show both panes (below); the back button and the per-conversation title go away. */
  @container (min-width: 600px) {
    [part~='back-button'],
    .title-narrow {
      display: none;
    }

    .title-wide {
      display: inline;
    }
  }
  chat-session {
    display: contents;
  }

  .body {
    display: flex;
    flex: 1;
    min-height: 0;
  }

  conversation-list,
  .thread-pane {
    flex: 1;
    min-width: 0;
  }

  .thread-pane {
    display: flex;
    flex-direction: column;
  }

  chat-thread {
    flex: 1;
    min-height: 0;
  }

  .body[data-view='list'] .thread-pane,
  .body[data-view='thread'] conversation-list {
    display: none;
  }

  /* The thread's header bar holds ours (slot header): the peer's name, then their presence. */
  chat-thread::part(header) {
    border-bottom: 1px solid var(--_border);
  }

  /* Shrinks in the thread's header row: its button cuts a long name (below). */
  .thread-header {
    min-width: 0;
    padding-block: 0.25rem;
  }

  /* Group info, or a 1:1 chat's profile-button. */
  .thread-header button {
    max-width: 100%;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    padding: 0.25rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: transparent;
    cursor: pointer;
  }

  .thread-header button:hover {
    background: var(--_hover);
  }

  .left {
    margin: 0;
    padding: 0.75rem 1rem;
    border-top: 1px solid var(--_border);
    color: var(--_muted);
    text-align: center;
  }

  [part~='notify-prompt'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    padding: 0.5rem 0.75rem;
    border-bottom: 1px solid var(--_border);
    font-size: 0.875rem;
  }

  [part~='notify-prompt'] span {
    flex: 1 1 12rem;
  }

  [part~='notify-allow'],
  [part~='notify-dismiss'] {
    min-height: 2rem;
    padding: 0 0.75rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: transparent;
    color: inherit;
    font: inherit;
    cursor: pointer;
  }

  [part~='notify-allow'] {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
  }

  .pick {
    margin: auto;
    padding: 1rem;
    color: var(--_muted);
  }

  /* Wide panels show both panes. */
  @container (min-width: 600px) {
    .body[data-view] .thread-pane {
      display: flex;
    }

    .body[data-view] conversation-list {
      display: block;
      flex: 0 0 16rem;
      border-inline-end: 1px solid var(--_border);
    }
  }
`;
