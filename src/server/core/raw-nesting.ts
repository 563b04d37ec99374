import { LIMITS } from '../../protocol/index.js';

/**
 * Nesting and width read from a frame's JSON text before anything parses it. V8's JSON.parse is
 * cheap on flat text (a quarter-megabyte string in well under a millisecond) but not on deep
 * text: 128k nested `[` in a 256 KiB frame take it tens to hundreds of milliseconds, every one of
 * them with the event loop held, and a stranger may send such frames before any session. Wide
 * text costs it too: 85,000 empty arrays in 256 KiB take it about twenty times as long as a
 * string. LIMITS.frameDepth and LIMITS.frameArrayItems refuse them anyway (jsonBoundsError, after
 * the parse; arrays spread over many keys pass it): this refuses them before it, in one pass over
 * the text.
 */

/**
 * Frames this long or shorter are parsed as they come: they hold at most 2,048 arrays and objects
 * (each takes two characters), however nested, which JSON.parse takes in microseconds. Longer
 * ones are scanned first.
 */
export const SCAN_NESTING_FROM = 4096;

/**
 * Arrays and objects one frame or JSON body may hold: a list as long as any array may be
 * (LIMITS.frameArrayItems) of entries holding one more each. The widest input taken is below
 * it: a word list of 10,000 entries (10,002), a session's cursors (one object), a merger of
 * merged forwards (a few containers a message, and too many bytes a message to reach it).
 */
export const MAX_CONTAINERS = 2 * LIMITS.frameArrayItems;

/**
 * Object keys a client frame other than `session.open` may hold, or a JSON body to a route open to
 * users (or to no route). V8's JSON.parse spends about 0.3 µs on each distinct key (it interns
 * the name and grows the object's map): 256 KiB of them, some 30,000, took it 10 to 20 ms, thirty
 * to sixty times a flat frame, within every other bound. No such frame or body holds a tenth of
 * this many (the widest, a message with its preview, about 20); this many cost about two flat frames.
 */
export const MAX_KEYS = 1024;

/**
 * Object keys a `session.open` may hold: one per conversation in `cursors` (LIMITS.frameObjectKeys)
 * and its top-level fields. Those past MAX_KEYS are read only once its token is verified
 * (ws/session-cursors.ts).
 */
export const SESSION_OPEN_KEYS = LIMITS.frameObjectKeys + 64;

/**
 * Object keys an admin request's body may hold: the widest, a word list of LIMITS.frameArrayItems
 * entries of two fields each, and its top-level fields. Admin bodies are read only once the admin
 * key is checked.
 */
export const MAX_ADMIN_KEYS = 2 * LIMITS.frameArrayItems + 64;

/**
 * Whether the JSON text `raw` nests arrays and objects more than `maxDepth` deep (`depth`), holds
 * more than `maxContainers` of them (`width`) or more than `maxKeys` object keys (`keys`: each
 * key is followed by the only colon outside a string), or none of these (undefined). Brackets
 * and colons in strings do not count.
 */
export function rawJsonExcess(raw: string, maxDepth: number, maxContainers = MAX_CONTAINERS, maxKeys = Infinity): RawExcess | undefined {
  let depth = 0;
  let containers = 0;
  let keys = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(raw, i);
    else if (c === COLON) {
      if (++keys > maxKeys) return 'keys';
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return 'depth';
      if (++containers > maxContainers) return 'width';
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return undefined;
}

/** What {@link rawJsonExcess} found past its bounds. */
export type RawExcess = 'depth' | 'width' | 'keys';

/**
 * `raw`, a JSON object's text, with each of its values that is an array or an object replaced by
 * `0`: its top-level scalars (a frame's type, clientMsgId, conversationId, reqId), which parse
 * cheaply however deep or wide the rest is. Text that is not valid JSON stays invalid, and so
 * does an object of more than {@link TOP_LEVEL_FIELDS} fields: JSON.parse takes tens of
 * milliseconds on a megabyte of distinct keys, and no frame has a tenth as many.
 */
export function topLevelOnly(raw: string): string {
  let out = '';
  let from = 0;
  let depth = 0;
  let fields = 1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(raw, i);
    else if (c === COMMA) {
      if (depth === 1 && ++fields > TOP_LEVEL_FIELDS) return '';
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth === 2) out += `${raw.slice(from, i)}0`;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (depth-- === 2) from = i + 1;
    }
  }
  return depth >= 2 ? out : out + raw.slice(from);
}

/** Top-level fields {@link topLevelOnly} reads at most. */
export const TOP_LEVEL_FIELDS = 64;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** The index of the quote that closes the string opening at `start` (the text's end if none does). */
function stringEnd(raw: string, start: number): number {
  for (let i = start + 1; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return raw.length;
}
