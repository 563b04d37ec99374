import { ChatError, ERROR_CODES, setDefaultErrorMessages, type ErrorName } from './error-codes.js';

export { ChatError, ERROR_CODES, errorNameOf, isTransient, type ErrorBody, type ErrorName } from './error-codes.js';

/**
 * The server's sentence for every error: the `message` of the frames and REST bodies it sends
 * (English, written for developers; the elements show their own translated sentences). Kept
 * out of `./error-codes.ts` so that a client, which never needs them, does not download them.
 */
export const ERROR_MESSAGES = {
  BAD_FRAME: 'The frame is not valid JSON or does not match the protocol.',
  FRAME_TOO_LARGE: 'The frame is larger than the server accepts.',
  PROTOCOL_MISMATCH: 'The client speaks another protocol version.',
  BAD_REQUEST: 'The request is not valid.',
  NOT_FOUND: 'There is nothing at this address.',

  UNAUTHENTICATED: 'Open a session with a valid token first.',
  TOKEN_INVALID: 'The token is not valid.',
  TOKEN_EXPIRED: 'The token has expired.',
  ADMIN_REQUIRED: 'This needs the admin key.',
  USER_DELETED: 'This user no longer exists.',
  ORIGIN_NOT_ALLOWED: 'This site is not allowed to use this chat server.',
  USER_BANNED: 'This account is banned.',

  NOT_MEMBER: 'You are not a member of this conversation.',
  NOT_FRIENDS: 'You can only message friends.',
  BLOCKED: 'This user does not accept your messages.',
  USER_UNKNOWN: 'There is no such user.',
  GROUP_UNKNOWN: 'There is no such group.',
  GROUP_EXISTS: 'A group with this id already exists.',
  SELF_CONVERSATION: 'You cannot start a conversation with yourself.',
  FILE_FORBIDDEN: 'You may not use this file.',
  NOT_MESSAGE_SENDER: 'Only the sender of this message may do that.',
  PIN_FORBIDDEN: 'Only group admins may pin messages here.',
  MUTED: 'You are muted.',
  PUSH_DISABLED: 'Web Push is not enabled on this server.',
  MUTES_LIMIT: 'You have muted as many conversations as allowed. Unmute one first.',
  GROUP_ROLE_REQUIRED: "Your role in this group does not allow that.",
  GROUP_CREATE_FORBIDDEN: 'On this site only the site itself creates groups.',
  OWNER_CANNOT_LEAVE: 'The owner cannot leave the group: hand it over to another member or dismiss it.',
  PRESENCE_FORBIDDEN: 'You may only watch the presence of your 1:1 contacts and friends.',
  PRESENCE_DISABLED: 'Presence is turned off on this site.',
  FRIEND_REQUEST_UNKNOWN: 'There is no such pending friend request.',

  MESSAGE_TOO_LARGE: 'The message is too large.',
  FILE_TOO_LARGE: 'The file is too large.',
  NOT_FORWARDABLE: 'System notifications and call events cannot be forwarded.',
  MESSAGE_UNKNOWN: 'There is no such message, or you cannot see it.',
  CLIENT_MSG_ID_REUSED: 'This clientMsgId was already used for another conversation.',
  FILE_NOT_FOUND: 'There is no such file.',
  MERGER_FORGED: 'Chat history is forwarded by naming its messages (`forward`), not sent as a merger elem.',
  MERGER_TOO_DEEP: 'This chat history already holds forwarded chat history nested as deep as allowed; it cannot be merged into another.',
  MESSAGE_RECALLED: 'This message was recalled.',
  NOT_EDITABLE: 'Only text messages can be edited.',
  CHANGE_WINDOW_EXPIRED: 'The time to change this message has passed.',
  REPLY_INVALID: 'A reply must quote a message of the same conversation that you can see.',
  SEARCH_QUERY_INVALID: 'A search needs 1 to 8 words and at most 100 characters.',
  SEARCH_CURSOR_INVALID: 'This search cursor is not one a search returned.',
  SEARCH_FILTER_INVALID: 'This search filter is invalid.',
  WEBHOOK_URL_INVALID: 'A webhook URL must be an absolute http:// or https:// URL without credentials.',
  MESSAGE_REJECTED: 'This message was not accepted by the site.',
  PUSH_ENDPOINT_REFUSED: 'The push endpoint must be an https URL of a public push service.',
  PUSH_KEYS_INVALID: 'The subscription keys must be a P-256 public key (p256dh) and a 16-byte auth secret, base64url.',
  GROUP_DISMISSED: 'This group was dismissed.',
  REPORT_OWN_MESSAGE: 'You cannot report your own message.',
  REPORT_UNKNOWN: 'There is no such report.',
  REPORT_CLOSED: 'This report was already resolved or dismissed.',
  PREVIEW_REFUSED: 'Previews are made of public web pages only (http or https, ports 80 and 443).',
  PREVIEW_UNAVAILABLE: 'The page could not be previewed (unreachable, too slow, too large or not a web page).',
  PREVIEW_INVALID: 'The link preview does not come from this server, or its link is not in the text.',
  PREVIEW_IMAGE_INVALID: 'This preview picture key was not signed by this server.',
  PREVIEW_IMAGE_REFUSED: 'Preview pictures come from public web servers only (http or https, ports 80 and 443).',
  PREVIEW_IMAGE_UNAVAILABLE: 'The preview picture could not be fetched, or is not a PNG, JPEG, GIF or WebP image within the size limit.',
  WORDLIST_INVALID: 'A word list entry must hold a letter or digit, at most 100 characters, and the list at most 10000 entries.',
  TEXT_NUL: 'Names, reasons, notices, words and broadcasts may not hold U+0000 (NUL) or another control character (notices, reasons and broadcasts may hold tabs and line breaks).',

  RATE_LIMITED: 'You are sending too fast. Try again shortly.',
  BROADCAST_RATE_LIMITED: 'The broadcast limit is reached. Try again after it resets.',
  TOO_MANY_CONNECTIONS: 'Too many connections.',
  UPLOAD_QUOTA_EXCEEDED: 'Too many uploaded files are waiting to be sent. Send or wait for them to expire, then try again.',
  REACTIONS_LIMIT: 'This message has as many different reactions as allowed.',
  USER_REACTIONS_LIMIT: 'You have put as many different reactions on this message as allowed.',
  PINS_LIMIT: 'This conversation has as many pinned messages as allowed.',
  PUSH_SUBSCRIPTIONS_LIMIT: 'You have push subscriptions on as many devices as allowed. Remove one first.',
  GROUP_FULL: 'The group has as many members as allowed.',
  REPORTS_RATE_LIMITED: 'You have sent as many reports as allowed for now. Try again later.',
  FRIEND_REQUESTS_LIMIT: 'Too many friend requests are waiting for an answer. Wait for some, or cancel them.',

  TIMEOUT: 'No connection: the message was not confirmed in time.',
  UPLOAD_FAILED: 'The attachment could not be uploaded.',
  CANCELLED: 'Cancelled.',
  UPLOAD_CANCELLED: 'The upload was cancelled.',

  INTERNAL: 'Something went wrong on the server.',
  UNAVAILABLE: 'The server cannot store messages right now. Try again.',
  SHUTTING_DOWN: 'The server is restarting.',
} as const satisfies Record<ErrorName, string>;

