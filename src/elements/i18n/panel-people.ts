import { msg, str } from '@lit/localize';

/**
 * The few labels of groups and people that the panel itself shows (its thread header, a message's
 * sender button, the notice of a group one left). The tables of the group and people views
 * (`./groups.ts`, `./people.ts`) refer to these and travel with those views, in the chunk loaded
 * on first use.
 */
export const panelPeopleStrings = {
  get groupInfo() { return msg('Group info', { id: 'groups.info' }); },
  get groupLeft() { return msg('You are no longer a member of this group.', { id: 'groups.left' }); },
  /** The accessible name of a button that opens someone's profile card. */
  openProfile: (name: string) => msg(str`Profile of ${name}`, { id: 'people.openProfile' }),
};
