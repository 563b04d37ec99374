import { msg, str } from '@lit/localize';
import { formatNumber, plural } from './localize.js';
import { isolate } from './isolate.js';

type CallAction = 'started' | 'ended' | 'missed' | 'declined' | 'cancelled';

/** A call event's sentence, by media and outcome (whole sentences: word order differs between languages). */
const CALLS: Record<'audio' | 'video', Record<CallAction, () => string>> = {
  audio: {
    started: () => msg('Voice call started', { id: 'ui.call.audio.started' }),
    ended: () => msg('Voice call ended', { id: 'ui.call.audio.ended' }),
    missed: () => msg('Voice call missed', { id: 'ui.call.audio.missed' }),
    declined: () => msg('Voice call declined', { id: 'ui.call.audio.declined' }),
    cancelled: () => msg('Voice call cancelled', { id: 'ui.call.audio.cancelled' }),
  },
  video: {
    started: () => msg('Video call started', { id: 'ui.call.video.started' }),
    ended: () => msg('Video call ended', { id: 'ui.call.video.ended' }),
    missed: () => msg('Video call missed', { id: 'ui.call.video.missed' }),
    declined: () => msg('Video call declined', { id: 'ui.call.video.declined' }),
    cancelled: () => msg('Video call cancelled', { id: 'ui.call.video.cancelled' }),
  },
};

/**
 * Labels of `<chat-thread>` (messages, rich messages, receipts) and what the forward dialog and
 * the open message menu share with it, in the active locale: every property is read when it is
 * used, so one object serves every locale. Those only the forward dialog (`./forward.ts`), the open
 * menu (`./message-menu.ts`) or a dialog (`./dialog-buttons.ts`) shows are in modules of their own:
 * in the script tag they come with those features (the second part of a catalogue,
 * `scripts/locale-parts.ts`), as the thread reads this whole object.
 */
