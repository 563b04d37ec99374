import {
  ChatError,
  USER_ELEM_TYPES,
  type ConversationId,
  type Elem,
  type ForwardSource,
  type Message,
  type SendOptions,
} from '../../protocol/index.js';
import { enterConversation } from './conversation-access.js';
import { resolveForward } from './forward.js';
import { resolveReply } from '../changes/reply.js';
import type { Store } from './store.js';
import type { MessageDraft, Profile } from './types.js';

export interface SendRequest {
  sender: string;
  senderProfile: Profile;
  conversationId: ConversationId;
  clientMsgId: string;
  elem?: Elem;
  forward?: ForwardSource;
  /** Id of the quoted message (a reply). */
  replyTo?: string;
  options: SendOptions;
}

export interface SendPolicy {
  friendsOnly: boolean;
  blockedSenderSeesError: boolean;
  /** Admin sends (REST) skip friend and block checks and may send system notifications. */
  admin: boolean;
}

/** A checked send, ready to commit (or, when online-only, to deliver without storing). */
export interface PreparedSend {
  draft: MessageDraft;
  onlineOnly: boolean;
}

const SEND_OPTION_KEYS = [
  'priority', 'onlineUserOnly', 'needReadReceipt', 'isExcludedFromUnreadCount', 'isExcludedFromLastMessage',
  'cloudCustomData', 'offlinePushInfo', 'groupAtUserList', 'receiver',
] as const satisfies readonly (keyof SendOptions)[];

/**
 * Applies SPEC §6 to one send and builds the message. Throws ChatError with the reason a send
 * is refused. A p2p message from someone the recipient blocked is, by default, stored visible
 * to the sender only, so the sender sees an ordinary success (as Tencent does).
 */
export async function prepareSend(
  store: Store,
  req: SendRequest,
  policy: SendPolicy,
  ids: { newId(): string; now: number },
): Promise<PreparedSend> {
  const { sender } = req;
  const { key, type, target } = await enterConversation(store, sender, req.conversationId, policy.admin);
  let visibleTo: string[] | undefined;

  if (type === 'p2p') {
    if (!policy.admin) {
      if (policy.friendsOnly && !(await store.areFriends(sender, target))) throw new ChatError('NOT_FRIENDS');
      if (await store.isBlocked(target, sender)) {
        if (policy.blockedSenderSeesError) throw new ChatError('BLOCKED');
        visibleTo = [sender];
      }
    }
  } else {
    const receiver = req.options.receiver;
    if (receiver !== undefined) {
      if (!(await store.isGroupMember(target, receiver))) {
        throw new ChatError('NOT_MEMBER', 'The receiver is not a member of this group.');
      }
      visibleTo = receiver === sender ? [sender] : [sender, receiver];
    }
  }

  let elem = req.elem;
  let forwardedFrom: Message['forwardedFrom'];
  if (req.forward) ({ elem, forwardedFrom } = await resolveForward(store, sender, req.forward));
  if (!elem) throw new ChatError('BAD_FRAME', 'A send needs an elem or a forward.');
  // A merger the sender wrote could put any words in anyone's mouth; the server builds them
  // from a `forward` source only. (Admins, trusted like the server, may.)
  if (!policy.admin && req.elem?.type === 'merger') throw new ChatError('MERGER_FORGED');
  if (!policy.admin && !USER_ELEM_TYPES.has(elem.type) && elem.type !== 'merger') {
    throw new ChatError('ADMIN_REQUIRED', 'System notifications are sent by the server only.');
  }

  const message: Message = {
    id: ids.newId(),
    conversationId: req.conversationId,
    seq: 0,
    clientMsgId: req.clientMsgId,
    sender,
    senderProfile: { ...req.senderProfile },
    time: ids.now,
    elem,
  };
  for (const k of SEND_OPTION_KEYS) {
    if (req.options[k] !== undefined) (message as unknown as Record<string, unknown>)[k] = req.options[k];
  }
  if (type === 'p2p') delete message.receiver;
  if (forwardedFrom) message.forwardedFrom = forwardedFrom;
  if (req.replyTo !== undefined) message.replyTo = await resolveReply(store, sender, key, req.replyTo);

  const draft: MessageDraft = { key, type, message };
  if (visibleTo) draft.visibleTo = visibleTo;
  return { draft, onlineOnly: req.options.onlineUserOnly === true };
}
