import { msg, str } from '@lit/localize';

/** Labels of `<profile-card>`, in the active locale (every property is read when it is used). */
const people = {
  get profile() { return msg('Profile', { id: 'people.profile' }); },
  get message() { return msg('Send a message', { id: 'people.message' }); },
  get block() { return msg('Block', { id: 'people.block' }); },
  get unblock() { return msg('Unblock', { id: 'people.unblock' }); },
  get blocked() { return msg('Blocked: their messages no longer reach you.', { id: 'people.blocked' }); },
  get unblocked() { return msg('Unblocked.', { id: 'people.unblocked' }); },
  get close() { return msg('Close', { id: 'people.close' }); },
  get contacts() { return msg('Contacts', { id: 'people.contacts' }); },
  get search() { return msg('Search people or type a user id', { id: 'people.search' }); },
  get people() { return msg('People', { id: 'people.people' }); },
  get noPeople() { return msg('Nobody yet: type a user id.', { id: 'people.noPeople' }); },
  get blockedTitle() { return msg('Blocked', { id: 'people.blockedTitle' }); },
  get noneBlocked() { return msg('You have blocked nobody.', { id: 'people.noneBlocked' }); },
  userId: (id: string) => msg(str`User id: ${id}`, { id: 'people.userId' }),
  chatWith: (name: string) => msg(str`Chat with ${name}`, { id: 'people.chatWith' }),
  about: (action: string, name: string) => msg(str`${action}: ${name}`, { id: 'people.about' }),
  /** The accessible name of a member's name button in the group panel. */
  openProfile: (name: string) => msg(str`Profile of ${name}`, { id: 'people.openProfile' }),
};

export type PeopleStrings = typeof people;

/** The profile card's labels, in the active locale. */
export function peopleStrings(): PeopleStrings {
  return people;
}
