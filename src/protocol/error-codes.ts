/**
 * Every error Natter reports: a stable name and a stable number. Frames carry `{code, name,
 * message}`; REST bodies too. The HTTP status REST answers with is in `./errors.ts`
 * (`ERROR_STATUSES`), with the server's sentences: a page never needs either. Numbers are grouped: 1xxx
 * protocol, 2xxx authentication, 3xxx permission, 4xxx content, 5xxx limits, 6xxx client-side
 * send failures, 9xxx server.
 *
 * This module is what a client needs (the client and the elements import it, not `./errors.js`):
 * the server's English sentences live in `./errors.ts` (`ERROR_MESSAGES`), which a page never
 * downloads; people read the elements' translated sentences (`src/elements/i18n/errors.ts`).
 */
export const ERROR_CODES = {
  BAD_FRAME: { code: 1000 },
  FRAME_TOO_LARGE: { code: 1001 },
  PROTOCOL_MISMATCH: { code: 1002 },
  BAD_REQUEST: { code: 1003 },
  NOT_FOUND: { code: 1004 },

  UNAUTHENTICATED: { code: 2000 },
  TOKEN_INVALID: { code: 2001 },
  TOKEN_EXPIRED: { code: 2002 },
  ADMIN_REQUIRED: { code: 2003 },
  USER_DELETED: { code: 2004 },
  ORIGIN_NOT_ALLOWED: { code: 2005 },
  USER_BANNED: { code: 2006 },

  NOT_MEMBER: { code: 3000 },
  NOT_FRIENDS: { code: 3001 },
  BLOCKED: { code: 3002 },
  USER_UNKNOWN: { code: 3003 },
  GROUP_UNKNOWN: { code: 3004 },
  GROUP_EXISTS: { code: 3005 },
  SELF_CONVERSATION: { code: 3006 },
  FILE_FORBIDDEN: { code: 3007 },
  NOT_MESSAGE_SENDER: { code: 3008 },
  PIN_FORBIDDEN: { code: 3009 },
  MUTED: { code: 3010 },
  PUSH_DISABLED: { code: 3014 },
  MUTES_LIMIT: { code: 3015 },
  GROUP_ROLE_REQUIRED: { code: 3016 },
  GROUP_CREATE_FORBIDDEN: { code: 3017 },
  OWNER_CANNOT_LEAVE: { code: 3018 },
  PRESENCE_FORBIDDEN: { code: 3021 },
  PRESENCE_DISABLED: { code: 3022 },
  FRIEND_REQUEST_UNKNOWN: { code: 3023 },

  MESSAGE_TOO_LARGE: { code: 4000 },
  FILE_TOO_LARGE: { code: 4001 },
  NOT_FORWARDABLE: { code: 4002 },
  MESSAGE_UNKNOWN: { code: 4003 },
  CLIENT_MSG_ID_REUSED: { code: 4004 },
  FILE_NOT_FOUND: { code: 4005 },
  MERGER_FORGED: { code: 4006 },
  MERGER_TOO_DEEP: { code: 4007 },
  MESSAGE_RECALLED: { code: 4008 },
  NOT_EDITABLE: { code: 4009 },
  CHANGE_WINDOW_EXPIRED: { code: 4010 },
  REPLY_INVALID: { code: 4011 },
  SEARCH_QUERY_INVALID: { code: 4012 },
  SEARCH_CURSOR_INVALID: { code: 4013 },
  WEBHOOK_URL_INVALID: { code: 4015 },
  MESSAGE_REJECTED: { code: 4016 },
  PUSH_ENDPOINT_REFUSED: { code: 4018 },
  PUSH_KEYS_INVALID: { code: 4019 },
  GROUP_DISMISSED: { code: 4023 },
  REPORT_OWN_MESSAGE: { code: 4024 },
  REPORT_UNKNOWN: { code: 4025 },
  REPORT_CLOSED: { code: 4026 },
  PREVIEW_REFUSED: { code: 4020 },
  PREVIEW_UNAVAILABLE: { code: 4021 },
  PREVIEW_INVALID: { code: 4022 },
  PREVIEW_IMAGE_INVALID: { code: 4031 },
  PREVIEW_IMAGE_REFUSED: { code: 4032 },
  PREVIEW_IMAGE_UNAVAILABLE: { code: 4033 },
  WORDLIST_INVALID: { code: 4027 },

  RATE_LIMITED: { code: 5000 },
  BROADCAST_RATE_LIMITED: { code: 5001 },
  TOO_MANY_CONNECTIONS: { code: 5002 },
  UPLOAD_QUOTA_EXCEEDED: { code: 5003 },
  REACTIONS_LIMIT: { code: 5004 },
  USER_REACTIONS_LIMIT: { code: 5005 },
  PINS_LIMIT: { code: 5006 },
  PUSH_SUBSCRIPTIONS_LIMIT: { code: 5009 },
  GROUP_FULL: { code: 5011 },
  REPORTS_RATE_LIMITED: { code: 5012 },
  FRIEND_REQUESTS_LIMIT: { code: 5013 },

  TIMEOUT: { code: 6000 },
  UPLOAD_FAILED: { code: 6001 },
  CANCELLED: { code: 6002 },
  UPLOAD_CANCELLED: { code: 6003 },

  INTERNAL: { code: 9000 },
  UNAVAILABLE: { code: 9001 },
  SHUTTING_DOWN: { code: 9002 },
} as const satisfies Record<string, { code: number }>;

