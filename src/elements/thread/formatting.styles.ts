import { css } from 'lit';

/**
 * Formatted text in `<chat-thread>`: inline code, code blocks with their copy button, quotes and
 * lists. They come with the renderer (`../markdown/render.ts`, fetched with the first formatted
 * text) and the thread adopts them after its own sheets when it first draws formatted text.
 */
export const threadFormattingStyles = css`
  .bubble .md-p + .md-p,
  .bubble .md-p + [part~='code-block'],
  .bubble [part~='code-block'] + .md-p {
    margin-block-start: 0.375rem;
  }

  [part~='code'],
  [part~='code-block'] pre {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', monospace;
    font-size: 0.875em;
  }

  [part~='code'] {
    padding: 0.0625rem 0.3rem;
    border-radius: 0.25rem;
    background: color-mix(in srgb, currentColor 12%, transparent);
  }

  [part~='code-block'] {
    position: relative;
    /* Only the code keeps its white space (the bubble's pre-wrap would show the template's). */
    white-space: normal;
    margin-block: 0.25rem;
    border-radius: 0.375rem;
    background: color-mix(in srgb, currentColor 10%, transparent);
    border: 1px solid color-mix(in srgb, currentColor 18%, transparent);
  }

  [part~='code-block'] pre {
    margin: 0;
    padding: 0.5rem 0.625rem;
    padding-inline-end: 4.5rem;
    overflow-x: auto;
    white-space: pre;
    tab-size: 2;
  }

  [part~='copy-button'] {
    position: absolute;
    inset-block-start: 0.25rem;
    inset-inline-end: 0.25rem;
    padding: 0.125rem 0.5rem;
    border: 1px solid color-mix(in srgb, currentColor 30%, transparent);
    border-radius: 0.25rem;
    font: inherit;
    font-size: 0.75rem;
    color: var(--_text);
    background: var(--_surface);
    cursor: pointer;
  }

  [part~='copy-button'] .copied,
  [part~='copy-button'][data-copied] .copy {
    display: none;
  }

  [part~='copy-button'][data-copied] .copied {
    display: inline;
  }

  [part~='quote'] {
    margin: 0.125rem 0;
    padding-inline-start: 0.625rem;
    border-inline-start: 3px solid color-mix(in srgb, currentColor 35%, transparent);
    white-space: pre-wrap;
  }

  [part~='list'] {
    margin: 0.125rem 0;
    padding-inline-start: 1.25rem;
    white-space: normal;
  }

  .bubble s {
    text-decoration-thickness: 1px;
  }
`;
