import type { ChatMessage } from '../../../client/types.js';
import type { ChangeStrings } from '../../i18n/changes.js';

/**
 * What the live region says about changes that arrived between two renders of one thread:
 * "Alice reacted 👍" for a reaction someone else added, "Message edited" for an edit and "Alice
 * recalled a message" for a recall by someone else (own ones are not read back: the row shows them
 * where the user acted), and every pin and unpin, own ones too ("You pinned a message": the bar
 * they change is away at the top of the thread). Messages are compared by id; new messages are not changes.
 */
export function changeAnnouncements(
  before: readonly ChatMessage[],
  after: readonly ChatMessage[],
  me: string | undefined,
  nameOf: (id: string) => string,
  s: ChangeStrings,
): string[] {
  if (before === after || before.length === 0) return [];
  const old = new Map<string, ChatMessage>();
  for (const m of before) if (m.id) old.set(m.id, m);
  const said: string[] = [];
  for (const m of after) {
    const was = m.id ? old.get(m.id) : undefined;
    if (!was || was === m) continue;
    const recall = m.recalled;
    if (recall) {
      if (!was.recalled && recall.by !== me) said.push(s.recalledBy(nameOf(recall.by)));
      continue;
    }
    if (m.edited && m.edited !== was.edited && !m.isSelf) said.push(s.messageEdited);
    const pin = m.pinned;
    if (pin?.time !== was.pinned?.time) said.push(!pin ? s.messageUnpinned : pin.by === me ? s.youPinned : s.pinnedBy(nameOf(pin.by)));
    for (const r of m.reactions ?? []) {
      const prior = was.reactions?.find((x) => x.emoji === r.emoji)?.users ?? [];
      for (const u of r.users) if (u !== me && !prior.includes(u)) said.push(s.reacted(nameOf(u), r.emoji));
    }
  }
  return said;
}
