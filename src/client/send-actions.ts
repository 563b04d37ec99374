/**
 * `send`, `sendFile` and `forward` of the client: how a send becomes an outbox entry (or, online
 * only, a frame that skips the outbox). Imported by `./sender.ts` the first time it is needed (or
 * once a session is ready), so the script tag's first paint does not carry it.
 */
import { MessageSendSchema } from '../protocol/client-frames.js';
import { encodeFrame } from '../protocol/client-wire.js';
import { UNFORWARDABLE_ELEM_TYPES } from '../protocol/elems.js';
import { quoteExcerpt } from '../protocol/plain-text.js';
import { ChatError } from '../protocol/error-codes.js';
import { byType, decode, type Schemas } from '../protocol/frame-decode.js';
import type { ClientFrame } from '../protocol/frames.js';
import type { ConversationId } from '../protocol/ids.js';
import { createClientMsgId } from './identity.js';
import { localToChat } from './local-message.js';
import { prepareFile } from './prepare-file.js';
import type { LocalOptions, SendActions, SendActionsContext } from './sender.js';
import type { ChatMessage, OutboxEntry } from './types.js';

/**
 * The one client frame a send is checked against, made on the first check. Not the whole
 * `decodeClientFrame`: its table holds every client frame's schema (groups, friends, search …),
 * which would all come into the browser with this module.
 */
let sendSchemas: Schemas | undefined;

export function createSendActions(options: SendActionsContext): SendActions {
  const { outbox, conversations, ephemeral } = options;
  let lastCreatedAt = 0;

  function check(entry: OutboxEntry): void {
    const frame = { ...entry.options, type: 'message.send', clientMsgId: entry.clientMsgId, conversationId: entry.conversationId, elem: entry.elem, forward: entry.forward, replyTo: entry.replyTo?.messageId };
    const result = decode<ClientFrame>((sendSchemas ??= byType([MessageSendSchema])), encodeFrame(frame as ClientFrame));
    if (result.ok) return;
    entry.state = 'rejected';
    entry.error = result.error.toJSON();
  }

  function newEntry(conversationId: ConversationId, opts: LocalOptions | undefined): OutboxEntry {
    const { localCustomData, replyTo, ...sendOptions } = opts ?? {};
    lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1);
    const entry: OutboxEntry = { clientMsgId: createClientMsgId(), conversationId, options: sendOptions, createdAt: lastCreatedAt, state: 'pending' };
    const user = options.myId();
    if (user !== undefined) entry.userId = user;
    if (localCustomData !== undefined) entry.localCustomData = localCustomData;
    if (replyTo !== undefined) {
      // Shown until the server's snapshot arrives; the server checks and snapshots it again.
      const quoted = options.find(conversationId, replyTo);
      entry.replyTo = { messageId: replyTo, sender: quoted?.sender ?? '', excerpt: quoted ? quoteExcerpt(quoted.elem) : '' };
      if (quoted?.senderProfile.name !== undefined) entry.replyTo.senderName = quoted.senderProfile.name;
    }
    return entry;
  }

  /** Waits until the client has started, then lists the conversation (a new one gets its peer's name). */
  async function admit(conversationId: ConversationId): Promise<void> {
    await options.started;
    if (options.closed()) throw new ChatError('CANCELLED', 'The client was closed.');
    conversations.ensure(conversationId);
    conversations.publish();
    options.learnPeerName(conversationId);
  }

  async function queue(entry: OutboxEntry): Promise<ChatMessage> {
    check(entry);
    if (entry.state === 'rejected' && entry.options.onlineUserOnly) throw ChatError.from(entry.error!);
    await admit(entry.conversationId);
    if (entry.options.onlineUserOnly) return sendEphemeral(entry);
    return outbox.add<ChatMessage>(entry);
  }

  /** Online-only messages (typing indicators) skip the outbox: never stored, never retried. */
  function sendEphemeral(entry: OutboxEntry): Promise<ChatMessage> {
    const message = localToChat({ entry, status: 'sending' }, options.me(), options.find);
    return new Promise((resolve, reject) => {
      const frame = { ...entry.options, type: 'message.send', clientMsgId: entry.clientMsgId, conversationId: entry.conversationId, elem: entry.elem } as ClientFrame;
      if (!options.send(frame)) return reject(new ChatError('TIMEOUT', 'Not connected.'));
      ephemeral.set(entry.clientMsgId, { resolve, reject, message });
    });
  }

  return {
    check,

    send(conversationId, content, opts) {
      const entry = newEntry(conversationId, opts);
      entry.elem = typeof content === 'string' ? { type: 'text', text: content } : content;
      return queue(entry);
    },

    async sendFile(conversationId, file, opts = {}) {
      const { kind, name, duration, ...rest } = opts;
      const upload = await prepareFile(options.uploads, file, { ...(kind !== undefined && { kind }), ...(name !== undefined && { name }), ...(duration !== undefined && { duration }) });
      const entry = newEntry(conversationId, rest);
      entry.upload = upload;
      await admit(conversationId);
      return outbox.add<ChatMessage>(entry);
    },

    async forward(targets, source, opts) {
      const held = source.messageIds.map((id) => options.find(source.conversationId, id));
      if (held.some((m) => m && UNFORWARDABLE_ELEM_TYPES.has(m.elem.type))) {
        return targets.map((): PromiseSettledResult<ChatMessage> => ({ status: 'rejected', reason: new ChatError('NOT_FORWARDABLE') }));
      }
      return Promise.allSettled(
        targets.map((conversationId) => {
          const entry = newEntry(conversationId, opts);
          entry.forward = structuredClone(source);
          // Name the entry left failed in the target's thread, so a caller can resend it.
          return queue(entry).catch((error: unknown) => {
            if (error instanceof ChatError && outbox.get(entry.clientMsgId)) Object.assign(error, { clientMsgId: entry.clientMsgId });
            throw error;
          });
        }),
      );
    },
  };
}
