import { msg, str } from '@lit/localize';
import type { ErrorBody, ErrorName } from '../../protocol/errors.js';
import { formatLocale } from './localize.js';
import { composerStrings } from './composer.js';
import { formatUntil } from '../format.js';

/** A link preview's proxied picture that cannot be shown (PREVIEW_IMAGE_INVALID, _REFUSED, _UNAVAILABLE): one sentence for the three. */
const previewImage = () => msg('The picture is no longer available.', { id: 'error.PREVIEW_IMAGE' });

/** A frame or request the server could not accept (BAD_FRAME, BAD_REQUEST): one sentence for the two. */
const invalid = () => msg('The message is not valid and cannot be sent.', { id: 'error.BAD_FRAME' });

/**
 * Why a message could not be sent or forwarded, as a sentence a person understands, in the
 * active locale. The protocol's own `message` is English and written for developers; the
 * thread shows these. Codes only a page's own script can earn (MERGER_FORGED: a merger elem
 * passed to `send`, which the widget never does) get the generic sentence.
 */
const SENTENCES: Partial<Record<ErrorName, () => string>> = {
  TIMEOUT: () => msg('No connection: the message was not confirmed in time. It is sent when you are back online.', { id: 'error.TIMEOUT' }),
  UNAVAILABLE: () => msg('The server could not store the message. Try again.', { id: 'error.UNAVAILABLE' }),
  SHUTTING_DOWN: () => msg('The server is restarting. The message is sent when it is back.', { id: 'error.SHUTTING_DOWN' }),
  INTERNAL: () => msg('Something went wrong on the server. Try again.', { id: 'error.INTERNAL' }),
  UPLOAD_FAILED: () => msg('The attachment could not be uploaded.', { id: 'error.UPLOAD_FAILED' }),
  RATE_LIMITED: () => msg('You are sending too fast. Wait a moment, then try again.', { id: 'error.RATE_LIMITED' }),
  BLOCKED: () => msg('This person does not accept your messages.', { id: 'error.BLOCKED' }),
  NOT_FRIENDS: () => msg('You can only message people who are your friends.', { id: 'error.NOT_FRIENDS' }),
  MESSAGE_TOO_LARGE: () => msg('The message is too long to send.', { id: 'error.MESSAGE_TOO_LARGE' }),
  FILE_TOO_LARGE: () => msg('The file is too large to send.', { id: 'error.FILE_TOO_LARGE' }),
  FILE_FORBIDDEN: () => msg('You may not share this file here.', { id: 'error.FILE_FORBIDDEN' }),
  FILE_NOT_FOUND: () => msg('The file is no longer available.', { id: 'error.FILE_NOT_FOUND' }),
  UPLOAD_CANCELLED: () => msg('The upload was cancelled.', { id: 'error.UPLOAD_CANCELLED' }),
  NOT_MEMBER: () => msg('You are not a member of this conversation.', { id: 'error.NOT_MEMBER' }),
  USER_UNKNOWN: () => msg('There is no user with this id.', { id: 'error.USER_UNKNOWN' }),
  GROUP_UNKNOWN: () => msg('This group does not exist.', { id: 'error.GROUP_UNKNOWN' }),
  SELF_CONVERSATION: () => msg('You cannot send messages to yourself.', { id: 'error.SELF_CONVERSATION' }),
  NOT_FORWARDABLE: () => msg('System notifications and call events cannot be forwarded.', { id: 'error.NOT_FORWARDABLE' }),
  MESSAGE_UNKNOWN: () => msg('The original message is no longer available to you.', { id: 'error.MESSAGE_UNKNOWN' }),
  CLIENT_MSG_ID_REUSED: () => msg('This message was already sent to another conversation.', { id: 'error.CLIENT_MSG_ID_REUSED' }),
  BAD_FRAME: invalid,
  BAD_REQUEST: invalid,
  ADMIN_REQUIRED: () => msg('Only the server may send this kind of message.', { id: 'error.ADMIN_REQUIRED' }),
  CANCELLED: () => msg('Sending was cancelled.', { id: 'error.CANCELLED' }),
  MERGER_TOO_DEEP: () => msg('This chat history already holds forwarded history too many levels deep.', { id: 'error.MERGER_TOO_DEEP' }),
  UPLOAD_QUOTA_EXCEEDED: () => msg('You have too many files waiting to be sent. Send or remove some, then try again.', { id: 'error.UPLOAD_QUOTA_EXCEEDED' }),
};

