const KB = 1024;
const MB = 1024 * KB;

/**
 * Hard limits shared by client and server. The client checks them before it sends or
 * uploads (so the user hears about it at once); the server enforces them again.
 */
export const LIMITS = {
  /** UTF-8 bytes of a text message body. */
  textBytes: 8 * KB,
  /** UTF-8 bytes of a custom message's `data`. */
  customBytes: 8 * KB,
  /** UTF-8 bytes of short descriptive strings (descriptions, titles, names). */
  shortTextBytes: 1 * KB,
  /** UTF-8 bytes of `cloudCustomData`. */
  cloudCustomDataBytes: 8 * KB,
  imageBytes: 28 * MB,
  soundBytes: 28 * MB,
  videoBytes: 100 * MB,
  fileBytes: 100 * MB,
  /** Largest WebSocket frame either side accepts; larger ones are refused before parsing. */
  frameBytes: 256 * KB,
  /** Largest page of history one request returns. */
  historyPage: 200,
  /** Messages in one replay batch frame (`sync.messages`). */
  replayBatch: 500,
  /** Messages a merged forward may carry. */
  mergerMessages: 100,
  /**
   * Levels of merged forwards inside each other: a merger of mergers of mergers is the deepest;
   * forwarding one more level is refused (MERGER_TOO_DEEP).
   */
  mergerDepth: 3,
  /**
   * Nesting of a frame's JSON (objects and arrays) either side accepts; checked before the frame
   * is validated, so no structure can be deep enough to exhaust the validator's stack.
   */
  frameDepth: 32,
  /** Entries of any one array in a frame (checked before validation; schemas bound each array further). */
  frameArrayItems: 10_000,
  /** Conversations one user may have muted at once (MUTES_LIMIT past it). */
  mutesPerUser: 1000,
  /** Keys of any one object in a frame (checked before validation; `cursors` has one per conversation). */
  frameObjectKeys: 10_000,
  /** Entries of `groupAtUserList`. */
  groupAtUsers: 100,
  /** UTF-8 bytes of a reaction key (one emoji grapheme; ZWJ families and flags fit). */
  reactionKeyBytes: 32,
  /** Who reacted, shown with each emoji of a message; the rest come by `reactions.fetch`. */
  reactionUsersShown: 5,
  /** Users in one `reactions` page. */
  reactionUsersPage: 100,
  /** Default distinct emojis on one message (configurable on the server). */
  reactionsPerMessage: 20,
  /** Default distinct emojis one user may put on one message (configurable on the server). */
  reactionsPerUser: 5,
  /** Pinned messages in one conversation. */
  pinsPerConversation: 50,
  /** Characters of the one-line excerpt a reply quotes. */
  replyExcerptChars: 120,
  /** Default seconds after sending within which the sender may recall (SPEC §9; configurable). */
  recallWindowSeconds: 120,
  /** Characters of a broadcast's content. */
  broadcastChars: 4096,
  /** Characters of the reason a before-send hook gives for rejecting a message (longer ones are cut). */
  rejectReasonChars: 500,
  /** Default per-user send rate limit (configurable on the server). */
  sendsPerMinute: 300,
  /** Default broadcast limits per app (configurable on the server). */
  broadcastsPerMinute: 10,
  broadcastsPerDay: 1000,
  /** Offline broadcasts kept; older ones are dropped. */
  offlineBroadcastsKept: 100,
  /** Default lifetime of an offline broadcast. */
  broadcastTtlSeconds: 7 * 24 * 3600,
} as const;

/** UTF-8 byte length of a string without allocating (works in every JS runtime). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** What an uploaded file is sent as: the elem type that carries it. */
export type FileKind = 'image' | 'sound' | 'video' | 'file';

/** The kind a mime type defaults to. */
export function fileKindOf(mime: string): FileKind {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'sound';
  if (mime.startsWith('video/')) return 'video';
  return 'file';
}

/** Largest file of a kind (SPEC §1: image and sound 28 MB, video and file 100 MB). */
export function fileLimit(kind: FileKind): number {
  return { image: LIMITS.imageBytes, sound: LIMITS.soundBytes, video: LIMITS.videoBytes, file: LIMITS.fileBytes }[kind];
}
