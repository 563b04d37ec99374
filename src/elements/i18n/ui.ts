import { msg, str } from '@lit/localize';
import { formatNumber, plural } from './localize.js';

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
 * Labels of `<chat-thread>` (messages, actions, multi-select, rich messages, receipts) and of
 * `<forward-dialog>`, in the active locale: every property is read when it is used, so one
 * object serves every locale.
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
  said: (name: string, what: string) => msg(str`${name}: ${what}`, { id: 'ui.said' }),
  /** Between a name and what it said where each is its own element: ": " (Chinese "："). */
  get saidSeparator() { return msg(': ', { id: 'ui.saidSeparator' }); },
  get notSent() { return msg('Message not sent', { id: 'ui.notSent' }); },
  get discard() { return msg('Discard', { id: 'ui.discard' }); },
  // Message actions and multi-select
  get actions() { return msg('Message actions', { id: 'ui.actions' }); },
  get forward() { return msg('Forward', { id: 'ui.forward' }); },
  get select() { return msg('Select', { id: 'ui.select' }); },
  get resend() { return msg('Resend', { id: 'ui.resend' }); },
  get delete() { return msg('Delete', { id: 'ui.delete' }); },
  forwardedFrom: (name: string) => msg(str`Forwarded from ${name}`, { id: 'ui.forwardedFrom' }),
  get selectMessage() { return msg('Select message', { id: 'ui.selectMessage' }); },
  selected: (n: number) => {
    const count = formatNumber(n);
    return plural(n, {
      zero: () => msg(str`${count} messages selected`, { id: 'ui.selected.zero' }),
      one: () => msg(str`${count} message selected`, { id: 'ui.selected.one' }),
      two: () => msg(str`${count} messages selected`, { id: 'ui.selected.two' }),
      few: () => msg(str`${count} messages selected`, { id: 'ui.selected.few' }),
      many: () => msg(str`${count} messages selected`, { id: 'ui.selected.many' }),
      other: () => msg(str`${count} messages selected`, { id: 'ui.selected.other' }),
    });
  },
  get forwardEach() { return msg('Forward one by one', { id: 'ui.forwardEach' }); },
  get forwardMerged() { return msg('Forward as one message', { id: 'ui.forwardMerged' }); },
  get cancel() { return msg('Cancel', { id: 'ui.cancel' }); },
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
  /** Title of a merged forward whose senders are unknown. */
  get historyTitle() { return msg('Chat history', { id: 'ui.historyTitle' }); },
  /** How names are listed in a merge title: "Bob, Alice". */
  get nameSeparator() { return msg(', ', { id: 'ui.nameSeparator' }); },
  // <forward-dialog>
  get dialogTitle() { return msg('Forward', { id: 'ui.dialogTitle' }); },
  get searchLabel() { return msg('Search conversations and people', { id: 'ui.searchLabel' }); },
  get searchPlaceholder() { return msg('Search, or type a user id', { id: 'ui.searchPlaceholder' }); },
  get targetsLabel() { return msg('Send to', { id: 'ui.targetsLabel' }); },
  get noTargets() { return msg('Nothing matches. Type a user id to send to someone new.', { id: 'ui.noTargets' }); },
  userId: (id: string) => msg(str`User “${id}”`, { id: 'ui.userId' }),
  get person() { return msg('Person', { id: 'ui.person' }); },
  get group() { return msg('Group', { id: 'ui.group' }); },
  get noteLabel() { return msg('Add a note (optional)', { id: 'ui.noteLabel' }); },
  confirm: (n: number) => {
    if (n <= 1) return msg('Forward', { id: 'ui.confirm.one' });
    const count = formatNumber(n);
    return msg(str`Forward to ${count}`, { id: 'ui.confirm.other' });
  },
  get close() { return msg('Close', { id: 'ui.close' }); },
  get done() { return msg('Done', { id: 'ui.done' }); },
  get previewLabel() { return msg('Forwarding', { id: 'ui.previewLabel' }); },
  merged: (n: number) => {
    const count = formatNumber(n);
    return plural(n, {
      zero: () => msg(str`${count} messages as one chat history`, { id: 'ui.merged.zero' }),
      one: () => msg(str`${count} message as one chat history`, { id: 'ui.merged.one' }),
      two: () => msg(str`${count} messages as one chat history`, { id: 'ui.merged.two' }),
      few: () => msg(str`${count} messages as one chat history`, { id: 'ui.merged.few' }),
      many: () => msg(str`${count} messages as one chat history`, { id: 'ui.merged.many' }),
      other: () => msg(str`${count} messages as one chat history`, { id: 'ui.merged.other' }),
    });
  },
  get sending() { return msg('Sending…', { id: 'ui.sending' }); },
  get sent() { return msg('Forwarded', { id: 'ui.sent' }); },
  get failed() { return msg('Not forwarded', { id: 'ui.failed' }); },
  get resultsLabel() { return msg('Results', { id: 'ui.resultsLabel' }); },
  // Rich messages, uploads, typing, receipts
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
  uploading: (percent: number) => {
    const share = formatNumber(percent / 100, { style: 'percent' });
    return msg(str`Uploading ${share}`, { id: 'ui.uploading' });
  },
  get cancelUpload() { return msg('Cancel upload', { id: 'ui.cancelUpload' }); },
  typing: (names: string[]) => {
    const [name] = names;
    if (names.length === 1) return msg(str`${name} is typing…`, { id: 'ui.typing.one' });
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
  get readList() { return msg('Read', { id: 'ui.readList' }); },
  get unreadList() { return msg('Not read yet', { id: 'ui.unreadList' }); },
  get readersLabel() { return msg('Who has read this message', { id: 'ui.readersLabel' }); },
  get mentionsYou() { return msg('Mentions you', { id: 'ui.mentionsYou' }); },
};

export type UiStrings = typeof ui;

/** The labels of the thread and the forward dialog, in the active locale. */
export function uiStrings(): UiStrings {
  return ui;
}
