import type { Change, ChangeElem, ReactionSummary } from '../protocol/changes.js';
import { ChatError, isTransient, type ErrorBody } from '../protocol/error-codes.js';
import type { ConversationId } from '../protocol/ids.js';
import type { ServerFrameOf } from '../protocol/frames.js';
import type { Message } from '../protocol/message.js';
import { LIMITS } from '../protocol/limits.js';
import type { LocalEntry, Outbox } from './outbox.js';
import type { ThreadWindow } from './thread-window.js';
import type { Requests } from './requests.js';
import type { ChatClient, ChatMessage } from './types.js';

/** What a change's promise resolves with: the event's seq once the server committed it. */
export interface ChangeReceipt {
  changeId: string;
  seq: number;
}

/** A change this device made that the server has not committed yet (or refused: `error`). */
export interface PendingChange {
  changeId: string;
  change: Change;
  status: 'sending' | 'failed';
  error?: ErrorBody;
}

/**
 * Changes to sent messages (SPEC §9): `react`, `edit`, `recall`, `deleteForMe`, `pin`. Each goes
 * through the outbox like a send — persisted before it is transmitted, retried with the same
 * changeId when the connection returns (the server answers a repeat with the original ack),
 * failed with its reason and retried by `resend(changeId)`. The actions and the `reactions` and
 * `pins` fetchers are in `./change-actions.ts`, imported on first use (`prefetch`: once a
 * session is ready); the answers to changes are handled here, whether or not it is loaded.
 */
export interface Changes extends ChangeActions {
  /** `change.ack` settles the change; `change.error` fails it. */
  acked(frame: ServerFrameOf<'change.ack'>): void;
  refused(frame: ServerFrameOf<'change.error'>): void;
  /** Loads the change actions now (a session is ready), so a change need not wait for them. */
  prefetch(): void;
  /** This device's edits, recalls and deletes acked but not folded yet (see {@link shownWithPending}). */
  landing(conversationId: ConversationId): Landing[];
}

/** A change the server acked whose event the thread has not folded yet (its `changeSeq` is below `seq`). */
export interface Landing {
  messageId: string;
  change: Change;
  seq: number;
}

export type ChangeActions = Pick<ChatClient, 'react' | 'edit' | 'recall' | 'deleteForMe' | 'pin' | 'reactions' | 'pins'>;

/** What `./change-actions.ts` is given. */
export interface ChangesContext {
  outbox: Outbox;
  /** Settles once the client has read its device storage: nothing is queued before. */
  started: Promise<unknown>;
  myId(): string | undefined;
  requests: Requests;
}

export function createChanges(context: ChangesContext): Changes {
  const { outbox } = context;
  const landings: Record<ConversationId, Landing[]> = {};
  let actions: Promise<ChangeActions> | undefined;
  /** A failed load (offline, before the first change) is tried again at the next call. */
  const load = () =>
    (actions ??= import('./change-actions.js').then(
      (m) => m.createChangeActions(context),
      (error: unknown) => {
        actions = undefined;
        throw new ChatError('UNAVAILABLE', undefined, { cause: error });
      },
    ));
  /** The action `name`, called once the module is loaded (calls keep their order: one shared load). */
  const lazy = <K extends keyof ChangeActions>(name: K) =>
    (async (...args: unknown[]) => ((await load())[name] as (...a: unknown[]) => unknown)(...args)) as ChangeActions[K];
  return {
    react: lazy('react'),
    edit: lazy('edit'),
    recall: lazy('recall'),
    deleteForMe: lazy('deleteForMe'),
    pin: lazy('pin'),
    reactions: lazy('reactions'),
    pins: lazy('pins'),
    prefetch: () => void load().catch(() => undefined),
    acked(frame) {
      const c = outbox.get(frame.changeId)?.entry.change;
      // Its event may come after the ack: until it is folded, the thread keeps showing the change, not the old text.
      if (c) (landings[frame.conversationId] ??= []).push({ ...c, seq: frame.seq });
      outbox.settle(frame.changeId, { changeId: frame.changeId, seq: frame.seq } satisfies ChangeReceipt);
    },
    refused(frame) {
      // The error's own fields: code, name, message, and retryAfterMs or a `reason`/`reasonCode` when given.
      const { type: _type, changeId, conversationId: _conversation, ...body } = frame;
      outbox.fail(changeId, body);
    },
    landing: (id) => landings[id] ?? [],
  };
}

/** Whether a committed message is a change event (never shown as a message of its own). */
export function isChangeEvent(m: Message): m is Message & { elem: ChangeElem } {
  return m.elem.type === 'change';
}

/**
 * Folds a committed change event into the message it changes, if this window holds it and has
 * not folded it yet (`changeSeq` below the event's seq: a history page already carries every
 * change up to its `changeSeq`). Replaces the message object (views compare by identity) and,
 * for a recall, marks quotes of it. Returns whether anything changed.
 */
