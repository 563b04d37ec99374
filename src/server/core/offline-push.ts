import type { Message, SendOptions } from '../../protocol/index.js';
import type { BusEvent } from './bus.js';
import { viewOf } from './conversation-key.js';
import type { Logger } from './logger.js';
import type { Presence } from './presence.js';

/** What `onOfflineMessage` receives: one committed message and who of its recipients is offline. */
export interface OfflineMessageEvent {
  /** The committed message; `conversationId` as the recipients see it (`p2p:<sender>` for a 1:1 chat). */
  message: Message;
  /** Recipients (never the sender) with no live session on any node of the cluster. */
  recipients: string[];
  /** The sender's push title/body/ext, when given (also on `message`). */
  offlinePushInfo?: SendOptions['offlinePushInfo'];
}

/** Hands a message to a push service; errors are logged, never reported to the sender. */
export type OfflineMessageHandler = (event: OfflineMessageEvent) => void | Promise<void>;

/**
 * Calls `handler` for a published message event with its recipients who are offline cluster-wide.
 * Runs after the ack and the publish, off the send path: the caller does not await it. Nothing is
 * called when every recipient is online (or there is none: a message only its sender sees).
 */
export function createOfflineNotifier(presence: Presence, handler: OfflineMessageHandler, log: Logger) {
  return (event: Extract<BusEvent, { kind: 'message' }>): void => {
    const { message } = event;
    const candidates = event.recipients.filter((u) => u !== message.sender);
    if (candidates.length === 0) return;
    void (async () => {
      const recipients = await presence.offlineAmong(candidates);
      if (recipients.length === 0) return;
      const conversationId = viewOf(event.key, recipients[0]!);
      const seen = conversationId === message.conversationId ? message : { ...message, conversationId };
      const payload: OfflineMessageEvent = { message: seen, recipients };
      if (message.offlinePushInfo) payload.offlinePushInfo = message.offlinePushInfo;
      await handler(payload);
    })().catch((err: unknown) => log.error({ err, messageId: message.id }, 'onOfflineMessage failed'));
  };
}

/** The @mentions an edit added to a message, and who may see that message. */
export interface EditMention {
  /** User ids (or `@all`) the edit added to `groupAtUserList`. */
  added: string[];
  /** The message's recipients when it is targeted (absent: every member). */
  visibleTo?: string[];
  /** Who deleted it for themselves. */
  hiddenFor?: string[];
}

/**
 * Whom an edit's new @mentions notify: the members it names (every member for `@all`) who see
 * the message, never its sender. Those already mentioned before the edit are not in `added`.
 */
export function editMentionRecipients(members: readonly string[], sender: string, m: EditMention): string[] {
  const all = m.added.includes('@all');
  return members.filter(
    (u) => u !== sender && (all || m.added.includes(u)) && (!m.visibleTo || m.visibleTo.includes(u)) && !m.hiddenFor?.includes(u),
  );
}
