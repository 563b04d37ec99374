/**
 * Every error Natter reports, in one table: a stable name, a stable number, the HTTP status
 * REST answers with, and a human sentence. Frames carry `{code, name, message}`; REST bodies too.
 * Numbers are grouped: 1xxx protocol, 2xxx authentication, 3xxx permission, 4xxx content,
 * 5xxx limits, 6xxx client-side send failures, 9xxx server.
 */
export const ERRORS = {
  BAD_FRAME: { code: 1000, status: 400, message: 'The frame is not valid JSON or does not match the protocol.' },
  FRAME_TOO_LARGE: { code: 1001, status: 413, message: 'The frame is larger than the server accepts.' },
  PROTOCOL_MISMATCH: { code: 1002, status: 400, message: 'The client speaks another protocol version.' },
  BAD_REQUEST: { code: 1003, status: 400, message: 'The request is not valid.' },
  NOT_FOUND: { code: 1004, status: 404, message: 'There is nothing at this address.' },

  UNAUTHENTICATED: { code: 2000, status: 401, message: 'Open a session with a valid token first.' },
  TOKEN_INVALID: { code: 2001, status: 401, message: 'The token is not valid.' },
  TOKEN_EXPIRED: { code: 2002, status: 401, message: 'The token has expired.' },
  ADMIN_REQUIRED: { code: 2003, status: 403, message: 'This needs the admin key.' },
  USER_DELETED: { code: 2004, status: 401, message: 'This user no longer exists.' },
  ORIGIN_NOT_ALLOWED: { code: 2005, status: 403, message: 'This site is not allowed to use this chat server.' },

  NOT_MEMBER: { code: 3000, status: 403, message: 'You are not a member of this conversation.' },
  NOT_FRIENDS: { code: 3001, status: 403, message: 'You can only message friends.' },
  BLOCKED: { code: 3002, status: 403, message: 'This user does not accept your messages.' },
  USER_UNKNOWN: { code: 3003, status: 404, message: 'There is no such user.' },
  GROUP_UNKNOWN: { code: 3004, status: 404, message: 'There is no such group.' },
  GROUP_EXISTS: { code: 3005, status: 409, message: 'A group with this id already exists.' },
  SELF_CONVERSATION: { code: 3006, status: 400, message: 'You cannot start a conversation with yourself.' },
  FILE_FORBIDDEN: { code: 3007, status: 403, message: 'You may not use this file.' },

  MESSAGE_TOO_LARGE: { code: 4000, status: 413, message: 'The message is too large.' },
  FILE_TOO_LARGE: { code: 4001, status: 413, message: 'The file is too large.' },
  NOT_FORWARDABLE: { code: 4002, status: 422, message: 'System notifications and call events cannot be forwarded.' },
  MESSAGE_UNKNOWN: { code: 4003, status: 404, message: 'There is no such message, or you cannot see it.' },
  CLIENT_MSG_ID_REUSED: { code: 4004, status: 409, message: 'This clientMsgId was already used for another conversation.' },
  FILE_NOT_FOUND: { code: 4005, status: 404, message: 'There is no such file.' },

  RATE_LIMITED: { code: 5000, status: 429, message: 'You are sending too fast. Try again shortly.' },
  BROADCAST_RATE_LIMITED: { code: 5001, status: 416, message: 'The broadcast limit is reached. Try again after it resets.' },
  TOO_MANY_CONNECTIONS: { code: 5002, status: 429, message: 'Too many connections.' },

  TIMEOUT: { code: 6000, status: 504, message: 'No connection: the message was not confirmed in time.' },
  UPLOAD_FAILED: { code: 6001, status: 502, message: 'The attachment could not be uploaded.' },
  CANCELLED: { code: 6002, status: 499, message: 'Cancelled.' },
  UPLOAD_CANCELLED: { code: 6003, status: 499, message: 'The upload was cancelled.' },

  INTERNAL: { code: 9000, status: 500, message: 'Something went wrong on the server.' },
  UNAVAILABLE: { code: 9001, status: 503, message: 'The server cannot store messages right now. Try again.' },
  SHUTTING_DOWN: { code: 9002, status: 503, message: 'The server is restarting.' },
} as const satisfies Record<string, { code: number; status: number; message: string }>;

export type ErrorName = keyof typeof ERRORS;

/** The wire shape of an error (frames and REST bodies). */
export interface ErrorBody {
  code: number;
  name: ErrorName;
  message: string;
  /** For rate limits: when a retry can succeed. */
  retryAfterMs?: number;
}

/** Errors a client should retry on its own when the connection returns; others wait for the user. */
const TRANSIENT: ReadonlySet<ErrorName> = new Set([
  'TIMEOUT',
  'UNAVAILABLE',
  'SHUTTING_DOWN',
  'INTERNAL',
  'UNAUTHENTICATED',
]);

export function isTransient(name: ErrorName): boolean {
  return TRANSIENT.has(name);
}

const BY_CODE = new Map<number, ErrorName>(
  (Object.keys(ERRORS) as ErrorName[]).map((name) => [ERRORS[name].code, name]),
);

export function errorNameOf(code: number): ErrorName | undefined {
  return BY_CODE.get(code);
}

/** The one error type of Natter, on both sides of the wire. `name` is the stable name. */
export class ChatError extends Error {
  override readonly name: ErrorName;
  readonly code: number;
  readonly status: number;
  readonly retryAfterMs?: number;

  constructor(name: ErrorName, message?: string, options?: { retryAfterMs?: number; cause?: unknown }) {
    super(message ?? ERRORS[name].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.code = ERRORS[name].code;
    this.status = ERRORS[name].status;
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
