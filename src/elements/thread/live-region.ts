import { html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { messageKey, type ChatMessage } from '../../client/types.js';
import { changeStrings } from '../i18n/changes.js';
import { changeAnnouncements } from './changes/announce.js';
import { announcementOf } from './message-row.js';

/**
 * The log's visually hidden live region: rows come and go as the log scrolls, so they stay
 * silent, and this says what arrived instead: others' messages, others' reactions, edits and
 * recalls ("Alice reacted 👍", "Message edited"), and pins ("You pinned a message"; `./changes/announce.ts`). It keeps the last three, said in the active locale.
 */
export class LiveRegion {
  #items: { key: string; message?: ChatMessage; text?: string }[] = [];
  #said = 0;

  /** Another conversation: nothing of the last one is said again. */
  reset(): void {
    this.#items = [];
  }

  /** Others' changes between two versions of the thread's messages. */
  changes(before: readonly ChatMessage[], after: readonly ChatMessage[], me: string | undefined, nameOf: (id: string) => string): void {
    this.#push(changeAnnouncements(before, after, me, nameOf, changeStrings()).map((text) => ({ key: `change-${++this.#said}`, text })), after);
  }

  /** Messages from others that arrived after the last one shown. */
  messages(news: readonly ChatMessage[]): void {
    this.#push(news.map((m) => ({ key: messageKey(m), message: m })));
  }

  /**
   * `after`: the thread's messages now. A message said before and changed since (recalled, deleted
   * for me, edited: the store makes a new object) leaves the region: its old text must not stay
   * readable there.
   */
  #push(items: { key: string; message?: ChatMessage; text?: string }[], after?: readonly ChatMessage[]): void {
    this.#items = [...this.#items.filter((a) => !after || !a.message || after.includes(a.message)), ...items].slice(-3);
  }

  render() {
    return html`<div class="visually-hidden">${repeat(this.#items, (a) => a.key, (a) => html`<p>${a.message ? announcementOf(a.message) : a.text}</p>`)}</div>`;
  }
}
