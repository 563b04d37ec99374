import { msg, str } from '@lit/localize';
import type { ErrorBody, ErrorName } from '../../protocol/errors.js';
import { formatLocale } from './localize.js';

/** A link preview's proxied picture that cannot be shown (PREVIEW_IMAGE_INVALID, _REFUSED, _UNAVAILABLE): one sentence for the three. */
const previewImage = () => msg('The picture is no longer available.', { id: 'error.PREVIEW_IMAGE' });

/**
 * Why a message could not be sent or forwarded, as a sentence a person understands, in the
 * active locale. The protocol's own `message` is English and written for developers; the
 * thread shows these.
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
  BAD_FRAME: () => msg('The message is not valid and cannot be sent.', { id: 'error.BAD_FRAME' }),
  BAD_REQUEST: () => msg('The message is not valid and cannot be sent.', { id: 'error.BAD_REQUEST' }),
  ADMIN_REQUIRED: () => msg('Only the server may send this kind of message.', { id: 'error.ADMIN_REQUIRED' }),
  CANCELLED: () => msg('Sending was cancelled.', { id: 'error.CANCELLED' }),
  MERGER_FORGED: () => msg('Chat history can only be forwarded from messages you can see.', { id: 'error.MERGER_FORGED' }),
  MERGER_TOO_DEEP: () => msg('This chat history already holds forwarded history too many levels deep.', { id: 'error.MERGER_TOO_DEEP' }),
  MUTED: () => msg('You are muted and cannot send messages here now.', { id: 'error.MUTED' }),
  UPLOAD_QUOTA_EXCEEDED: () => msg('You have too many files waiting to be sent. Send or remove some, then try again.', { id: 'error.UPLOAD_QUOTA_EXCEEDED' }),
};

/**
 * The sentence for a failure, in the active locale. A rate-limited one says when to retry
 * (`retryAt`, ms since the epoch, as the client records it, shown as a clock time of the
 * formatting locale); one the site's before-send hook refused shows the site's `reason`, one the
 * word list refused says so (`reasonCode`); a code
 * without a sentence gets the generic one.
 */
export function errorText(error: Pick<ErrorBody, 'name' | 'reason' | 'reasonCode'> | undefined, retryAt?: number): string {
  if (error?.name === 'RATE_LIMITED' && retryAt !== undefined) {
    const time = new Intl.DateTimeFormat(formatLocale(), { hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(retryAt);
    return msg(str`You are sending too fast. Try again at ${time}.`, { id: 'error.retryAt' });
  }
  // The site's before-send hook said why, in its own words (and language): shown as given.
  if (error?.reason) return error.reason;
  // The server's own word list refused it: said here, in the reader's language.
  if (error?.reasonCode === 'word-list') return msg('This message contains a word this site does not allow.', { id: 'error.word-list' });
  const sentence = error ? SENTENCES[error.name] ?? (error.name.startsWith('PREVIEW_IMAGE') ? previewImage : undefined) : undefined;
  return sentence ? sentence() : msg('The message could not be sent.', { id: 'error.fallback' });
}
