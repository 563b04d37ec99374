import {
  ChatError,
  LIMITS,
  type Change,
  type ChangeElem,
  type LinkPreview,
  type ClientFrameOf,
  type ConversationId,
  replyExcerpt,
  type Message,
  type ReplyTo,
  type ServerFrame,
  type ServerFrameOf,
} from '../../protocol/index.js';
import { SYSTEM_USER } from '../core/auth.js';
import { takeSendTurn, type Connection } from '../core/connection.js';
import { keyOf, parseKey, viewOf } from '../core/conversation-key.js';
import type { Logger } from '../core/logger.js';
import { newMessageId } from '../core/message-id.js';
import type { RateLimiter } from '../core/rate-limiter.js';
import type { Store } from '../core/store.js';
import { unavailable } from '../core/store-busy.js';
import { asSeenBy, summarize } from '../core/summaries.js';
import type { ChangeDraft, Clock, ConversationKey, MessageDraft, Profile, StoredMessage } from '../core/types.js';
import type { EditMention } from '../core/offline-push.js';
import { applyChange } from './apply.js';
import { DEFAULT_CHANGE_POLICY, type ChangePolicy } from './policy.js';
import { changeEventType, type WebhookHooks } from '../webhooks/types.js';

type EditChange = Extract<Change, { kind: 'edit' }>;

export interface ChangeRequest {
  actor: string;
  actorProfile: Profile;
  /** As the actor names it; admins (REST) pass the storage key instead. */
  conversationId?: ConversationId;
  key?: ConversationKey;
  messageId: string;
  changeId: string;
  change: Change;
}

export interface ChangeServiceDeps {
  store: Store;
  clock: Clock;
  rateLimiter: RateLimiter;
  logger: Logger;
  policy?: Partial<ChangePolicy>;
  /** Webhook endpoints whose events a change queues in its commit. */
  webhooks?: WebhookHooks;
  /** Publishes a committed event like a message (to everyone who may see it); rejects if the bus fails. */
  publish(draft: MessageDraft, event: Message, origin: string | undefined): Promise<void>;
  /**
   * An edit newly @mentioned `users` (or `@all`): they are told like for a new mentioning message
   * (the offline push hook). Called once per committed edit, after its publish, never awaited.
   */
  mentioned?(key: ConversationKey, edited: Message, mention: EditMention): void;
  /** Sends a frame to every device of `users`, on every node. */
  notify?(users: string[], frame: ServerFrame): Promise<void>;
  /** Whether a link preview was signed by this server for a link of `text` (none: previews are off, and refused). */
  previewSigned?(preview: LinkPreview, text: string): boolean;
  /**
   * Checks a user's edit of `messageId` as a send is checked (a mute, the word list, the site's
   * before-send hook) and returns the edit to store (masked or rewritten, perhaps); throws MUTED
   * or MESSAGE_REJECTED (not for a retry of the edit committed: `changeId`, committed-retry.ts).
   * `storable` throws the error the commit would answer for the message as it is now (not the
   * sender's, recalled, gone …): run before the site is asked, so it never hears of such an edit.
   */
  screenEdit?(actor: string, key: ConversationKey, messageId: string, edit: EditChange, changeId: string, storable: () => Promise<void>): Promise<EditChange>;
}

/**
 * Changes to sent messages (SPEC §9): checks who may change what, commits the change as an event
 * of the conversation's sequence (Store.commitChange), and fans it out like a message, so it is
 * delivered once and in order, replayed from cursors and acked only once committed and published.
 */
export class ChangeService {
  readonly policy: ChangePolicy;
  readonly #d: ChangeServiceDeps;

  constructor(deps: ChangeServiceDeps) {
    this.#d = deps;
    this.policy = { ...DEFAULT_CHANGE_POLICY, ...deps.policy };
  }

