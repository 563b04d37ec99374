/**
 * The group dialogs and the people views (SPEC §13), registered by `./load-groups.ts` when a
 * person first opens one.
 * In the script tag they come with the features loaded on first use (`natter-extras-<hash>.js`),
 * neither with the first paint nor with the panel's chunk.
 */
import { defineElements } from '../widget/define-elements.js';
import { GroupCreateDialog } from './group-create-dialog.js';
import { GroupPanel } from './group-panel.js';
import { ProfileCard } from '../people/profile-card.js';
import { ContactsView } from '../people/contacts-view.js';

export const groupElements = {
  'group-panel': GroupPanel,
  'group-create-dialog': GroupCreateDialog,
  'profile-card': ProfileCard,
  'contacts-view': ContactsView,
} as const satisfies Record<string, CustomElementConstructor>;

/** Registers the group dialogs (a tag already registered is left alone). */
export function defineGroupElements(): void {
  defineElements(groupElements);
}
