import { html } from 'lit';
import type { GroupStrings } from '../i18n/groups.js';

/** What the owner or an admin is typing in the group panel's forms. */
export interface SettingsDraft {
  name: string;
  avatar: string;
  notice: string;
  /** User ids to invite, separated by commas or spaces. */
  invite: string;
}

/** The group panel's settings and invite forms (owner and admins). */
export function renderGroupSettings(
  t: GroupStrings,
  draft: SettingsDraft,
  busy: boolean,
  on: { change(draft: SettingsDraft): void; save(e: Event): void; invite(e: Event): void },
) {
  const field = (key: keyof SettingsDraft) => (e: Event) => on.change({ ...draft, [key]: (e.target as HTMLInputElement).value });
  return html`<form part="settings" @submit=${on.save}>
      <h3>${t.settings}</h3>
      <label>${t.name}<input part="name-input" type="text" required maxlength="100" .value=${draft.name} @input=${field('name')} /></label>
      <label>${t.avatar}<input part="avatar-input" type="url" .value=${draft.avatar} @input=${field('avatar')} /></label>
      <label>${t.notice}<textarea part="notice-input" rows="2" maxlength="2000" .value=${draft.notice} @input=${field('notice')}></textarea></label>
      <div class="buttons"><button part="save-button" class="primary" type="submit" ?disabled=${busy}>${t.save}</button></div>
    </form>
    <form class="invite" @submit=${on.invite}>
      <label>${t.inviteLabel}<input part="invite-input" type="text" aria-describedby="status" autocomplete="off" spellcheck="false" .value=${draft.invite} @input=${field('invite')} /></label>
      <div class="buttons"><button part="invite-button" type="submit" ?disabled=${busy || !draft.invite.trim()}>${t.invite}</button></div>
    </form>`;
}