const ui = {
  // The thread around the messages
  get messages() { return msg('Messages', { id: 'ui.messages' }); },
  get chooseConversation() { return msg('Choose a conversation to start chatting.', { id: 'ui.chooseConversation' }); },
  get loading() { return msg('Loading…', { id: 'ui.loading' }); },
  get loadOlder() { return msg('Load older messages', { id: 'ui.loadOlder' }); },
  get beginning() { return msg('This is the beginning of the conversation.', { id: 'ui.beginning' }); },
  get noMessages() { return msg('No messages yet. Say hello!', { id: 'ui.noMessages' }); },
  get newMessages() { return msg('New messages ↓', { id: 'ui.newMessages' }); },
  /** What the live region says of an arriving message, and a preview line: "Bob: hi". */
  said: (who: string, what: string) => {
    const name = isolate(who);
    return msg(str`${name}: ${what}`, { id: 'ui.said' });
  },
  /** Between a name and what it said where each is its own element: ": " (Chinese "："). */
  get saidSeparator() { return msg(': ', { id: 'ui.saidSeparator' }); },
  get notSent() { return msg('Message not sent', { id: 'ui.notSent' }); },
  get discard() { return msg('Discard', { id: 'ui.discard' }); },
  // A message's menu button, a failed one's Resend, forwarded messages
  get actions() { return msg('Message actions', { id: 'ui.actions' }); },
  get resend() { return msg('Resend', { id: 'ui.resend' }); },
  forwardedFrom: (who: string) => {
    const name = isolate(who);
    return msg(str`Forwarded from ${name}`, { id: 'ui.forwardedFrom' });
  },
  chatHistory: (n: number) => {
    const count = formatNumber(n);
    return plural(n, {
      zero: () => msg(str`Chat history · ${count} messages`, { id: 'ui.chatHistory.zero' }),
      one: () => msg(str`Chat history · ${count} message`, { id: 'ui.chatHistory.one' }),
      two: () => msg(str`Chat history · ${count} messages`, { id: 'ui.chatHistory.two' }),
      few: () => msg(str`Chat history · ${count} messages`, { id: 'ui.chatHistory.few' }),
      many: () => msg(str`Chat history · ${count} messages`, { id: 'ui.chatHistory.many' }),
      other: () => msg(str`Chat history · ${count} messages`, { id: 'ui.chatHistory.other' }),
    });
  },
  get showMessages() { return msg('Show messages', { id: 'ui.showMessages' }); },
  get hideMessages() { return msg('Hide messages', { id: 'ui.hideMessages' }); },
  mergeTitle: (names: string) => msg(str`Chat history of ${names}`, { id: 'ui.mergeTitle' }),
  /** How names are listed in a merge title: "Bob, Alice". */
  get nameSeparator() { return msg(', ', { id: 'ui.nameSeparator' }); },
  // Rich messages, uploads, typing, receipts
  get sending() { return msg('Sending…', { id: 'ui.sending' }); },
  get image() { return msg('Image', { id: 'ui.image' }); },
  get openImage() { return msg('Open the full image', { id: 'ui.openImage' }); },
  get expandVideo() { return msg('Open in the viewer', { id: 'ui.expandVideo' }); },
  voiceMessage: (duration: string) => msg(str`Voice message, ${duration}`, { id: 'ui.voiceMessage' }),
  videoMessage: (duration: string) => msg(str`Video, ${duration}`, { id: 'ui.videoMessage' }),
  get download() { return msg('Download', { id: 'ui.download' }); },
  fileLabel: (name: string, size: string) => msg(str`File ${name}, ${size}`, { id: 'ui.fileLabel' }),
  /** Badge of a file card whose name has no extension. */
  get fileBadge() { return msg('FILE', { id: 'ui.fileBadge' }); },
  get location() { return msg('Location', { id: 'ui.location' }); },
  get openMap() { return msg('Open in OpenStreetMap', { id: 'ui.openMap' }); },
  /** Latitude and longitude: `48.85840° N, 2.29450° E`. */
  coordinates: (latitude: number, longitude: number) => {
    const deg = (x: number) => formatNumber(Math.abs(x), { minimumFractionDigits: 5, maximumFractionDigits: 5 });
    const latitudeDegrees = deg(latitude);
    const lat = latitude < 0 ? msg(str`${latitudeDegrees}° S`, { id: 'ui.latitude.south' }) : msg(str`${latitudeDegrees}° N`, { id: 'ui.latitude.north' });
    const longitudeDegrees = deg(longitude);
    const lon = longitude < 0 ? msg(str`${longitudeDegrees}° W`, { id: 'ui.longitude.west' }) : msg(str`${longitudeDegrees}° E`, { id: 'ui.longitude.east' });
    return msg(str`${lat}, ${lon}`, { id: 'ui.coordinates' });
  },
  get sticker() { return msg('Sticker', { id: 'ui.sticker' }); },
  get customMessage() { return msg('[custom message]', { id: 'ui.customMessage' }); },
  call: (media: 'audio' | 'video', action: CallAction, duration?: string) => {
    const text = CALLS[media === 'video' ? 'video' : 'audio'][action]();
    return duration ? `${text} · ${duration}` : text;
  },
  typing: (names: string[]) => {
    if (names.length === 1) {
      const name = isolate(names[0]!);
      return msg(str`${name} is typing…`, { id: 'ui.typing.one' });
    }
    const count = formatNumber(names.length);
    return plural(names.length, {
      zero: () => msg(str`${count} people are typing…`, { id: 'ui.typing.count.zero' }),
      one: () => msg(str`${count} person is typing…`, { id: 'ui.typing.count.one' }),
      two: () => msg(str`${count} people are typing…`, { id: 'ui.typing.count.two' }),
      few: () => msg(str`${count} people are typing…`, { id: 'ui.typing.count.few' }),
      many: () => msg(str`${count} people are typing…`, { id: 'ui.typing.count.many' }),
      other: () => msg(str`${count} people are typing…`, { id: 'ui.typing.count.other' }),
    });
  },
  get statusSent() { return msg('Sent', { id: 'ui.statusSent' }); },
  get statusRead() { return msg('Read', { id: 'ui.statusRead' }); },
  get statusFailed() { return msg('Not sent', { id: 'ui.statusFailed' }); },
  get waitingForConnection() { return msg('Waiting for connection', { id: 'ui.waitingForConnection' }); },
  get waitingNotice() { return msg('No connection. Your messages are sent when you are back online.', { id: 'ui.waitingNotice' }); },
  readBy: (read: number, total: number) => {
    const [readers, members] = [formatNumber(read), formatNumber(total)];
    return msg(str`Read by ${readers} of ${members}`, { id: 'ui.readBy' });
  },
  get mentionsYou() { return msg('Mentions you', { id: 'ui.mentionsYou' }); },
};

export type UiStrings = typeof ui;

/** The labels of the thread, in the active locale. */
export function uiStrings(): UiStrings {
  return ui;
}

/**
 * `own`'s labels over `base`'s, getters kept (each still read when used): the labels of a feature
 * loaded on first use, with those it shares with the panel, as one object.
 */
export function overStrings<B extends object, O extends object>(base: B, own: O): B & O {
  return Object.create(base, Object.getOwnPropertyDescriptors(own)) as B & O;
}
