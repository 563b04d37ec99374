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
/**
 * The errors a client raises itself (its own time-outs, cancellations, failed uploads, frames it
 * cannot read …): a `ChatError` made by name finds its number here. The others are raised by the
 * server and reach a client with their number in the frame or REST body (`ChatError.from`), so
 * the script tag carries only these numbers, not the whole table (test/protocol/errors.test.ts
 * checks that every `new ChatError(…)` of the client and the elements names one of them).
 */
const RAISED = {
  BAD_FRAME: 1000,
  FRAME_TOO_LARGE: 1001,
  BAD_REQUEST: 1003,
  MESSAGE_TOO_LARGE: 4000,
  FILE_TOO_LARGE: 4001,
  NOT_FORWARDABLE: 4002,
  MESSAGE_UNKNOWN: 4003,
  SEARCH_QUERY_INVALID: 4012,
  PREVIEW_UNAVAILABLE: 4021,
  TIMEOUT: 6000,
  UPLOAD_FAILED: 6001,
  CANCELLED: 6002,
  UPLOAD_CANCELLED: 6003,
  INTERNAL: 9000,
  UNAVAILABLE: 9001,
} as const satisfies Record<string, number>;

/** The errors only the server raises. */
const SERVER_RAISED = {
  PROTOCOL_MISMATCH: 1002,
  NOT_FOUND: 1004,

  UNAUTHENTICATED: 2000,
  TOKEN_INVALID: 2001,
  TOKEN_EXPIRED: 2002,
  ADMIN_REQUIRED: 2003,
  USER_DELETED: 2004,
  ORIGIN_NOT_ALLOWED: 2005,
  USER_BANNED: 2006,

  NOT_MEMBER: 3000,
  NOT_FRIENDS: 3001,
  BLOCKED: 3002,
  USER_UNKNOWN: 3003,
  GROUP_UNKNOWN: 3004,
  GROUP_EXISTS: 3005,
  SELF_CONVERSATION: 3006,
  FILE_FORBIDDEN: 3007,
  NOT_MESSAGE_SENDER: 3008,
  PIN_FORBIDDEN: 3009,
  MUTED: 3010,
  PUSH_DISABLED: 3014,
  MUTES_LIMIT: 3015,
  GROUP_ROLE_REQUIRED: 3016,
  GROUP_CREATE_FORBIDDEN: 3017,
  OWNER_CANNOT_LEAVE: 3018,
  PRESENCE_FORBIDDEN: 3021,
  PRESENCE_DISABLED: 3022,
  FRIEND_REQUEST_UNKNOWN: 3023,

  CLIENT_MSG_ID_REUSED: 4004,
  FILE_NOT_FOUND: 4005,
  MERGER_FORGED: 4006,
  MERGER_TOO_DEEP: 4007,
  MESSAGE_RECALLED: 4008,
  NOT_EDITABLE: 4009,
  CHANGE_WINDOW_EXPIRED: 4010,
  REPLY_INVALID: 4011,
  SEARCH_CURSOR_INVALID: 4013,
  SEARCH_FILTER_INVALID: 4040,
  WEBHOOK_URL_INVALID: 4015,
  MESSAGE_REJECTED: 4016,
  PUSH_ENDPOINT_REFUSED: 4018,
  PUSH_KEYS_INVALID: 4019,
  GROUP_DISMISSED: 4023,
  REPORT_OWN_MESSAGE: 4024,
  REPORT_UNKNOWN: 4025,
  REPORT_CLOSED: 4026,
  PREVIEW_REFUSED: 4020,
  PREVIEW_INVALID: 4022,
  PREVIEW_IMAGE_INVALID: 4031,
  PREVIEW_IMAGE_REFUSED: 4032,
  PREVIEW_IMAGE_UNAVAILABLE: 4033,
  WORDLIST_INVALID: 4027,
  TEXT_NUL: 4041,

  RATE_LIMITED: 5000,
  BROADCAST_RATE_LIMITED: 5001,
  TOO_MANY_CONNECTIONS: 5002,
  UPLOAD_QUOTA_EXCEEDED: 5003,
  REACTIONS_LIMIT: 5004,
  USER_REACTIONS_LIMIT: 5005,
  PINS_LIMIT: 5006,
  PUSH_SUBSCRIPTIONS_LIMIT: 5009,
  GROUP_FULL: 5011,
  REPORTS_RATE_LIMITED: 5012,
  FRIEND_REQUESTS_LIMIT: 5013,

  SHUTTING_DOWN: 9002,
} as const satisfies Record<string, number>;

