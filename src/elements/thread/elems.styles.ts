import { css } from 'lit';

/**
 * Rich messages in `<chat-thread>`: media sized before they load, cards, stickers, custom
 * renderers, the typing row, read receipts and @mentions.
 */
export const threadElemsStyles = css`
  :host {
    --_media-max-w: var(--chat-thread-media-max-width, 16rem);
    --_media-max-h: var(--chat-thread-media-max-height, 20rem);
    --_sticker: var(--chat-thread-sticker-size, 7.5rem);
    --_emoji: var(--chat-thread-emoji-size, 3rem);
    --_card-bg: var(--chat-thread-card-color, color-mix(in srgb, currentColor 8%, transparent));
    --_mention-bg: var(--chat-thread-mention-color, color-mix(in srgb, var(--_accent) 12%, transparent));
    --_mention-fg: var(--chat-thread-mention-text-color, var(--_accent));
    --_progress: var(--chat-thread-progress-color, currentColor);
  }

  /* Only text keeps its line breaks; the other kinds are laid out by their own markup. */
  .bubble:not(.kind-text) {
    white-space: normal;
  }

  .bubble .fallback {
    white-space: pre-wrap;
  }

  /* What people wrote takes the direction of its own words (each paragraph), whatever the UI's:
     English in an Arabic widget keeps its punctuation where it belongs, and the reverse. */
  .bubble.kind-text,
  .bubble .fallback {
    unicode-bidi: plaintext;
  }

  .bubble.kind-image,
  .bubble.kind-video {
    padding: 0.25rem;
  }

  .bubble.kind-face {
    padding: 0;
    background: transparent !important;
  }

  /* A picture, player or card whose renderer is still being fetched: the size it will take. */
  .placeholder {
    display: block;
  }

  /* The video's length and its expand button, below the picture. */
  .placeholder.video::after {
    content: '';
    height: 2.525rem; /* 0.25rem of gap, 0.75rem and 0.875rem type at line-height 1.4 */
  }

  /*
   * Pictures: the width is the smallest of the box, the height cap times the aspect ratio and
   * the picture's own width, the height follows the ratio (from --_w/--_h and the width/height
   * attributes). Known before a byte loads, so the row never changes height.
   */
  .media,
  .placeholder.image > span,
  .placeholder.video > span {
    display: block;
    width: min(var(--_media-max-w), calc(var(--_media-max-h) * var(--_w) / var(--_h)), calc(var(--_w) * 1px));
    max-width: 100%;
    height: auto;
    aspect-ratio: var(--_w) / var(--_h);
    border-radius: calc(var(--_radius) - 4px);
    object-fit: cover;
    background: var(--_card-bg);
  }

  .audio-player,
  .video-player,
  .placeholder.video {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    max-width: 100%;
  }

  [part~='audio'],
  .placeholder.sound > span {
    display: block;
    width: 18rem;
    max-width: 100%;
    height: 2.5rem;
  }

  /* File and location cards. */
  .card,
  .placeholder.file,
  .placeholder.location {
    display: flex;
    align-items: center;
    gap: 0.625rem;
    min-width: min(14rem, 100%);
    max-width: 100%;
    padding: 0.25rem 0;
    color: inherit;
    text-decoration: none;
  }

  .card-icon,
  .placeholder.file > span,
  .placeholder.location > span {
    flex: none;
    display: grid;
    place-items: center;
    width: 2.5rem;
    height: 2.5rem;
    border-radius: 0.5rem;
    background: var(--_card-bg);
    font-size: 0.6875rem;
    font-weight: 700;
    letter-spacing: 0.02em;
  }

  [part~='emoji'] {
    display: block;
    font-size: var(--_emoji);
    line-height: 1.15;
  }

  [part~='sticker'] {
    display: block;
    width: var(--_sticker);
    height: var(--_sticker);
    object-fit: contain;
  }

  .bubble.kind-face [part~='sticker-fallback'] {
    display: block;
    padding: 0.5rem 0.75rem;
  }

  [part~='custom'] {
    max-width: 100%;
    overflow-wrap: anywhere;
  }

  [part~='call'].missed,
  [part~='call'].declined {
    color: var(--_danger);
  }

  .self [part~='call'] {
    color: inherit;
  }

  /* The typing row: present while empty (a live region), a line tall when someone types. */
  [part~='typing'] {
    display: flex;
    align-items: center;
    gap: 0.375rem;
    min-height: 0;
    margin-top: var(--_gap);
    padding-inline: calc(var(--_avatar-size) + 0.5rem);
    color: var(--_muted);
    font-size: 0.8125rem;
    font-style: italic;
  }

  [part~='typing'].idle {
    margin: 0;
  }

  .typing-dots {
    display: inline-flex;
    gap: 2px;
  }

  .typing-dots span {
    width: 4px;
    height: 4px;
    border-radius: 50%;
    background: currentColor;
    animation: typing-dot 1.2s infinite ease-in-out;
  }

  .typing-dots span:nth-child(2) {
    animation-delay: 0.2s;
  }

  .typing-dots span:nth-child(3) {
    animation-delay: 0.4s;
  }

  @keyframes typing-dot {
    0%,
    60%,
    100% {
      opacity: 0.3;
    }
    30% {
      opacity: 1;
    }
  }

  /* Read receipts. */
  [part~='receipts-button'] {
    padding: 0;
    border: 0;
    background: none;
    color: inherit;
    font-size: inherit;
    text-decoration: underline dotted;
    text-underline-offset: 2px;
    cursor: pointer;
  }

  [part~='receipts-button'].read {
    color: var(--_accent);
  }

  .typing-text {
    overflow-wrap: anywhere;
    unicode-bidi: isolate;
  }

  /* @mentions. */
  [part~='message'].mentioned {
    background: var(--_mention-bg);
    box-shadow: inset 3px 0 0 var(--_mention-fg);
    border-radius: 4px;
    border-start-end-radius: var(--_radius);
    border-end-end-radius: var(--_radius);
    padding-block: 0.25rem;
  }

  /* The bar marks the start of the line. */
  [part~='message'].mentioned:dir(rtl) {
    box-shadow: inset -3px 0 0 var(--_mention-fg);
  }

  /* Isolated: a name's own bidi controls stay inside it (text from before labels dropped them). */
  [part~='mention'] {
    font-weight: 600;
    color: var(--_mention-fg);
    unicode-bidi: isolate;
  }

  .self [part~='mention'] {
    color: inherit;
    text-decoration: underline;
    text-underline-offset: 2px;
  }
`;
