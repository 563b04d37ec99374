import { msg, str } from '@lit/localize';
import type { Elem, SystemElem } from '../../protocol/elems.js';
import { plainText } from '../../protocol/plain-text.js';
import { formatLocale } from './localize.js';

/** Joins display names in the active locale ("Bob and Carol", "Bob、Carol"). */
function joinNames(names: readonly string[]): string {
  return new Intl.ListFormat(formatLocale(), { type: 'conjunction' }).format(names);
}

/**
 * A system notification in the active locale. Built-in events are worded here from the names
 * the server recorded with them; custom events, and older notifications without names, show
 * the server's own text.
 */
export function systemText(elem: SystemElem): string {
  const group = elem.groupName;
  const names = elem.targetNames?.length ? joinNames(elem.targetNames) : undefined;
  switch (elem.event) {
    case 'group-created':
      return group !== undefined ? msg(str`Group "${group}" was created.`, { id: 'system.group-created' }) : elem.text;
    case 'group-renamed':
      return group !== undefined ? msg(str`The group was renamed "${group}".`, { id: 'system.group-renamed' }) : elem.text;
    case 'member-joined':
      return names !== undefined ? msg(str`${names} joined the group.`, { id: 'system.member-joined' }) : elem.text;
    case 'member-left':
      return names !== undefined ? msg(str`${names} left the group.`, { id: 'system.member-left' }) : elem.text;
    case 'member-removed':
      return names !== undefined ? msg(str`${names} was removed from the group.`, { id: 'system.member-removed' }) : elem.text;
    default:
      return elem.text;
  }
}

/**
 * One line of plain text describing an elem in the active locale, for what screen readers hear
 * of arriving messages, list previews, forward previews and merged forwards: the localized
 * counterpart of the protocol's `describeElem` (whose English goes into stored data).
 */
export function describeElemText(elem: Elem): string {
  switch (elem.type) {
    case 'text':
      return plainText(elem.text);
    case 'system':
      return systemText(elem);
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
