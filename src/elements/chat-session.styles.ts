import { css } from 'lit';
import { sharedStyles } from './styles/shared.styles.js';

export const styles = [
  sharedStyles,
  css`
    :host {
      display: contents;
    }

    /* The scheme is handed down as a custom property: it crosses every shadow root below. */
    :host([theme='light']) {
      --chat-color-scheme: light;
    }

    :host([theme='dark']) {
      --chat-color-scheme: dark;
    }
  `,
];
