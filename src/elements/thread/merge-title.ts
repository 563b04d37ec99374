import type { ChatMessage } from '../../client/types.js';
import type { UiStrings } from '../i18n/ui.js';
import { isolate } from '../i18n/isolate.js';

/** Title of a merged forward: "Chat history of Bob, Alice" (senders in order of appearance, each isolated: isolate.ts). */
export function mergeTitle(t: UiStrings, held: ChatMessage[], ids: string[]): string {
  const names = new Set<string>();
  for (const id of ids) {
    const m = held.find((x) => x.id === id);
    if (m) names.add(m.senderProfile.name || m.sender);
  }
  return t.mergeTitle([...names].map(isolate).join(t.nameSeparator)).slice(0, 120);
}