export type ErrorName = keyof typeof ERROR_CODES;

/** The wire shape of an error (frames and REST bodies). */
export interface ErrorBody {
  code: number;
  name: ErrorName;
  message: string;
  /** For rate limits: when a retry can succeed. */
  retryAfterMs?: number;
  /** The site's words for the user, shown as given: a before-send rejection's, a ban's or a mute's reason. */
  reason?: string;
  /** Why the server itself refused, as a code the client words in its reader's language: `word-list` (MESSAGE_REJECTED by the word list). */
  reasonCode?: string;
}

/** Errors a client should retry on its own when the connection returns; others wait for the user. */
const TRANSIENT: ReadonlySet<ErrorName> = new Set(['TIMEOUT', 'UNAVAILABLE', 'SHUTTING_DOWN', 'INTERNAL', 'UNAUTHENTICATED']);

export function isTransient(name: ErrorName): boolean {
  return TRANSIENT.has(name);
}

const BY_CODE = new Map<number, ErrorName>((Object.keys(ERROR_CODES) as ErrorName[]).map((name) => [ERROR_CODES[name].code, name]));

export function errorNameOf(code: number): ErrorName | undefined {
  return BY_CODE.get(code);
}

let defaultMessages: Readonly<Partial<Record<ErrorName, string>>> = {};

/**
 * The sentences a ChatError made without a message carries from now on, in this JavaScript
 * realm: `./errors.ts` installs the server's English ones when it loads (the server, and whoever
 * imports `natter/protocol`). Without them, such an error's message is its name.
 */
export function setDefaultErrorMessages(messages: Readonly<Partial<Record<ErrorName, string>>>): void {
  defaultMessages = messages;
}

/** The one error type of Natter, on both sides of the wire. `name` is the stable name. */
export class ChatError extends Error {
  override readonly name: ErrorName;
  readonly code: number;
  /**
   * The HTTP status REST answers with (`ERROR_STATUSES`): a getter `./errors.ts` installs when it
   * loads (the server, `natter/protocol`); undefined in a client that has not loaded it.
   */
  declare readonly status: number;
  readonly retryAfterMs?: number;

  /** Without `message`: the installed default sentence (see {@link setDefaultErrorMessages}), else the name. */
  constructor(name: ErrorName, message?: string, options?: { retryAfterMs?: number; cause?: unknown }) {
    super(message ?? defaultMessages[name] ?? name, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.code = ERROR_CODES[name].code;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  toJSON(): ErrorBody {
    const body: ErrorBody = { code: this.code, name: this.name, message: this.message };
    if (this.retryAfterMs !== undefined) body.retryAfterMs = this.retryAfterMs;
    return body;
  }

  static from(body: ErrorBody): ChatError {
    const name = errorNameOf(body.code) ?? 'INTERNAL';
    return new ChatError(name, body.message, { retryAfterMs: body.retryAfterMs });
  }
}
