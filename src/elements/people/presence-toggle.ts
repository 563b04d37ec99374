import { html, nothing } from 'lit';
import type { PresenceTracker } from '../../client/presence.js';
import { presenceToggleStrings } from '../i18n/presence-toggle.js';

/**
 * The user's own "Show when I am online" checkbox (SPEC §13), in `<profile-card>` (their own card)
 * and `<contacts-view>`: shown once the server said which it is, and not while the site turned
 * presence off or `tracker` is undefined (the `PresenceController` holds none under `hide-presence`).
 * Hidden, a note says what that means.
 */
export function renderPresenceToggle(tracker: PresenceTracker | undefined, busy: boolean, onChange: (e: Event) => void) {
  const visible = tracker?.$visible.get();
  if (!tracker?.$enabled.get() || visible === undefined) return nothing;
  const p = presenceToggleStrings();
  return html`<label part="presence-toggle">
      <input type="checkbox" .checked=${visible} ?disabled=${busy} @change=${onChange} />${p.show}
    </label>
    ${visible ? nothing : html`<p class="muted">${p.hiddenNote}</p>`}`;
}

export { presenceToggleStyles } from './presence.styles.js';
