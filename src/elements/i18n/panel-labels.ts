import { msg, str } from '@lit/localize';

/**
 * The few labels of the features loaded on first use that the panel itself shows (its thread
 * header's group info, a message's sender button, the notice of a group one left, a message menu's
 * Report item). The tables of those features (`./groups.ts`, `./people.ts`, `./report.ts`) refer
 * to these and travel with them, in the chunk loaded on first use.
 */
export const panelLabels = {
  get groupInfo() { return msg('Group info', { id: 'groups.info' }); },
  get groupLeft() { return msg('You are no longer a member of this group.', { id: 'groups.left' }); },
  /** The accessible name of a button that opens someone's profile card. */
  openProfile: (name: string) => msg(str`Profile of ${name}`, { id: 'people.openProfile' }),
  get report() { return msg('Report', { id: 'report.item' }); },
};
