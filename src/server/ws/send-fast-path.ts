import {
  CLIENT_MSG_ID_PATTERN,
  isConversationId,
  LIMITS,
  utf8Length,
  type ClientFrame,
} from '../../protocol/index.js';

const SEND_KEYS = ['type', 'clientMsgId', 'conversationId', 'elem'];
const TEXT_KEYS = ['type', 'text'];

/**
 * The frame a server reads by the thousand, a plain text send (`type`, `clientMsgId`,
 * `conversationId` and an `elem` of `type` and `text`, nothing else), checked by hand: valibot
 * walks its schema's every optional entry and pipe for it (decoding was a twentieth of the event
 * loop under load; this halves it: 2.37 → 1.24 µs a frame), and before the frame's depth and width
 * are walked (`FastPath`: this shape is two levels of six keys). Anything else, a send with options or
 * a text over the limit included, is undefined and goes through the schemas, which answer every
 * error; what passes here is what the schema accepts and outputs unchanged
 * (`test/server/ws/send-fast-path.test.ts` compares the two on mutations).
 */
export function plainTextSend(json: object): ClientFrame | undefined {
  const f = json as Record<string, unknown>;
  if (f.type !== 'message.send' || !hasOnlyKeys(f, SEND_KEYS)) return undefined;
  const { clientMsgId, conversationId, elem } = f;
  if (typeof clientMsgId !== 'string' || !CLIENT_MSG_ID_PATTERN.test(clientMsgId)) return undefined;
  if (typeof conversationId !== 'string' || !isConversationId(conversationId)) return undefined;
  if (typeof elem !== 'object' || elem === null || Array.isArray(elem)) return undefined;
  const e = elem as Record<string, unknown>;
  if (e.type !== 'text' || !hasOnlyKeys(e, TEXT_KEYS)) return undefined;
  const text = e.text;
  // A UTF-16 unit is at most 3 bytes of UTF-8 (a pair of them 4): most texts need no count.
  if (typeof text !== 'string' || text.length === 0 || (text.length * 3 > LIMITS.textBytes && utf8Length(text) > LIMITS.textBytes)) return undefined;
  return json as ClientFrame;
}

/** `o` (from JSON.parse: own keys only, each once) has exactly the keys `names`. */
function hasOnlyKeys(o: Record<string, unknown>, names: readonly string[]): boolean {
  let n = 0;
  for (const key in o) if (++n > names.length || !names.includes(key)) return false;
  return n === names.length;
}
