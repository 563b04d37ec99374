import { msg, str } from '@lit/localize';
import type { ErrorName } from '../../protocol/error-codes.js';
import type { GroupRole } from '../../protocol/frames.js';
import { errorText } from './errors.js';
import { formatNumber, plural } from './localize.js';
import { panelLabels } from './panel-labels.js';
import { dialogButtons } from './dialog-buttons.js';
import { isolate } from './isolate.js';

/** Why a group action failed, for the refusals only group actions meet (the others as a send's). */
const GROUP_ERRORS: Partial<Record<ErrorName, () => string>> = {
  GROUP_ROLE_REQUIRED: () => msg('Your role in this group does not allow that.', { id: 'groups.error.GROUP_ROLE_REQUIRED' }),
  GROUP_CREATE_FORBIDDEN: () => msg('On this site only the site itself creates groups.', { id: 'groups.error.GROUP_CREATE_FORBIDDEN' }),
  OWNER_CANNOT_LEAVE: () => msg('The owner cannot leave: dismiss the group instead.', { id: 'groups.error.OWNER_CANNOT_LEAVE' }),
  GROUP_DISMISSED: () => msg('This group was dismissed.', { id: 'groups.error.GROUP_DISMISSED' }),
  GROUP_FULL: () => msg('The group has as many members as allowed.', { id: 'groups.error.GROUP_FULL' }),
  GROUP_EXISTS: () => msg('A group with this id exists already.', { id: 'groups.error.GROUP_EXISTS' }),
  TIMEOUT: () => msg('No connection. Try again when you are back online.', { id: 'groups.error.TIMEOUT' }),
};

/**
 * The sentence for a failed group action, in the active locale. An invite of several ids refused
 * for one of them (`userId`: nobody has it, or not a friend) names that one, isolated from the
 * sentence around it.
 */
export function groupErrorText(error: { name: ErrorName; userId?: string } | undefined): string {
  const id = error?.userId && isolate(error.userId);
  if (id && error.name === 'USER_UNKNOWN') return msg(str`There is no user with the id ${id}.`, { id: 'groups.error.USER_UNKNOWN' });
  if (id && error.name === 'NOT_FRIENDS') return msg(str`You can only add your friends to a group, and ${id} is not one of them.`, { id: 'groups.error.NOT_FRIENDS' });
  const sentence = error ? GROUP_ERRORS[error.name] : undefined;
  return sentence ? sentence() : errorText(error);
}

/** Labels of the group dialogs (`<group-create-dialog>`, `<group-panel>`), in the active locale. */
const groups = {
  get createTitle() { return msg('Create a group', { id: 'groups.createTitle' }); },
  get name() { return msg('Group name', { id: 'groups.name' }); },
  get avatar() { return msg('Picture URL (optional)', { id: 'groups.avatar' }); },
  get pickMembers() { return msg('Members', { id: 'groups.pickMembers' }); },
  get searchPeople() { return msg('Search people or type a user id', { id: 'groups.searchPeople' }); },
  get noPeople() { return msg('Nobody to add yet: type a user id.', { id: 'groups.noPeople' }); },
  get create() { return msg('Create', { id: 'groups.create' }); },
  get cancel() { return dialogButtons.cancel; },
  get close() { return dialogButtons.close; },
  get info() { return panelLabels.groupInfo; },
  get notice() { return msg('Notice', { id: 'groups.notice' }); },
  get noNotice() { return msg('No notice.', { id: 'groups.noNotice' }); },
  get settings() { return msg('Settings', { id: 'groups.settings' }); },
  get save() { return msg('Save', { id: 'groups.save' }); },
  get invite() { return msg('Invite', { id: 'groups.invite' }); },
  get inviteLabel() { return msg('User ids to invite, separated by commas', { id: 'groups.inviteLabel' }); },
  get showMore() { return msg('Show more members', { id: 'groups.showMore' }); },
  get makeAdmin() { return msg('Make admin', { id: 'groups.makeAdmin' }); },
  get removeAdmin() { return msg('Remove admin', { id: 'groups.removeAdmin' }); },
  get remove() { return msg('Remove', { id: 'groups.remove' }); },
  get mute() { return msg('Mute', { id: 'groups.mute' }); },
  get muteHour() { return msg('Mute for 1 hour', { id: 'groups.muteHour' }); },
  get muteDay() { return msg('Mute for 1 day', { id: 'groups.muteDay' }); },
  get muteForever() { return msg('Mute until unmuted', { id: 'groups.muteForever' }); },
  get unmute() { return msg('Unmute', { id: 'groups.unmute' }); },
  get muted() { return msg('Muted', { id: 'groups.muted' }); },
  mutedUntil: (time: string) => msg(str`Muted until ${time}`, { id: 'groups.mutedUntil' }),
  get leave() { return msg('Leave group', { id: 'groups.leave' }); },
  get dismiss() { return msg('Dismiss group', { id: 'groups.dismiss' }); },
  get confirmDismiss() { return msg('Dismiss it for everyone', { id: 'groups.confirmDismiss' }); },
  get confirmLeave() { return msg('Yes, leave', { id: 'groups.confirmLeave' }); },
  get done() { return msg('Done.', { id: 'groups.done' }); },
  get loading() { return msg('Loading…', { id: 'groups.loading' }); },
  get you() { return msg('(you)', { id: 'groups.you' }); },
  get left() { return panelLabels.groupLeft; },
  memberCount: (n: number) => {
    const count = formatNumber(n);
    return plural(n, {
      zero: () => msg(str`${count} members`, { id: 'groups.memberCount.zero' }),
      one: () => msg(str`${count} member`, { id: 'groups.memberCount.one' }),
      two: () => msg(str`${count} members`, { id: 'groups.memberCount.two' }),
      few: () => msg(str`${count} members`, { id: 'groups.memberCount.few' }),
      many: () => msg(str`${count} members`, { id: 'groups.memberCount.many' }),
      other: () => msg(str`${count} members`, { id: 'groups.memberCount.other' }),
    });
  },
  role: (role: GroupRole | undefined) =>
    role === 'owner' ? msg('Owner', { id: 'groups.role.owner' }) : role === 'admin' ? msg('Admin', { id: 'groups.role.admin' }) : msg('Member', { id: 'groups.role.member' }),
  /** An action's accessible name with the person it is about ("Remove Bob"). */
  about: (action: string, name: string) => msg(str`${action}: ${name}`, { id: 'groups.about' }),
};

export type GroupStrings = typeof groups;

/** The group dialogs' labels, in the active locale. */
export function groupStrings(): GroupStrings {
  return groups;
}