  /** Handles `change.send`; answers `change.ack` (errors are answered by the caller as `change.error`). */
  async handleSend(conn: Connection, frame: ClientFrameOf<'change.send'>): Promise<void> {
    const session = conn.session!;
    // One connection's sends and changes commit in the order it sent them (a quick on/off stays off);
    // its checks (an edit's before-send hook: a round trip to the site) run at once, as a send's do.
    const turn = takeSendTurn(conn);
    try {
      const { message, duplicate } = await this.submit(
        { actor: session.userId, actorProfile: session.profile, conversationId: frame.conversationId, messageId: frame.messageId, changeId: frame.changeId, change: frame.change },
        // No origin: the sending socket gets the event too (an ack carries no body to fold in).
        { admin: false, after: turn.before },
      );
      conn.send(JSON.stringify({
        type: 'change.ack', changeId: frame.changeId, conversationId: frame.conversationId, id: message.id, seq: message.seq, time: message.time,
        ...(duplicate && { duplicate }),
      } satisfies ServerFrameOf<'change.ack'>));
    } finally {
      turn.release();
    }
  }

  /**
   * Checks, commits and publishes one change. The event is returned as the actor sees it. `after`:
   * what its commit waits for (the connection's sends and changes before it), not its checks.
   */
  async submit(req: ChangeRequest, opts: { admin: boolean; origin?: string; after?: Promise<unknown> | undefined }): Promise<{ message: Message; duplicate: boolean }> {
    const { store } = this.#d;
    const now = this.#d.clock();
    if (!opts.admin) {
      const pending = this.#d.rateLimiter.consume(`send:${req.actor}`, now);
      const decision = pending instanceof Promise ? await pending : pending;
      if (!decision.ok) throw new ChatError('RATE_LIMITED', undefined, { retryAfterMs: decision.retryAfterMs });
    }
    // As on a send: an edit's preview must be one this server made, for a link in the new text.
    const change = req.change;
    if (change.kind === 'edit' && change.preview && !this.#d.previewSigned?.(change.preview, change.text)) throw new ChatError('PREVIEW_INVALID');
    const { key, type, target } = req.key !== undefined
      ? { key: req.key, ...conversationOfKey(req.key) }
      : keyOf(req.actor, req.conversationId!);
    /** Under since-join, the seq at or below which the actor's group history is hidden from them. */
    let floor = 0;
    if (!opts.admin) {
      const state = await store.getConversation(req.actor, key);
      if (!state) throw new ChatError(type === 'group' ? 'NOT_MEMBER' : 'MESSAGE_UNKNOWN');
      floor = state.historyFloor ?? 0;
      // Someone who blocked you hears nothing from you, changes included (your own view may still change).
      if (type === 'p2p' && req.change.kind !== 'hide' && (await store.isBlocked(target, req.actor))) throw new ChatError('BLOCKED');
    }
    const group = type === 'group';
    if (!opts.admin && req.change.kind === 'edit' && this.#d.screenEdit) {
      const edit = req.change;
      // The commit's own checks, on the message as it is now (the commit checks it again as it is then).
      const storable = async () => {
        const found = await store.findMessage(key, req.messageId);
        if (!found || found.message.seq <= floor) throw new ChatError('MESSAGE_UNKNOWN');
        applyChange(edit, found.message as StoredMessage, found.visibleTo, 0, { userId: req.actor, admin: false, group, groupManager: false, now }, this.policy);
      };
      const change = await this.#d.screenEdit(req.actor, key, req.messageId, edit, req.changeId, storable);
      if (change !== req.change) req = { ...req, change };
    }
    // Under `pin: admins`, a group's owner and admins pin too: their role as the store reads it in
    // the change's commit, so an admin demoted meanwhile (on another node too) pins nothing.
    const byRole = group && req.change.kind === 'pin' && this.policy.pin === 'admins' && !opts.admin;
    const draft: ChangeDraft = {
      key, type, targetId: req.messageId,
      message: {
        id: newMessageId(now), conversationId: viewOf(key, req.actor === SYSTEM_USER ? firstUser(key) : req.actor), seq: 0,
        clientMsgId: req.changeId, sender: req.actor, senderProfile: { ...req.actorProfile }, time: now,
        elem: { type: 'recalled' }, isExcludedFromUnreadCount: true, isExcludedFromLastMessage: true,
      },
      apply: (stored, visibleTo, pinCount, role) => {
        // A message from before a since-join member's join is one they cannot see (as in history).
        if (stored.seq <= floor) throw new ChatError('MESSAGE_UNKNOWN');
        const groupManager = role === 'owner' || role === 'admin';
        return applyChange(req.change, stored, visibleTo, pinCount, { userId: req.actor, admin: opts.admin, group, groupManager, now }, this.policy);
      },
      ...(byRole && { senderRole: true as const }),
    };
    const hookType = changeEventType(req.change.kind);
    const hooks = hookType && this.#d.webhooks?.endpointsFor(hookType);
    if (hookType && hooks?.length) draft.webhooks = { type: hookType, endpoints: hooks };
    if (opts.after) await opts.after.catch(() => undefined);
    let outcome;
    try {
      outcome = await store.commitChange(draft);
    } catch (err) {
      if (err instanceof ChatError) throw err;
      this.#d.logger.error({ err }, 'change commit failed');
      throw unavailable(err);
    }
    if (outcome.status === 'conflict') throw new ChatError('CLIENT_MSG_ID_REUSED');
    if (outcome.status === 'committed' && draft.webhooks) this.#d.webhooks!.queued();
    if (outcome.message.elem.type !== 'change') throw new ChatError('CLIENT_MSG_ID_REUSED');
    // A key already used for another message, or for another change of it (a pin's key on its
    // unpin), is not a retry: answering the first as its duplicate said done what never was.
    if (outcome.status === 'duplicate' && !isRetryOf(outcome.message.elem, req)) throw new ChatError('CLIENT_MSG_ID_REUSED');
    const published: MessageDraft = { key, type, message: outcome.message };
    if (outcome.visibleTo) published.visibleTo = outcome.visibleTo;
    try {
      // A duplicate is published again: the first attempt may have died between commit and
      // publish; devices drop what they hold by seq.
      await this.#d.publish(published, outcome.message, opts.origin);
    } catch (err) {
      this.#d.logger.error({ err }, 'publish after change commit failed');
      throw unavailable(err, 'The change is stored but could not be delivered yet: send it again.');
    }
    // Deleted for me: the user's devices get the conversation's new summary (unread, mention and
    // preview without it), published after the event, so no device counts it twice.
    if (req.change.kind === 'hide') await this.#summaryTo(req.actor, key);
    const added = outcome.status === 'committed' && req.change.kind === 'edit' ? outcome.message.groupAtUserList : undefined;
    if (added?.length && outcome.status === 'committed') {
      // The message as edited, without its reactions or per-user state: what a push shows.
      const { reactions: _r, hiddenFor, ...edited } = outcome.target;
      this.#d.mentioned?.(key, edited, { added, ...(outcome.visibleTo && { visibleTo: outcome.visibleTo }), ...(hiddenFor && { hiddenFor }) });
    }
    return { message: asSeenBy(outcome.message, key, req.actor), duplicate: outcome.status === 'duplicate' };
  }

  async #summaryTo(userId: string, key: ConversationKey): Promise<void> {
    const state = this.#d.notify && (await this.#d.store.getConversation(userId, key));
    if (state) await this.#d.notify!([userId], { type: 'conversation.updated', conversation: await summarize(this.#d.store, userId, state) });
  }