export function foldChange(w: ThreadWindow, event: Message, me: string | undefined): boolean {
  if (!isChangeEvent(event)) return false;
  const { target, change } = event.elem;
  const list = w.messages.some((m) => m.id === target) ? w.messages : w.buffer;
  const at = list.findIndex((m) => m.id === target);
  if (at < 0) return false;
  const old = list[at]!;
  if ((old.changeSeq ?? 0) >= event.seq) return false;
  list[at] = folded(old, event, change, me);
  if (change.kind === 'recall') {
    for (const l of [w.messages, w.buffer]) {
      for (let i = 0; i < l.length; i++) {
        const q = l[i]!.replyTo;
        if (q?.messageId === target && !q.recalled) l[i] = { ...l[i]!, replyTo: { ...q, excerpt: '', recalled: true } };
      }
    }
  }
  return true;
}

function folded(old: Message, event: Message, change: ChangeElem['change'], me: string | undefined): Message {
  const next: Message = { ...old, changeSeq: event.seq };
  switch (change.kind) {
    case 'reaction': {
      const reactions: ReactionSummary[] = (old.reactions ?? []).map((r) => ({ ...r, users: [...r.users] }));
      let r = reactions.find((x) => x.emoji === change.emoji);
      if (!r) reactions.push((r = { emoji: change.emoji, count: 0, users: [] }));
      // The event carries the resulting count, never a delta: applying it cannot double-count.
      r.count = change.count;
      // As the server keeps them: in the order people reacted (a repeated `on` keeps its place).
      if (!change.on) r.users = r.users.filter((u) => u !== event.sender);
      else if (!r.users.includes(event.sender) && r.users.length < LIMITS.reactionUsersShown) r.users.push(event.sender);
      if (event.sender === me) {
        if (change.on) r.me = true;
        else delete r.me;
      }
      const kept = reactions.filter((x) => x.count > 0);
      if (kept.length > 0) next.reactions = kept;
      else delete next.reactions;
      return next;
    }
    case 'edit': {
      // The text and its preview, if the edit carries one (validated: nothing else).
      const { kind: _, ...text } = change;
      next.elem = { type: 'text', ...text };
      next.edited = event.time;
      return next;
    }
    case 'recall':
      return {
        id: old.id, conversationId: old.conversationId, seq: old.seq, clientMsgId: old.clientMsgId, sender: old.sender,
        senderProfile: old.senderProfile, time: old.time, elem: { type: 'recalled' }, recalled: { by: event.sender, time: event.time },
        changeSeq: event.seq,
      };
    case 'pin':
      // As the server applies it: pinning a pinned message keeps who pinned it first.
      if (change.on) next.pinned ??= { by: event.sender, time: event.time };
      else delete next.pinned;
      return next;
    case 'hide':
      return {
        id: old.id, conversationId: old.conversationId, seq: old.seq, clientMsgId: old.clientMsgId, sender: old.sender,
        senderProfile: old.senderProfile, time: old.time, elem: { type: 'recalled' }, hidden: true, changeSeq: event.seq,
      };
  }
}

/**
 * What a thread shows: no change events, no messages deleted for this user, and this device's
 * changes still in the outbox on their targets (`pendingChanges`), so a failed one shows why and
 * can be retried. An edit, recall or delete for me not refused shows at once (the new text, the
 * message recalled or gone), as does one acked whose event is not folded yet (`landing`: those
 * folded are removed from it); a refused one leaves the message as the server has it.
 */
export function shownWithPending(chats: ChatMessage[], pending: readonly LocalEntry[], landing: Landing[] = []): ChatMessage[] {
  for (let i = landing.length; i--; ) {
    const l = landing[i]!;
    const m = chats.find((x) => x.id === l.messageId);
    if (!m || (m.changeSeq ?? 0) >= l.seq) landing.splice(i, 1);
  }
  const shown = new Map<string, Change[]>();
  const lists = new Map<string, PendingChange[]>();
  const add = <T>(map: Map<string, T[]>, id: string, value: T) => map.set(id, [...(map.get(id) ?? []), value]);
  for (const l of landing) add(shown, l.messageId, l.change);
  for (const l of pending) {
    const c = l.entry.change;
    if (!c) continue;
    add(lists, c.messageId, { changeId: l.entry.clientMsgId, change: c.change, status: l.status, ...(l.error && { error: l.error }) });
    if (l.status === 'sending' || isTransient(l.error!.name)) add(shown, c.messageId, c.change);
  }
  const out: ChatMessage[] = [];
  for (const m of chats) {
    if (m.elem.type === 'change' || m.hidden) continue;
    const p = lists.get(m.id);
    let next = p ? { ...m, pendingChanges: p } : m;
    for (const change of shown.get(m.id) ?? []) next = withChange(next, change);
    if (!next.hidden) out.push(next);
  }
  return out;
}

/** How a message shows with a change of this device the server has not folded into it yet. */
function withChange(m: ChatMessage, change: Change): ChatMessage {
  if (change.kind === 'hide') return { ...m, hidden: true };
  if (change.kind === 'recall') return { ...m, elem: { type: 'recalled' }, recalled: { by: m.sender, time: m.time } };
  if (change.kind !== 'edit' || m.elem.type !== 'text') return m;
  const { kind: _, ...text } = change;
  return { ...m, elem: { type: 'text', ...text } };
}