/**
 * The numbers `new ChatError(name)` finds: the client's own (`RAISED`) until `ERROR_CODES` is built,
 * or the server's sentences are installed (`./errors.ts`), all of them. A bundle that does neither
 * (the script tag) leaves the table out; the server, `natter/protocol` and Node load it whole.
 */
let known: Readonly<Record<string, number>> = RAISED;

/** Every error (a spread in a function: a bundler keeps a module-level spread, which could run a getter). */
const everyNumber = () => ({ ...RAISED, ...SERVER_RAISED });

/**
 * By name, `{ code }`: built from the table above, which states each number once (the shipped
 * bundles carry `NAME:1000`, not `NAME:{code:1000}` ninety times).
 */
export const ERROR_CODES = /* @__PURE__ */ everyCode();

function everyCode() {
  known = everyNumber();
  return Object.fromEntries(Object.entries(known).map(([name, code]) => [name, { code }])) as {
    readonly [K in keyof AllCodes]: { readonly code: AllCodes[K] };
  };
}
type AllCodes = typeof RAISED & typeof SERVER_RAISED;

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
  /** The one user id of a request naming several that the refusal is about (USER_UNKNOWN, NOT_FRIENDS: a group invite's). */
  userId?: string;
}

/** Errors a client should retry on its own when the connection returns; others wait for the user. */
const TRANSIENT: ReadonlySet<ErrorName> = new Set(['TIMEOUT', 'UNAVAILABLE', 'SHUTTING_DOWN', 'INTERNAL', 'UNAUTHENTICATED']);

export function isTransient(name: ErrorName): boolean {
  return TRANSIENT.has(name);
}

export function errorNameOf(code: number): ErrorName | undefined {
  return (Object.keys(ERROR_CODES) as ErrorName[]).find((name) => ERROR_CODES[name].code === code);
}

let defaultMessages: Readonly<Partial<Record<ErrorName, string>>> = {};

/**
 * The sentences a ChatError made without a message carries from now on, in this JavaScript
 * realm: `./errors.ts` installs the server's English ones when it loads (the server, and whoever
 * imports `natter/protocol`). Without them, such an error's message is its name.
 */
export function setDefaultErrorMessages(messages: Readonly<Partial<Record<ErrorName, string>>>): void {
  defaultMessages = messages;
  // The server's side, bundled or not, raises every error by name.
  known = everyNumber();
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
  /** See {@link ErrorBody.userId}. */
  readonly userId?: string;
  /** The body `from` made it of: `toJSON` keeps its other fields (a refusal's `reason`, `reasonCode`: a forward's failure shows them). */
  #body?: ErrorBody;

  /** Without `message`: the installed default sentence (see {@link setDefaultErrorMessages}), else the name. */
  constructor(name: ErrorName, message?: string, options?: { retryAfterMs?: number; userId?: string; cause?: unknown; code?: number }) {
    super(message ?? defaultMessages[name] ?? name, options?.cause === undefined ? undefined : options);
    this.name = name;
    this.code = options?.code ?? known[name]!;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options?.userId !== undefined) this.userId = options.userId;
  }

  toJSON(): ErrorBody {
    const { code, name, message, retryAfterMs, userId } = this;
    return { ...this.#body, code, name, message, ...(retryAfterMs !== undefined && { retryAfterMs }), ...(userId !== undefined && { userId }) };
  }

  /**
   * A received error (a frame's, a REST body's, a persisted one's): its name and number as the body
   * gives them, so that a client needs no table to read them. A body without a name (not one of
   * Natter's) is INTERNAL.
   */
  static from(body: ErrorBody): ChatError {
    const named = typeof body.name === 'string';
    // (its retryAfterMs, userId and code; a body has no cause)
    const error = new ChatError(named ? body.name : 'INTERNAL', body.message, named ? body : { ...body, code: RAISED.INTERNAL });
    error.#body = body;
    return error;
  }
}
