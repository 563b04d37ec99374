import { html, type TemplateResult } from 'lit';
import { cssVars } from './css-vars.js';
import { hueOf, initials } from './format.js';
import { safeMediaUrl } from './thread/elems/safe-url.js';

/**
 * A person's or a conversation's picture (`part="avatar"`), as the list, the thread and the
 * profile card show it: the image at `url` when it is a safe one, fetched without a Referer (it
 * would tell which conversation is open), else the initials of `name` on a colour drawn from `id`.
 */
export function renderAvatar(url: string | undefined, id: string, name: string): TemplateResult {
  const src = safeMediaUrl(url);
  return src
    ? html`<img part="avatar" src=${src} alt="" referrerpolicy="no-referrer" />`
    : html`<span part="avatar" aria-hidden="true" style=${cssVars({ '--_hue': hueOf(id) })}>${initials(name)}</span>`;
}