  /** `reactions.fetch`: who reacted with one emoji, in the order they reacted, paged. */
  async reactions(userId: string, frame: ClientFrameOf<'reactions.fetch'>): Promise<ServerFrameOf<'reactions'>> {
    const stored = await this.#visibleMessage(userId, frame.conversationId, frame.messageId);
    const users = stored.reactions?.find((r) => r.emoji === frame.emoji)?.users ?? [];
    const start = frame.after === undefined ? 0 : users.indexOf(frame.after) + 1;
    const limit = frame.limit ?? LIMITS.reactionUsersPage;
    const page = users.slice(start, start + limit);
    return {
      type: 'reactions', reqId: frame.reqId, conversationId: frame.conversationId, messageId: frame.messageId, emoji: frame.emoji,
      users: page, count: users.length, hasMore: start + page.length < users.length,
    };
  }

  /** `pins.fetch`: the conversation's pinned messages this member can see, most recently pinned first. */
  async pins(userId: string, frame: ClientFrameOf<'pins.fetch'>): Promise<ServerFrameOf<'pins'>> {
    const { key, type } = keyOf(userId, frame.conversationId);
    const state = await this.#d.store.getConversation(userId, key);
    if (!state) {
      if (type === 'group') throw new ChatError('NOT_MEMBER');
      return { type: 'pins', reqId: frame.reqId, conversationId: frame.conversationId, pins: [] };
    }
    // Pinned before a since-join member's join: not theirs to see, nor its excerpt.
    const listed = (await this.#d.store.listPins(key)).filter((pin) => pin.seq > (state.historyFloor ?? 0));
    // The pinned messages in one read, not one lookup a pin.
    const messages = listed.length ? await this.#d.store.findMessages(key, listed.map((pin) => pin.messageId)) : new Map();
    const pins = [];
    for (const pin of listed) {
      const found = messages.get(pin.messageId);
      if (!found || (found.visibleTo && !found.visibleTo.includes(userId))) continue;
      const m = found.message as StoredMessage;
      // Deleted for this user: not shown to them, pinned or not.
      if (m.hiddenFor?.includes(userId)) continue;
      const quote: ReplyTo = { messageId: m.id, sender: m.sender, excerpt: replyExcerpt(m.elem) };
      if (m.senderProfile.name !== undefined) quote.senderName = m.senderProfile.name;
      pins.push({ ...pin, quote });
    }
    return { type: 'pins', reqId: frame.reqId, conversationId: frame.conversationId, pins };
  }

  async #visibleMessage(userId: string, conversationId: ConversationId, messageId: string): Promise<StoredMessage> {
    const { key, type } = keyOf(userId, conversationId);
    const state = await this.#d.store.getConversation(userId, key);
    if (!state) throw new ChatError(type === 'group' ? 'NOT_MEMBER' : 'MESSAGE_UNKNOWN');
    const found = await this.#d.store.findMessage(key, messageId);
    if (!found || (found.visibleTo && !found.visibleTo.includes(userId)) || found.message.elem.type === 'change') throw new ChatError('MESSAGE_UNKNOWN');
    // From before a since-join member's join: unknown to them, as in history.
    if (found.message.seq <= (state.historyFloor ?? 0)) throw new ChatError('MESSAGE_UNKNOWN');
    return found.message as StoredMessage;
  }
}

function conversationOfKey(key: ConversationKey): { type: 'group' | 'p2p'; target: string } {
  const parsed = parseKey(key);
  return parsed.type === 'group' ? { type: 'group', target: parsed.groupId } : { type: 'p2p', target: parsed.users[1] };
}

function firstUser(key: ConversationKey): string {
  const parsed = parseKey(key);
  return parsed.type === 'group' ? SYSTEM_USER : parsed.users[0];
}

/**
 * Whether a stored change event is what `req` asks for again: the same message and kind, and for
 * a pin or a reaction the same side (and emoji). An edit's text may differ (a retry answers the
 * first edit, whatever its text, and the word list may have masked it).
 */
function isRetryOf(stored: ChangeElem, req: ChangeRequest): boolean {
  const [a, b] = [stored.change, req.change];
  if (stored.target !== req.messageId || a.kind !== b.kind) return false;
  if (a.kind === 'pin' && b.kind === 'pin') return a.on === b.on;
  if (a.kind === 'reaction' && b.kind === 'reaction') return a.on === b.on && a.emoji === b.emoji;
  return true;
}
