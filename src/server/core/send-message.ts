import {
  ChatError,
  USER_ELEM_TYPES,
  type ConversationId,
  type Elem,
  type ForwardSource,
  type Message,
  type SendOptions,
} from '../../protocol/index.js';
import { ahead, startedAhead } from './ahead.js';
import { entering, type Entered } from './conversation-access.js';
import { keyOf } from './conversation-key.js';
import { drive, type MaybePromise } from './maybe-sync.js';
import { newMessageId } from './message-id.js';
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

/**
 * Applies SPEC §6 to one send and builds the message. Throws ChatError with the reason a send
 * is refused. A p2p message from someone the recipient blocked is, by default, stored visible
 * to the sender only, so the sender sees an ordinary success (as Tencent does). On a store that
 * holds what a send checks (`Store.held`) it answers on this turn (a refusal is thrown), unless
 * the send forwards or replies, whose messages are read.
 */
export function prepareSend(store: Store, req: SendRequest, policy: SendPolicy, now: number, newId: (now: number) => string = newMessageId): MaybePromise<PreparedSend> {
  return drive(preparing(store, req, policy, now, newId));
}

function* preparing(store: Store, req: SendRequest, policy: SendPolicy, now: number, newId: (now: number) => string): Generator<unknown, PreparedSend, unknown> {
  const { sender } = req;
  const found = keyOf(sender, req.conversationId);
  const { key, type } = found;
  // Over the network, who may see it is read beside the conversation itself (a peer, friendship
  // and block, or a group, membership and receiver, at once), and a send refused for both is
  // refused for the conversation, however soon the other answers. Held reads answer at once:
  // nothing to overlap, and a refusal is thrown on this turn (and no closure is made for it).
  const early = store.held ? undefined : startedAhead(() => visibility(store, sender, found, policy, req.options.receiver));
  yield* entering(store, sender, found, policy.admin);
  const visibleTo = (yield early ?? visibility(store, sender, found, policy, req.options.receiver)) as string[] | undefined;

  let elem = req.elem;
  let forwardedFrom: Message['forwardedFrom'];
  if (req.forward) ({ elem, forwardedFrom } = (yield resolveForward(store, sender, req.forward)) as Awaited<ReturnType<typeof resolveForward>>);
  if (!elem) throw new ChatError('BAD_FRAME', 'A send needs an elem or a forward.');
  // A merger the sender wrote could put any words in anyone's mouth; the server builds them
  // from a `forward` source only. (Admins, trusted like the server, may.)
  if (!policy.admin && req.elem?.type === 'merger') throw new ChatError('MERGER_FORGED');
  if (!policy.admin && !USER_ELEM_TYPES.has(elem.type) && elem.type !== 'merger') {
    throw new ChatError('ADMIN_REQUIRED', 'System notifications are sent by the server only.');
  }

  // The id's millisecond is the message's `time` (`now`, read before the checks' awaits): search's
  // time bounds compare ids (search.ts `idAt`), so an id of a later clock read put a message on
  // the wrong side of its own time. (Only a clock stepped back, or over 4,096 ids in one
  // millisecond, still puts the id ahead of `now`: newMessageId stays monotonic.)
  const message: Message = {
    id: newId(now),
    conversationId: req.conversationId,
    seq: 0,
    clientMsgId: req.clientMsgId,
    sender,
    senderProfile: { ...req.senderProfile },
    time: now,
    elem,
  };
  copySendOptions(req.options, message, type === 'group');
  if (forwardedFrom) message.forwardedFrom = forwardedFrom;
  if (req.replyTo !== undefined) message.replyTo = (yield resolveReply(store, sender, key, req.replyTo)) as Message['replyTo'];

  const draft: MessageDraft = { key, type, message };
  if (visibleTo) draft.visibleTo = visibleTo;
  return { draft, onlineOnly: req.options.onlineUserOnly === true };
}

/**
 * Who sees the send: undefined for everyone in the conversation (an admin's 1:1 send, a group send
 * without a `receiver`: most group sends, which need no generator for it).
 */
function visibility(store: Store, sender: string, found: Entered, policy: SendPolicy, receiver: string | undefined): MaybePromise<string[] | undefined> {
  if (found.type === 'p2p') return policy.admin ? undefined : drive(p2pVisibility(store, sender, found.target, policy));
  return receiver === undefined ? undefined : drive(receiverVisibility(store, sender, found.target, receiver));
}

/** Who sees a 1:1 send (NOT_FRIENDS, BLOCKED, or only the sender when the peer blocked them); friendship and block read at once. */
function* p2pVisibility(store: Store, sender: string, peer: string, policy: SendPolicy): Generator<unknown, string[] | undefined, unknown> {
  const reads = store.held ?? store;
  const blocked = ahead(reads.isBlocked(peer, sender));
  if (policy.friendsOnly && !(yield reads.areFriends(sender, peer))) throw new ChatError('NOT_FRIENDS');
  if (!(yield blocked)) return undefined;
  if (policy.blockedSenderSeesError) throw new ChatError('BLOCKED');
  return [sender];
}

/** Who sees a group send with a `receiver` (NOT_MEMBER when the receiver is not a member). */
function* receiverVisibility(store: Store, sender: string, groupId: string, receiver: string): Generator<unknown, string[] | undefined, unknown> {
  if (!(yield (store.held ?? store).isGroupMember(groupId, receiver))) throw new ChatError('NOT_MEMBER', 'The receiver is not a member of this group.');
  return receiver === sender ? [sender] : [sender, receiver];
}

/**
 * The send options of `from` (a frame: only these keys of it) onto the message, in this order; a
 * receiver only in a group. One named read each: a loop over the key names read the frame by
 * computed key nine times a send, each through V8's generic (megamorphic) lookup, then deleted
 * the receiver of a 1:1 message (0.1–0.25 µs more a send in a micro-benchmark).
 */
function copySendOptions(from: SendOptions, to: Message, group: boolean): void {
  if (from.priority !== undefined) to.priority = from.priority;
  if (from.onlineUserOnly !== undefined) to.onlineUserOnly = from.onlineUserOnly;
  if (from.needReadReceipt !== undefined) to.needReadReceipt = from.needReadReceipt;
  if (from.isExcludedFromUnreadCount !== undefined) to.isExcludedFromUnreadCount = from.isExcludedFromUnreadCount;
  if (from.isExcludedFromLastMessage !== undefined) to.isExcludedFromLastMessage = from.isExcludedFromLastMessage;
  if (from.cloudCustomData !== undefined) to.cloudCustomData = from.cloudCustomData;
  if (from.offlinePushInfo !== undefined) to.offlinePushInfo = from.offlinePushInfo;
  if (from.groupAtUserList !== undefined) to.groupAtUserList = from.groupAtUserList;
  if (group && from.receiver !== undefined) to.receiver = from.receiver;
}
