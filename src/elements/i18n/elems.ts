import { msg, str } from '@lit/localize';
import type { Elem, SystemElem } from '../../protocol/elems.js';
import { plainText } from '../../protocol/plain-text.js';
import { formatUntil } from '../format.js';
import { formatLocale, formatNumber } from './localize.js';
import { isolate } from './isolate.js';

/** Joins display names in the active locale ("Bob and Carol", "Bob、Carol"), each isolated. */
function joinNames(names: readonly string[], more?: string): string {
  const isolated = names.map(isolate);
  return new Intl.ListFormat(formatLocale(), { type: 'conjunction' }).format(more === undefined ? isolated : [...isolated, more]);
}

/**
 * A system notification in the active locale. Built-in events are worded here from the names
 * the server recorded with them; custom events, and older notifications without names, show
 * the server's own text.
 */
export function systemText(elem: SystemElem, me?: string): string {
  // Names and the group's name isolated (isolate.ts): an override character in one cannot reorder the sentence.
  const group = elem.groupName === undefined ? undefined : isolate(elem.groupName);
  // "2,998 others" for the targets the server left out to keep the notice small (never just one),
  // in the same list, so the locale's "and" joins them.
  const more = elem.moreTargets;
  const list = (named: readonly string[]) => joinNames(named, more ? msg(str`${formatNumber(more)} others`, { id: 'system.others' }) : undefined);
  const names = elem.targetNames?.length ? list(elem.targetNames) : undefined;
  // The reader among several who joined (the one notice that names several): "you and …", the
  // others' names ("Carol added you and Dave.").
  const mine = me !== undefined && (elem.targets?.length ?? 0) > 1 ? elem.targets!.indexOf(me) : -1;
  const others = mine >= 0 && mine < (elem.targetNames?.length ?? 0) ? list(elem.targetNames!.filter((_, i) => i !== mine)) : undefined;
  // Who did it, when that was a person other than the one it is about (the site's changes name nobody).
  const by = elem.operatorName && !(elem.targets?.length === 1 && elem.targets[0] === elem.operator) ? isolate(elem.operatorName) : undefined;
  // The reader did it: "You …", a sentence of its own (the verb agrees with "you" in most languages).
  const you = by !== undefined && elem.operator === me;
  // The reader is the one it is about: by nobody else ("You joined the group.", "You left the group.",
  // "You were muted."), or by someone else ("Carol added you.", "Carol muted you.").
  const aboutMe = elem.targets?.length === 1 && elem.targets[0] === me;
  const self = by === undefined && aboutMe;
  const toMe = by !== undefined && aboutMe;
  // What happened to members is told with their names; a notice without them shows the server's text.
  if (names === undefined && /^[mo]/.test(elem.event)) return elem.text;
  switch (elem.event) {
    case 'group-created':
      if (group === undefined) return elem.text;
      if (you) return msg(str`You created the group "${group}".`, { id: 'system.group-created.you' });
      return by !== undefined ? msg(str`${by} created the group "${group}".`, { id: 'system.group-created.by' }) : msg(str`Group "${group}" was created.`, { id: 'system.group-created' });
    case 'group-renamed':
      if (group === undefined) return elem.text;
      if (you) return msg(str`You renamed the group to "${group}".`, { id: 'system.group-renamed.you' });
      return by !== undefined ? msg(str`${by} renamed the group to "${group}".`, { id: 'system.group-renamed.by' }) : msg(str`The group was renamed to "${group}".`, { id: 'system.group-renamed' });
    case 'group-avatar':
      if (you) return msg('You changed the group picture.', { id: 'system.group-avatar.you' });
      return by !== undefined ? msg(str`${by} changed the group picture.`, { id: 'system.group-avatar.by' }) : msg('The group picture was changed.', { id: 'system.group-avatar' });
    case 'group-notice':
      if (you) return msg('You updated the group notice.', { id: 'system.group-notice.you' });
      return by !== undefined ? msg(str`${by} updated the group notice.`, { id: 'system.group-notice.by' }) : msg('The group notice was updated.', { id: 'system.group-notice' });
    case 'group-visibility':
      return elem.data === 'all'
        ? msg('New members now see the whole history.', { id: 'system.group-visibility.all' })
        : msg('New members now see only what is sent after they join.', { id: 'system.group-visibility.since-join' });
    case 'group-dismissed':
      if (you) return msg('You dismissed the group.', { id: 'system.group-dismissed.you' });
      return by !== undefined ? msg(str`${by} dismissed the group.`, { id: 'system.group-dismissed.by' }) : msg('The group was dismissed.', { id: 'system.group-dismissed' });
    case 'member-joined':
      if (you) return msg(str`You added ${names}.`, { id: 'system.member-joined.you' });
      if (self) return msg('You joined the group.', { id: 'system.member-joined.self' });
      if (toMe) return msg(str`${by} added you.`, { id: 'system.member-joined.by.me' });
      if (others !== undefined) {
        return by !== undefined
          ? msg(str`${by} added you and ${others}.`, { id: 'system.member-joined.by.me-and' })
          : msg(str`You and ${others} joined the group.`, { id: 'system.member-joined.self-and' });
      }
      return by !== undefined ? msg(str`${by} added ${names}.`, { id: 'system.member-joined.by' }) : msg(str`${names} joined the group.`, { id: 'system.member-joined' });
    case 'member-left':
      return self ? msg('You left the group.', { id: 'system.member-left.self' }) : msg(str`${names} left the group.`, { id: 'system.member-left' });
    case 'member-removed':
      if (you) return msg(str`You removed ${names}.`, { id: 'system.member-removed.you' });
      if (toMe) return msg(str`${by} removed you from the group.`, { id: 'system.member-removed.by.me' });
      return by !== undefined ? msg(str`${by} removed ${names}.`, { id: 'system.member-removed.by' }) : msg(str`${names} was removed from the group.`, { id: 'system.member-removed' });
    case 'member-promoted':
      if (aboutMe) return msg('You are now an admin.', { id: 'system.member-promoted.self' });
      if (you) return msg(str`You made ${names} an admin.`, { id: 'system.member-promoted.you' });
      return msg(str`${names} is now an admin.`, { id: 'system.member-promoted' });
    case 'member-demoted':
      if (aboutMe) return msg('You are no longer an admin.', { id: 'system.member-demoted.self' });
      if (you) return msg(str`You removed ${names} as an admin.`, { id: 'system.member-demoted.you' });
      return msg(str`${names} is no longer an admin.`, { id: 'system.member-demoted' });
    case 'owner-changed':
      if (aboutMe) return msg('You now own the group.', { id: 'system.owner-changed.self' });
      if (you) return msg(str`You made ${names} the owner.`, { id: 'system.owner-changed.you' });
      return msg(str`${names} now owns the group.`, { id: 'system.owner-changed' });
    case 'member-muted': {
      const until = Number(elem.data);
      if (!elem.data || !Number.isFinite(until)) {
        if (you) return msg(str`You muted ${names}.`, { id: 'system.member-muted.you' });
        if (toMe) return msg(str`${by} muted you.`, { id: 'system.member-muted.by.me' });
        if (self) return msg('You were muted.', { id: 'system.member-muted.self' });
        return by !== undefined ? msg(str`${by} muted ${names}.`, { id: 'system.member-muted.by' }) : msg(str`${names} was muted.`, { id: 'system.member-muted' });
      }
      const time = formatUntil(until);
      if (you) return msg(str`You muted ${names} until ${time}.`, { id: 'system.member-muted.you.until' });
      if (toMe) return msg(str`${by} muted you until ${time}.`, { id: 'system.member-muted.by.me.until' });
      if (self) return msg(str`You were muted until ${time}.`, { id: 'system.member-muted.self.until' });
      return by !== undefined ? msg(str`${by} muted ${names} until ${time}.`, { id: 'system.member-muted.by.until' }) : msg(str`${names} was muted until ${time}.`, { id: 'system.member-muted.until' });
    }
    case 'member-unmuted':
      if (you) return msg(str`You unmuted ${names}.`, { id: 'system.member-unmuted.you' });
      if (toMe) return msg(str`${by} unmuted you.`, { id: 'system.member-unmuted.by.me' });
      if (self) return msg('You can send messages again.', { id: 'system.member-unmuted.self' });
      return by !== undefined ? msg(str`${by} unmuted ${names}.`, { id: 'system.member-unmuted.by' }) : msg(str`${names} can send messages again.`, { id: 'system.member-unmuted' });
    default:
      return elem.text;
  }
}

