import { msg, str } from '@lit/localize';

/** Labels of mutes and notifications (SPEC §10), in the active locale; loaded with the panel only. */
const notify = {
  get mute() { return msg('Mute this conversation', { id: 'notify.mute' }); },
  get unmute() { return msg('Unmute this conversation', { id: 'notify.unmute' }); },
  get dnd() { return msg('Do not disturb', { id: 'notify.dnd' }); },
  get dndOn() { return msg('Do not disturb is on', { id: 'notify.dndOn' }); },
  get enable() { return msg('Turn on notifications', { id: 'notify.enable' }); },
  get enablePrompt() { return msg('Get a notification when a message arrives while this page is in the background?', { id: 'notify.prompt' }); },
  get allow() { return msg('Turn on', { id: 'notify.allow' }); },
  get notNow() { return msg('Not now', { id: 'notify.notNow' }); },
  /** A notification's body when a message has no text to show. */
  get newMessage() { return msg('New message', { id: 'notify.newMessage' }); },
  /** The document title with unread messages: "(3) Shop". */
  titleWithUnread: (n: number, title: string) => msg(str`(${n}) ${title}`, { id: 'notify.title' }),
};

export type NotifyStrings = typeof notify;

export function notifyStrings(): NotifyStrings {
  return notify;
}
