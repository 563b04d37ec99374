import { ChatError, type Change, type ChangeElem } from '../../protocol/index.js';
import type { ChangeApplied, StoredMessage } from '../core/types.js';
import type { ChangePolicy } from './policy.js';

/** Who makes a change, and when. */
export interface ChangeActor {
  userId: string;
  /** REST admin: recalls and edits any message any time, pins under `pin: admins`. */
  admin: boolean;
  /** The conversation is a group (pin policy applies to groups only). */
  group: boolean;
  /** The group's owner or one of its admins (SPEC §13): pins under `pin: admins`. */
  groupManager?: boolean;
  now: number;
}

const MENTION_FIELDS = ['groupAtUserList'] as const;

/**
 * Applies one change to its stored target: the SPEC §9 rules (who, which window, which limit) and
 * the resulting target and event elem. Pure, so every store runs the same rules on the target and
 * counts its transaction commits against: read inside it (PostgreSQL, memory), or read just
 * before it and checked unchanged inside it (SQLite's writer thread).
 */
export function applyChange(
  change: Change,
  target: StoredMessage,
  visibleTo: string[] | undefined,
  pinCount: number,
  actor: ChangeActor,
  policy: ChangePolicy,
): ChangeApplied {
  if (target.elem.type === 'change') throw new ChatError('MESSAGE_UNKNOWN');
  if (!actor.admin && visibleTo && !visibleTo.includes(actor.userId)) throw new ChatError('MESSAGE_UNKNOWN');
  if (target.recalled && change.kind !== 'hide' && !(change.kind === 'pin' && !change.on)) throw new ChatError('MESSAGE_RECALLED');
  const next: StoredMessage = structuredClone(target);
  const base: Pick<ChangeApplied, 'visibleTo'> = visibleTo ? { visibleTo: [...visibleTo] } : {};
  const elem = (c: ChangeElem['change']): ChangeElem => ({ type: 'change', target: target.id, change: c });

  switch (change.kind) {
    case 'reaction': {
      const reactions = next.reactions ?? [];
      let entry = reactions.find((r) => r.emoji === change.emoji);
      if (change.on && !entry?.users.includes(actor.userId)) {
        if (!entry && reactions.length >= policy.reactionsPerMessage) throw new ChatError('REACTIONS_LIMIT');
        const mine = reactions.filter((r) => r.users.includes(actor.userId)).length;
        if (mine >= policy.reactionsPerUser) throw new ChatError('USER_REACTIONS_LIMIT');
        if (!entry) reactions.push((entry = { emoji: change.emoji, count: 0, users: [] }));
        entry.users.push(actor.userId);
        entry.count = entry.users.length;
      } else if (!change.on && entry?.users.includes(actor.userId)) {
        entry.users = entry.users.filter((u) => u !== actor.userId);
        entry.count = entry.users.length;
      }
      next.reactions = reactions.filter((r) => r.count > 0);
      if (next.reactions.length === 0) delete next.reactions;
      return { ...base, target: next, elem: elem({ kind: 'reaction', emoji: change.emoji, on: change.on, count: entry?.count ?? 0 }) };
    }
    case 'edit': {
      // A REST admin (the site's moderator) edits anyone's text, any time: Stream's and Sendbird's server-side update.
      if (!actor.admin && target.sender !== actor.userId) throw new ChatError('NOT_MESSAGE_SENDER');
      if (target.elem.type !== 'text') throw new ChatError('NOT_EDITABLE');
      if (!actor.admin && policy.editWindowSeconds !== undefined && actor.now - target.time > policy.editWindowSeconds * 1000) {
        throw new ChatError('CHANGE_WINDOW_EXPIRED');
      }
      const before = new Set(target.groupAtUserList ?? []);
      // The preview goes with the text it was made for: the edit's own (checked on submit), or none.
      next.elem = { type: 'text', text: change.text, ...(change.preview && { preview: change.preview }) };
      next.edited = actor.now;
      for (const k of MENTION_FIELDS) delete next[k];
      if (change.groupAtUserList?.length) next.groupAtUserList = [...change.groupAtUserList];
      const added = (change.groupAtUserList ?? []).filter((u) => !before.has(u));
      return { ...base, target: next, elem: elem({ kind: 'edit', text: change.text, ...(change.preview && { preview: change.preview }) }), ...(added.length > 0 && { mentions: added }) };
    }
    case 'recall': {
      if (!actor.admin) {
        if (target.sender !== actor.userId) throw new ChatError('NOT_MESSAGE_SENDER');
        if (actor.now - target.time > policy.recallWindowSeconds * 1000) throw new ChatError('CHANGE_WINDOW_EXPIRED');
      }
      // Content, files, previews and anything derived from them go; who recalled it stays.
      const recalled: StoredMessage = {
        id: target.id, conversationId: target.conversationId, seq: target.seq, clientMsgId: target.clientMsgId,
        sender: target.sender, senderProfile: target.senderProfile, time: target.time,
        elem: { type: 'recalled' }, recalled: { by: actor.userId, time: actor.now },
      };
      for (const k of ['receiver', 'isExcludedFromUnreadCount', 'isExcludedFromLastMessage', 'hiddenFor'] as const) {
        if (target[k] !== undefined) (recalled as unknown as Record<string, unknown>)[k] = target[k];
      }
      return { ...base, target: recalled, elem: elem({ kind: 'recall' }), ...(target.pinned && { pin: 'remove' as const }) };
    }
    case 'pin': {
      if (actor.group && policy.pin === 'admins' && !actor.admin && !actor.groupManager) throw new ChatError('PIN_FORBIDDEN');
      let pin: 'add' | 'remove' | undefined;
      if (change.on && !target.pinned) {
        if (pinCount >= policy.pinsPerConversation) throw new ChatError('PINS_LIMIT');
        next.pinned = { by: actor.userId, time: actor.now };
        pin = 'add';
      } else if (!change.on && target.pinned) {
        delete next.pinned;
        pin = 'remove';
      }
      return { ...base, target: next, elem: elem({ kind: 'pin', on: change.on }), ...(pin && { pin }) };
    }
    case 'hide': {
      const hiddenFor = new Set(next.hiddenFor ?? []);
      hiddenFor.add(actor.userId);
      next.hiddenFor = [...hiddenFor].sort();
      // Only this user's devices hear of it.
      return { target: next, elem: elem({ kind: 'hide' }), visibleTo: [actor.userId] };
    }
  }
}
