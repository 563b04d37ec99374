import { msg, str } from '@lit/localize';
import type { Elem } from '../../protocol/elems.js';

/**
 * One line of plain text describing an elem in the active locale, for what screen readers hear
 * of arriving messages, list previews, forward previews and merged forwards: the localized
 * counterpart of the protocol's `describeElem` (whose English goes into stored data).
 */
export function describeElemText(elem: Elem): string {
  switch (elem.type) {
    case 'text':
    case 'system':
      return elem.text;
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
  }
}
