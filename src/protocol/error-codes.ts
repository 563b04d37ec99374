/**
 * Every error Natter reports: a stable name, a stable number and the HTTP status REST answers
 * with. Frames carry `{code, name, message}`; REST bodies too. Numbers are grouped: 1xxx
 * protocol, 2xxx authentication, 3xxx permission, 4xxx content, 5xxx limits, 6xxx client-side
 * send failures, 9xxx server.
 *
 * This module is what a client needs (the client and the elements import it, not `./errors.js`):
 * the server's English sentences live in `./errors.ts` (`ERROR_MESSAGES`), which a page never
 * downloads; people read the elements' translated sentences (`src/elements/i18n/errors.ts`).
 */
export const ERROR_CODES = {
  BAD_FRAME: { code: 1000, status: 400 },
  FRAME_TOO_LARGE: { code: 1001, status: 413 },
  PROTOCOL_MISMATCH: { code: 1002, status: 400 },
  BAD_REQUEST: { code: 1003, status: 400 },
  NOT_FOUND: { code: 1004, status: 404 },

  UNAUTHENTICATED: { code: 2000, status: 401 },
  TOKEN_INVALID: { code: 2001, status: 401 },
  TOKEN_EXPIRED: { code: 2002, status: 401 },
  ADMIN_REQUIRED: { code: 2003, status: 403 },
  USER_DELETED: { code: 2004, status: 401 },
  ORIGIN_NOT_ALLOWED: { code: 2005, status: 403 },
  USER_BANNED: { code: 2006, status: 403 },

  NOT_MEMBER: { code: 3000, status: 403 },
  NOT_FRIENDS: { code: 3001, status: 403 },
  BLOCKED: { code: 3002, status: 403 },
  USER_UNKNOWN: { code: 3003, status: 404 },
  GROUP_UNKNOWN: { code: 3004, status: 404 },
  GROUP_EXISTS: { code: 3005, status: 409 },
  SELF_CONVERSATION: { code: 3006, status: 400 },
  FILE_FORBIDDEN: { code: 3007, status: 403 },
  NOT_MESSAGE_SENDER: { code: 3008, status: 403 },
  PIN_FORBIDDEN: { code: 3009, status: 403 },
  MUTED: { code: 3010, status: 403 },
  PUSH_DISABLED: { code: 3014, status: 404 },
  MUTES_LIMIT: { code: 3015, status: 422 },
  GROUP_ROLE_REQUIRED: { code: 3016, status: 403 },
  GROUP_CREATE_FORBIDDEN: { code: 3017, status: 403 },
  OWNER_CANNOT_LEAVE: { code: 3018, status: 409 },

  MESSAGE_TOO_LARGE: { code: 4000, status: 413 },
  FILE_TOO_LARGE: { code: 4001, status: 413 },
  NOT_FORWARDABLE: { code: 4002, status: 422 },
  MESSAGE_UNKNOWN: { code: 4003, status: 404 },
  CLIENT_MSG_ID_REUSED: { code: 4004, status: 409 },
  FILE_NOT_FOUND: { code: 4005, status: 404 },
  MERGER_FORGED: { code: 4006, status: 403 },
  MERGER_TOO_DEEP: { code: 4007, status: 422 },
  MESSAGE_RECALLED: { code: 4008, status: 410 },
  NOT_EDITABLE: { code: 4009, status: 422 },
  CHANGE_WINDOW_EXPIRED: { code: 4010, status: 422 },
  REPLY_INVALID: { code: 4011, status: 422 },
  SEARCH_QUERY_INVALID: { code: 4012, status: 400 },
  SEARCH_CURSOR_INVALID: { code: 4013, status: 400 },
  WEBHOOK_URL_INVALID: { code: 4015, status: 422 },
  MESSAGE_REJECTED: { code: 4016, status: 422 },
  PUSH_ENDPOINT_REFUSED: { code: 4018, status: 422 },
  PUSH_KEYS_INVALID: { code: 4019, status: 422 },
  GROUP_DISMISSED: { code: 4023, status: 410 },
  PREVIEW_REFUSED: { code: 4020, status: 422 },
  PREVIEW_UNAVAILABLE: { code: 4021, status: 422 },
  PREVIEW_INVALID: { code: 4022, status: 422 },

  RATE_LIMITED: { code: 5000, status: 429 },
  BROADCAST_RATE_LIMITED: { code: 5001, status: 416 },
  TOO_MANY_CONNECTIONS: { code: 5002, status: 429 },
  UPLOAD_QUOTA_EXCEEDED: { code: 5003, status: 413 },
  REACTIONS_LIMIT: { code: 5004, status: 422 },
  USER_REACTIONS_LIMIT: { code: 5005, status: 422 },
  PINS_LIMIT: { code: 5006, status: 422 },
  PUSH_SUBSCRIPTIONS_LIMIT: { code: 5009, status: 422 },
  GROUP_FULL: { code: 5011, status: 422 },

  TIMEOUT: { code: 6000, status: 504 },
  UPLOAD_FAILED: { code: 6001, status: 502 },
  CANCELLED: { code: 6002, status: 499 },
  UPLOAD_CANCELLED: { code: 6003, status: 499 },

  INTERNAL: { code: 9000, status: 500 },
  UNAVAILABLE: { code: 9001, status: 503 },
  SHUTTING_DOWN: { code: 9002, status: 503 },
} as const satisfies Record<string, { code: number; status: number }>;

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
  readonly status: number;
  readonly retryAfterMs?: number;

  /** Without `message`: the installed default sentence (see {@link setDefaultErrorMessages}), else the name. */
  constructor(name: ErrorName, message?: string, options?: { retryAfterMs?: number; cause?: unknown }) {
    super(message ?? defaultMessages[name] ?? name, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.code = ERROR_CODES[name].code;
    this.status = ERROR_CODES[name].status;
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
