import type { ConversationId, Message } from '../../protocol/index.js';

/**
 * The `message.ack` of a send, as text: the same characters `JSON.stringify` makes of the frame
 * object (same keys, same order), without building the object and walking it (a send's
 * `JSON.stringify` of its ack was about 1 µs, 2 % of the event loop under load). Strings go
 * through `JSON.stringify` on their own, so whatever they hold is escaped as it would be.
 */
export function ackText(clientMsgId: string, conversationId: ConversationId, message: Message, duplicate: boolean): string {
  return `{"type":"message.ack","clientMsgId":${JSON.stringify(clientMsgId)},"conversationId":${JSON.stringify(conversationId)},` +
    `"id":${JSON.stringify(message.id)},"seq":${JSON.stringify(message.seq)},"time":${JSON.stringify(message.time)}${duplicate ? ',"duplicate":true}' : '}'}`;
}
