import { msg, str } from '@lit/localize';
import type { ErrorName } from '../../protocol/error-codes.js';
import { groupErrorText, groupStrings } from './groups.js';
import { panelLabels } from './panel-labels.js';
import { dialogButtons } from './dialog-buttons.js';

/** Labels of `<profile-card>`, in the active locale (every property is read when it is used). */
const people = {
  get profile() { return msg('Profile', { id: 'people.profile' }); },
  get message() { return msg('Send a message', { id: 'people.message' }); },
  get block() { return msg('Block', { id: 'people.block' }); },
  get unblock() { return msg('Unblock', { id: 'people.unblock' }); },
  get blocked() { return msg('Blocked: their messages no longer reach you.', { id: 'people.blocked' }); },
  get unblocked() { return msg('Unblocked.', { id: 'people.unblocked' }); },
  get close() { return dialogButtons.close; },
  get contacts() { return msg('Contacts', { id: 'people.contacts' }); },
  get search() { return groupStrings().searchPeople; },
  get people() { return msg('People', { id: 'people.people' }); },
  get noPeople() { return msg('Nobody yet: type a user id.', { id: 'people.noPeople' }); },
  get blockedTitle() { return msg('Blocked', { id: 'people.blockedTitle' }); },
  get noneBlocked() { return msg('You have blocked nobody.', { id: 'people.noneBlocked' }); },
  userId: (id: string) => msg(str`User id: ${id}`, { id: 'people.userId' }),
  chatWith: (name: string) => msg(str`Chat with ${name}`, { id: 'people.chatWith' }),
  about: (action: string, name: string) => groupStrings().about(action, name),
  get addFriend() { return msg('Add friend', { id: 'people.addFriend' }); },
  get removeFriend() { return msg('Remove friend', { id: 'people.removeFriend' }); },
  get accept() { return msg('Accept', { id: 'people.accept' }); },
  get decline() { return msg('Decline', { id: 'people.decline' }); },
  get cancelRequest() { return msg('Cancel request', { id: 'people.cancelRequest' }); },
  get friendAdded() { return msg('You are now friends.', { id: 'people.friendAdded' }); },
  get requestSent() { return msg('Friend request sent.', { id: 'people.requestSent' }); },
  get friendRemoved() { return msg('Friend removed.', { id: 'people.friendRemoved' }); },
  get requestDeclined() { return msg('Request declined.', { id: 'people.requestDeclined' }); },
  get requestCancelled() { return msg('Request cancelled.', { id: 'people.requestCancelled' }); },
  get friends() { return msg('Friends', { id: 'people.friends' }); },
  get noFriends() { return msg('No friends yet.', { id: 'people.noFriends' }); },
  get incoming() { return msg('Friend requests', { id: 'people.incoming' }); },
  get outgoing() { return msg('Sent requests', { id: 'people.outgoing' }); },
  get friend() { return msg('Friend', { id: 'people.friend' }); },
  get pending() { return msg('Request pending', { id: 'people.pending' }); },
  /** The accessible name of a member's name button in the group panel. */
  openProfile: panelLabels.openProfile,
};

export type PeopleStrings = typeof people;

/** Why a friend action failed, for the refusals only friend actions meet (the others as a send's). */
const FRIEND_ERRORS: Partial<Record<ErrorName, () => string>> = {
  FRIEND_REQUEST_UNKNOWN: () => msg('This request is no longer pending.', { id: 'people.error.FRIEND_REQUEST_UNKNOWN' }),
  FRIEND_REQUESTS_LIMIT: () => msg('Too many friend requests are waiting for an answer. Wait, or cancel some.', { id: 'people.error.FRIEND_REQUESTS_LIMIT' }),
};

/** The sentence for a failed people action (friends, blocks), in the active locale. */
export function peopleErrorText(error: { name: ErrorName } | undefined): string {
  const sentence = error ? FRIEND_ERRORS[error.name] : undefined;
  return sentence ? sentence() : groupErrorText(error);
}

/** The profile card's labels, in the active locale. */
export function peopleStrings(): PeopleStrings {
  return people;
}
