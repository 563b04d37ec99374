import { createHash } from 'node:crypto';
import type { Elem, Message } from '../../protocol/index.js';

/** What a push carries to the service worker (JSON, encrypted end to end, RFC 8291). */
export interface PushPayload {
  /** Payload format version. */
  v: 1;
  title: string;
  body: string;
  /** The conversation as the recipient names it (`p2p:<sender>` for a 1:1 chat). */
  conversationId: string;
  messageId: string;
  seq: number;
  time: number;
}

/** The body shown when previews are off (`NATTER_PUSH_PREVIEW=0`) or a message has no text to show. */
export const NO_PREVIEW = 'New message';

const PREVIEW_CHARS = 140;
const TITLE_CHARS = 80;

const KIND: Partial<Record<Elem['type'], string>> = {
  image: 'Photo', sound: 'Voice message', video: 'Video', file: 'File', location: 'Location', face: 'Sticker', call: 'Call', merger: 'Chat history',
};

function clip(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/**
 * The payload of one message's push: the sender's `offlinePushInfo` title and body when given;
 * else the sender's name and, with `preview`, the text (or the kind of a file, photo…). Nothing
 * else of the message leaves the server (no files, no mentions, no other members).
 */
export function pushPayload(message: Message, preview: boolean): PushPayload {
  const info = message.offlinePushInfo;
  const name = message.senderProfile?.name || message.sender;
  let body = NO_PREVIEW;
  if (info?.body) body = info.body;
  else if (preview) {
    const elem = message.elem;
    const text = elem.type === 'text' ? elem.text : KIND[elem.type];
    if (text) body = text;
  }
  return {
    v: 1, title: clip(info?.title || name, TITLE_CHARS), body: clip(body, PREVIEW_CHARS) || NO_PREVIEW,
    conversationId: message.conversationId, messageId: message.id, seq: message.seq, time: message.time,
  };
}

/**
 * The collapse topic (RFC 8030 §5.4) of a conversation: a push service keeps only the newest
 * undelivered push of one topic. 32 base64url characters (the most a topic may have) of a hash,
 * so the conversation's id is not shown to the push service.
 */
export function pushTopic(conversationKey: string): string {
  return createHash('sha256').update(`natter-topic\n${conversationKey}`).digest('base64url').slice(0, 32);
}
