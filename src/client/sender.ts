import type { Elem } from '../protocol/elems.js';
import { ChatError } from '../protocol/error-codes.js';
import type { ClientFrame, ForwardSource, ServerFrameOf } from '../protocol/frames.js';
import { parseConversationId, type ConversationId } from '../protocol/ids.js';
import type { Message, SendOptions } from '../protocol/message.js';
import type { ConversationList } from './conversation-list.js';
import type { Uploads } from './files.js';
import { ackedMessage, type FindMessage } from './local-message.js';
import type { MemberDirectory } from './members.js';
import type { Outbox } from './outbox.js';
import type { ChatMessage, FileKind, OutboxEntry, Profile } from './types.js';

/** Send options plus the device-local data an entry may carry. */
export type LocalOptions = SendOptions & {
  localCustomData?: string;
  /** Reply to (quote) this message of the same conversation (`client.reply`). */
  replyTo?: string;
};

export interface SenderOptions {
  outbox: Outbox;
  uploads: Pick<Uploads, 'transfer' | 'run' | 'release'>;
  conversations: ConversationList;
  members: MemberDirectory;
  /** Writes a frame to the ready session; false when there is none (nothing is buffered). */
  send(frame: ClientFrame): boolean;
  online(): boolean;
  /** Settles once the client has read its device storage: nothing is queued before. */
  started: Promise<unknown>;
  closed(): boolean;
  myId(): string | undefined;
  me(): Profile | undefined;
  find: FindMessage;
  /** A committed message as its thread shows it. */
  committed(message: Message): ChatMessage;
}

/** What this user sends: `send`, `sendFile` and `forward` of {@link ChatClient}, and the answers to them. */
export interface Sender {
  send(conversationId: ConversationId, content: Elem | string, options?: LocalOptions): Promise<ChatMessage>;
  sendFile(conversationId: ConversationId, file: Blob, options?: LocalOptions & { kind?: FileKind; name?: string; duration?: number }): Promise<ChatMessage>;
  forward(targets: ConversationId[], source: ForwardSource, options?: LocalOptions): Promise<PromiseSettledResult<ChatMessage>[]>;
  /** Uploads a file entry's file (the outbox's `upload`) and resolves with the elem, refused like any send if invalid. */
  upload(entry: OutboxEntry): Promise<Elem>;
  /**
   * `message.ack`: settles the send it answers. For an outbox entry not settled yet (by a replay
   * of the committed message, or another tab), the entry and the message it became.
   */
  acked(frame: ServerFrameOf<'message.ack'>): { entry: OutboxEntry; message: Message } | undefined;
  /** `message.error`: fails the online-only send or the outbox entry it answers. */
  refused(frame: ServerFrameOf<'message.error'>): void;
  /** Loads the send code now (a session is ready: sends can happen), so a send need not wait for it. */
  prefetch(): void;
  /** The session ended: online-only sends still waiting for their answer fail (TIMEOUT). */
  sessionEnded(): void;
}

/** Online-only sends waiting for their answer, by clientMsgId. */
export type Ephemeral = Map<string, { resolve(m: ChatMessage): void; reject(e: ChatError): void; message: ChatMessage }>;

/** What `./send-actions.ts` is given: the sender's options and the parts the core keeps. */
export interface SendActionsContext extends SenderOptions {
  learnPeerName(id: ConversationId): void;
  ephemeral: Ephemeral;
}

export type SendActions = Pick<Sender, 'send' | 'sendFile' | 'forward'> & {
  /**
   * Validates the frame an entry will send; an invalid one is marked rejected with its reason.
   * Here, not in the core: the client-frame schemas it needs load with the send code.
   */
  check(entry: OutboxEntry): void;
};

/**
 * Turns sends into outbox entries (or, online-only ones, into frames that skip the outbox),
 * validated before anything is transmitted: an invalid entry enters the outbox already rejected,
 * so the thread shows it failed with its reason (SPEC §3).
 */
export function createSender(options: SenderOptions): Sender {
  const { outbox } = options;
  const ephemeral: Ephemeral = new Map();
  let actions: Promise<SendActions> | undefined;

  /** A p2p conversation this user starts has no name until the server lists it: ask for the peer's. */
  function learnPeerName(id: ConversationId): void {
    const c = options.conversations.get(id);
    if (!c || c.type !== 'p2p' || c.name !== undefined || !options.online()) return;
    const peerId = parseConversationId(id).target;
    options.members.load(id).then(
      (list) => {
        const peer = list.find((m) => m.id === peerId);
        if (!peer) return;
        options.conversations.applyPeerProfile(id, peer);
        options.conversations.publish();
      },
      () => undefined, // offline or refused: the next session's conversation list names it
    );
  }

  /**
   * What turns a send into an entry (`./send-actions.ts`): imported the first time this user
   * sends, so a page that only shows the launcher and its badge does not download it. A failed
   * load (offline, before the first send) is tried again at the next send.
   */
  const load = () =>
    (actions ??= import('./send-actions.js').then(
      (m) => m.createSendActions({ ...options, learnPeerName, ephemeral }),
      (error: unknown) => {
        actions = undefined;
        throw new ChatError('UNAVAILABLE', undefined, { cause: error });
      },
    ));

  return {
    send: async (conversationId, content, opts) => (await load()).send(conversationId, content, opts),
    sendFile: async (conversationId, file, opts) => (await load()).sendFile(conversationId, file, opts),
    forward: async (targets, source, opts) => (await load()).forward(targets, source, opts),
    prefetch: () => void load().catch(() => undefined),

    async upload(entry) {
      // Loaded first (a restored outbox may upload before anything was sent): a failed load
      // fails the entry before its file is uploaded, as a failed load of the upload code does
      // (UPLOAD_FAILED), and resend tries both again.
      const actions = await load().catch((error: unknown) => {
        throw new ChatError('UPLOAD_FAILED', undefined, { cause: error });
      });
      const elem = await options.uploads.run(entry);
      // The elem must pass the protocol as any send would (e.g. a name too long for a file elem).
      const probe: OutboxEntry = { ...entry, elem };
      actions.check(probe);
      if (probe.state === 'rejected') throw ChatError.from(probe.error!);
      return elem;
    },

    acked(frame) {
      const quick = ephemeral.get(frame.clientMsgId);
      if (quick) {
        ephemeral.delete(frame.clientMsgId);
        quick.resolve({ ...quick.message, id: frame.id, time: frame.time, status: 'sent' });
        return undefined;
      }
      const entry = outbox.get(frame.clientMsgId)?.entry;
      if (!entry) return undefined;
      const message = ackedMessage(entry, frame, options.me(), options.find);
      outbox.settle(entry.clientMsgId, options.committed(message));
      options.uploads.release(entry.clientMsgId);
      // The server names a 1:1 peer only once the chat exists (members.fetch is no account oracle).
      learnPeerName(entry.conversationId);
      return { entry, message };
    },

    refused(frame) {
      // The error's own fields: code, name, message, and retryAfterMs or a before-send `reason` when given.
      const { type: _type, clientMsgId: _id, conversationId: _conversation, ...body } = frame;
      const quick = ephemeral.get(frame.clientMsgId);
      if (!quick) return outbox.fail(frame.clientMsgId, body);
      ephemeral.delete(frame.clientMsgId);
      quick.reject(ChatError.from(body));
    },

    sessionEnded() {
      for (const [id, quick] of ephemeral) {
        ephemeral.delete(id);
        quick.reject(new ChatError('TIMEOUT'));
      }
    },
  };
}
