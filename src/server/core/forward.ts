import {
  ChatError,
  describeElem,
  LIMITS,
  mergerDepthOf,
  UNFORWARDABLE_ELEM_TYPES,
  utf8Length,
  type Elem,
  type ForwardedFrom,
  type ForwardSource,
  type Message,
} from '../../protocol/index.js';
import { keyOf } from './conversation-key.js';
import type { Store } from './store.js';
import { withoutChanges } from '../changes/project.js';

const ABSTRACT_LINES = 4;
const ABSTRACT_CHARS = 120;

/**
 * Turns a `forward` request into the elem to send. Only messages the forwarder can see (targeted
 * at them or everyone, and after their history floor) may be
 * forwarded; system notifications and call events never. One id copies the elem and records
 * where it came from; `merge` wraps snapshots of all of them in a merger elem.
 */
export async function resolveForward(
  store: Store,
  userId: string,
  source: ForwardSource,
): Promise<{ elem: Elem; forwardedFrom?: ForwardedFrom }> {
  if (!source.merge && source.messageIds.length !== 1) {
    throw new ChatError('BAD_FRAME', 'Forwarding several messages needs `merge` (one merged message).');
  }
  const { key } = keyOf(userId, source.conversationId);
  const state = await store.getConversation(userId, key);
  if (!state) throw new ChatError('NOT_MEMBER');
  // Before a 'since-join' member's floor is history they cannot read, so not theirs to forward.
  const floor = state.historyFloor ?? 0;

  const messages: Message[] = [];
  for (const id of source.messageIds) {
    const found = await store.findMessage(key, id);
    if (!found || found.message.seq <= floor || (found.visibleTo && !found.visibleTo.includes(userId))) throw new ChatError('MESSAGE_UNKNOWN');
    if (found.message.recalled) throw new ChatError('MESSAGE_RECALLED');
    if (UNFORWARDABLE_ELEM_TYPES.has(found.message.elem.type)) throw new ChatError('NOT_FORWARDABLE');
    messages.push({ ...withoutChanges(found.message), conversationId: source.conversationId });
  }

  if (!source.merge) {
    const [m] = messages as [Message];
    // A forward of a forward keeps pointing at the original author.
    const forwardedFrom: ForwardedFrom = m.forwardedFrom ?? {
      sender: m.sender,
      conversationId: source.conversationId,
      messageId: m.id,
      time: m.time,
      ...(m.senderProfile.name !== undefined && { senderName: m.senderProfile.name }),
    };
    return { elem: m.elem, forwardedFrom };
  }

  // The merger wraps its messages' own mergers one level deeper; the protocol carries LIMITS.mergerDepth.
  const inner = Math.max(0, ...messages.map((m) => mergerDepthOf(m.elem)));
  if (inner + 1 > LIMITS.mergerDepth) {
    throw new ChatError('MERGER_TOO_DEEP', `Chat history can be nested ${LIMITS.mergerDepth} levels deep; these messages already hold ${inner}.`);
  }

  const abstractList = messages.slice(0, ABSTRACT_LINES).map((m) => {
    const line = `${m.senderProfile.name ?? m.sender}: ${describeElem(m.elem)}`;
    return line.length > ABSTRACT_CHARS ? `${line.slice(0, ABSTRACT_CHARS - 1)}…` : line;
  });
  const elem: Elem = { type: 'merger', title: source.merge.title, abstractList, messages };
  // The merged message must still fit in a frame when it is delivered.
  if (utf8Length(JSON.stringify(elem)) > LIMITS.frameBytes - 16 * 1024) throw new ChatError('MESSAGE_TOO_LARGE');
  return { elem };
}