/**
 * One line of plain text describing an elem in the active locale, for what screen readers hear
 * of arriving messages, list previews, forward previews and merged forwards: the localized
 * counterpart of the protocol's `describeElem` (whose English goes into stored data).
 */
export function describeElemText(elem: Elem, me?: string): string {
  switch (elem.type) {
    case 'text':
      return plainText(elem.text);
    case 'system':
      return systemText(elem, me);
    case 'face':
      return elem.data || msg('[sticker]', { id: 'elem.face' });
    case 'location': {
      const description = elem.description;
      return msg(str`[location] ${description}`, { id: 'elem.location' }).trim();
    }
    case 'image':
      return msg('[image]', { id: 'elem.image' });
    case 'sound':
      return msg('[voice]', { id: 'elem.sound' });
    case 'video':
      return msg('[video]', { id: 'elem.video' });
    case 'file': {
      const name = elem.name;
      return msg(str`[file] ${name}`, { id: 'elem.file' });
    }
    case 'custom':
      return elem.description || msg('[custom]', { id: 'elem.custom' });
    case 'call':
      return elem.media === 'video' ? msg('[video call]', { id: 'elem.call.video' }) : msg('[voice call]', { id: 'elem.call.audio' });
    case 'merger': {
      const title = elem.title;
      return msg(str`[chat history] ${title}`, { id: 'elem.merger' });
    }
    // Change events never reach a thread (the client folds them in); recalls are worded by the UI phase.
    case 'change':
    case 'recalled':
      return '';
  }
}