/**
 * The sentence for a failure, in the active locale. A rate-limited one says when to retry
 * (`retryAt`, ms since the epoch, as the client records it, shown as a clock time of the
 * formatting locale), as does a mute's end, before the muter's `reason`; one the site's
 * before-send hook refused shows the site's `reason`, one the
 * word list refused says so (`reasonCode`); a code
 * without a sentence gets the generic one.
 */
export function errorText(error: Pick<ErrorBody, 'name' | 'reason' | 'reasonCode'> | undefined, retryAt?: number): string {
  if (error?.name === 'RATE_LIMITED' && retryAt !== undefined) {
    const time = new Intl.DateTimeFormat(formatLocale(), { hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(retryAt);
    return msg(str`You are sending too fast. Try again at ${time}.`, { id: 'error.retryAt' });
  }
  // Muted: that, and until when, as the composer's notice says it (in the reader's language), then the muter's words.
  if (error?.name === 'MUTED') {
    const t = composerStrings();
    const text = retryAt === undefined ? t.mutedEverywhere : t.mutedEverywhereUntil(formatUntil(retryAt));
    return error.reason ? `${text} ${t.muteReason(error.reason)}` : text;
  }
  // The site's before-send hook said why, in its own words (and language): shown as given.
  if (error?.reason) return error.reason;
  // The server's own word list refused it: said here, in the reader's language.
  if (error?.reasonCode === 'word-list') return msg('This message contains a word this site does not allow.', { id: 'error.word-list' });
  const sentence = error ? SENTENCES[error.name] ?? (error.name.startsWith('PREVIEW_IMAGE') ? previewImage : undefined) : undefined;
  return sentence ? sentence() : msg('The message could not be sent.', { id: 'error.fallback' });
}

/** Why a change was refused, for the codes only changes get. */
const REFUSALS: Partial<Record<string, () => string>> = {
  NOT_MESSAGE_SENDER: () => msg('Only the sender can do this to the message.', { id: 'changes.error.NOT_MESSAGE_SENDER' }),
  PIN_FORBIDDEN: () => msg('You may not pin messages in this conversation.', { id: 'changes.error.PIN_FORBIDDEN' }),
  MESSAGE_RECALLED: () => msg('The message was recalled.', { id: 'changes.error.MESSAGE_RECALLED' }),
  NOT_EDITABLE: () => msg('Only text messages can be edited.', { id: 'changes.error.NOT_EDITABLE' }),
  CHANGE_WINDOW_EXPIRED: () => msg('It is too late to change this message.', { id: 'changes.error.CHANGE_WINDOW_EXPIRED' }),
  REACTIONS_LIMIT: () => msg('This message has as many different reactions as it can take.', { id: 'changes.error.REACTIONS_LIMIT' }),
  USER_REACTIONS_LIMIT: () => msg('You have reacted to this message as often as you can.', { id: 'changes.error.USER_REACTIONS_LIMIT' }),
  PINS_LIMIT: () => msg('This conversation has as many pinned messages as it can take.', { id: 'changes.error.PINS_LIMIT' }),
};

/** The sentence for a refused change: its own for change codes, else the message one. */
export function changeErrorText(error: Pick<ErrorBody, 'name'> | undefined): string {
  const own = error ? REFUSALS[error.name] : undefined;
  return own ? own() : errorText(error);
}