/**
 * The HTTP status REST answers with, per error. Kept out of `./error-codes.ts` with the sentences:
 * only the server needs them. `ChatError#status` reads it once this module is loaded.
 */
export const ERROR_STATUSES = {
  BAD_FRAME: 400,
  FRAME_TOO_LARGE: 413,
  PROTOCOL_MISMATCH: 400,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,

  UNAUTHENTICATED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  ADMIN_REQUIRED: 403,
  USER_DELETED: 401,
  ORIGIN_NOT_ALLOWED: 403,
  USER_BANNED: 403,

  NOT_MEMBER: 403,
  NOT_FRIENDS: 403,
  BLOCKED: 403,
  USER_UNKNOWN: 404,
  GROUP_UNKNOWN: 404,
  GROUP_EXISTS: 409,
  SELF_CONVERSATION: 400,
  FILE_FORBIDDEN: 403,
  NOT_MESSAGE_SENDER: 403,
  PIN_FORBIDDEN: 403,
  MUTED: 403,
  PUSH_DISABLED: 404,
  MUTES_LIMIT: 422,
  GROUP_ROLE_REQUIRED: 403,
  GROUP_CREATE_FORBIDDEN: 403,
  OWNER_CANNOT_LEAVE: 409,
  PRESENCE_FORBIDDEN: 403,
  PRESENCE_DISABLED: 404,
  FRIEND_REQUEST_UNKNOWN: 404,

  MESSAGE_TOO_LARGE: 413,
  FILE_TOO_LARGE: 413,
  NOT_FORWARDABLE: 422,
  MESSAGE_UNKNOWN: 404,
  CLIENT_MSG_ID_REUSED: 409,
  FILE_NOT_FOUND: 404,
  MERGER_FORGED: 403,
  MERGER_TOO_DEEP: 422,
  MESSAGE_RECALLED: 410,
  NOT_EDITABLE: 422,
  CHANGE_WINDOW_EXPIRED: 422,
  REPLY_INVALID: 422,
  SEARCH_QUERY_INVALID: 400,
  SEARCH_CURSOR_INVALID: 400,
  SEARCH_FILTER_INVALID: 400,
  WEBHOOK_URL_INVALID: 422,
  MESSAGE_REJECTED: 422,
  PUSH_ENDPOINT_REFUSED: 422,
  PUSH_KEYS_INVALID: 422,
  GROUP_DISMISSED: 410,
  REPORT_OWN_MESSAGE: 422,
  REPORT_UNKNOWN: 404,
  REPORT_CLOSED: 409,
  PREVIEW_REFUSED: 422,
  PREVIEW_UNAVAILABLE: 422,
  PREVIEW_INVALID: 422,
  PREVIEW_IMAGE_INVALID: 403,
  PREVIEW_IMAGE_REFUSED: 422,
  PREVIEW_IMAGE_UNAVAILABLE: 502,
  WORDLIST_INVALID: 422,
  TEXT_NUL: 422,

  RATE_LIMITED: 429,
  BROADCAST_RATE_LIMITED: 416,
  TOO_MANY_CONNECTIONS: 429,
  UPLOAD_QUOTA_EXCEEDED: 413,
  REACTIONS_LIMIT: 422,
  USER_REACTIONS_LIMIT: 422,
  PINS_LIMIT: 422,
  PUSH_SUBSCRIPTIONS_LIMIT: 422,
  GROUP_FULL: 422,
  REPORTS_RATE_LIMITED: 429,
  FRIEND_REQUESTS_LIMIT: 429,

  TIMEOUT: 504,
  UPLOAD_FAILED: 502,
  CANCELLED: 499,
  UPLOAD_CANCELLED: 499,

  INTERNAL: 500,
  UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
} as const satisfies Record<ErrorName, number>;

/** Every error in one table: its stable number, the HTTP status REST answers with, and the server's sentence. */
export const ERRORS = Object.fromEntries(
  (Object.keys(ERROR_CODES) as ErrorName[]).map((name) => [name, { ...ERROR_CODES[name], status: ERROR_STATUSES[name], message: ERROR_MESSAGES[name] }]),
) as { readonly [K in ErrorName]: (typeof ERROR_CODES)[K] & { readonly status: (typeof ERROR_STATUSES)[K]; readonly message: (typeof ERROR_MESSAGES)[K] } };

// Whoever loads this module (the server, `natter/protocol`) gets these sentences on every
// ChatError made without a message of its own, as before the split.
setDefaultErrorMessages(ERROR_MESSAGES);
Object.defineProperty(ChatError.prototype, 'status', {
  configurable: true,
  get(this: ChatError) {
    return ERROR_STATUSES[this.name];
  },
});
