import { describeElem, type Elem } from '../protocol/elems.js';
import type { ServerFrameOf } from '../protocol/frames.js';
import type { Message } from '../protocol/message.js';
import { uploadedElem } from './files.js';
import type { LocalEntry } from './outbox.js';
import type { ChatMessage, OutboxEntry, Profile } from './types.js';

/** Looks up a held committed message by conversation and id (to preview forwards). */
export type FindMessage = (conversationId: OutboxEntry['conversationId'], id: string) => Message | undefined;

/** How the messages of one client show in its threads. */
export interface MessageViews {
  /** A committed message (the same object for the same message while who I am stays the same). */
  committed(message: Message): ChatMessage;
  /** An outbox entry; a file not uploaded yet shows from its Blob (a `blob:` URL). */
  local(local: LocalEntry): ChatMessage;
}

export interface MessageViewsOptions {
  myId(): string | undefined;
  me(): Profile | undefined;
  find: FindMessage;
  /** A `blob:` URL for an entry's file not uploaded yet. */
  previewUrl(entry: OutboxEntry): string | undefined;
}

export function createMessageViews(options: MessageViewsOptions): MessageViews {
  const cache = new WeakMap<Message, ChatMessage>();
  return {
    committed(m) {
      const isSelf = m.sender === options.myId();
      let chat = cache.get(m);
      if (!chat || chat.isSelf !== isSelf) {
        chat = { ...m, status: 'sent', isSelf };
        cache.set(m, chat);
      }
      return chat;
    },
    local(local) {
      const chat = localToChat(local, options.me(), options.find);
      const { entry } = local;
      if (!entry.upload || entry.elem) return chat;
      const { blob, mime } = entry.upload;
      return { ...chat, elem: uploadedElem(entry.upload, { url: options.previewUrl(entry) ?? '', size: blob.size, mime }) };
    },
  };
}

/** The message a pending or failed outbox entry shows as. */
export function localToChat(local: LocalEntry, me: Profile | undefined, find: FindMessage): ChatMessage {
  const { entry } = local;
  const chat: ChatMessage = {
    ...entry.options,
    id: '',
    conversationId: entry.conversationId,
    seq: 0,
    clientMsgId: entry.clientMsgId,
    sender: me?.id ?? entry.userId ?? '',
    senderProfile: profileSnapshot(me),
    time: entry.createdAt,
    elem: entryElem(entry, find),
    status: local.status,
    isSelf: true,
  };
  if (entry.replyTo) chat.replyTo = entry.replyTo;
  if (local.error) chat.error = local.error;
  if (local.error && entry.retryAt !== undefined) chat.retryAt = entry.retryAt;
  if (entry.localCustomData !== undefined) chat.localCustomData = entry.localCustomData;
  return chat;
}

/** The committed message an acked entry became (the server's copy is identical but for the fields it sets). */
export function ackedMessage(entry: OutboxEntry, ack: ServerFrameOf<'message.ack'>, me: Profile | undefined, find: FindMessage): Message & { localCustomData?: string } {
  const message: Message & { localCustomData?: string } = {
    ...entry.options,
    id: ack.id,
    conversationId: entry.conversationId,
    seq: ack.seq,
    clientMsgId: entry.clientMsgId,
    sender: me?.id ?? entry.userId ?? '',
    senderProfile: profileSnapshot(me),
    time: ack.time,
    elem: entryElem(entry, find),
  };
  if (entry.localCustomData !== undefined) message.localCustomData = entry.localCustomData;
  if (entry.replyTo) message.replyTo = entry.replyTo;
  return message;
}

/** What a forward shows before the server's copy arrives: the source elem, or a merger preview. */
function entryElem(entry: OutboxEntry, find: FindMessage): Elem {
  if (entry.elem) return entry.elem;
  const source = entry.forward;
  const found = source ? source.messageIds.map((id) => find(source.conversationId, id)).filter((m): m is Message => !!m) : [];
  if (source?.merge && found.length > 0) {
    return {
      type: 'merger',
      title: source.merge.title,
      abstractList: found.slice(0, 3).map((m) => `${m.senderProfile.name ?? m.sender}: ${describeElem(m.elem)}`),
      messages: found,
    };
  }
  if (found.length === 1) return found[0].elem;
  return { type: 'custom', data: '', description: '[forwarded message]' };
}

function profileSnapshot(me: Profile | undefined): Message['senderProfile'] {
  const snapshot: Message['senderProfile'] = {};
  if (me?.name !== undefined) snapshot.name = me.name;
  if (me?.avatar !== undefined) snapshot.avatar = me.avatar;
  return snapshot;
}
