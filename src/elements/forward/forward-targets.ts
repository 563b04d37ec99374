import type { ChatClient } from '../../client/types.js';
import { ID_PATTERN, p2pConversation, parseConversationId, type ConversationId } from '../../protocol/ids.js';

/** One row of the forward dialog's target list. */
export interface ForwardTarget {
  id: ConversationId;
  label: string;
  kind: 'group' | 'person' | 'typed';
  /** A typed id whose profile name is known (`label` is the name, not the id). */
  named?: boolean;
}

/**
 * Where a message can be forwarded: the user's conversations, then people the client knows of
 * without a 1:1 conversation yet (members seen in group threads), then, when the query is a
 * valid user id nobody listed has, that person (by profile name once known, `nameOf`). Filtered
 * by the query (name or id).
 */
export function forwardTargets(client: ChatClient, query: string, nameOf: (userId: string) => string | undefined = () => undefined): ForwardTarget[] {
  const me = client.$me.get()?.id;
  const list: ForwardTarget[] = [];
  const seen = new Set<string>();
  for (const c of client.$conversations.get()) {
    const { type, target } = parseConversationId(c.id);
    seen.add(c.id);
    list.push({ id: c.id, label: c.name || (type === 'p2p' ? nameOf(target) : undefined) || target, kind: type === 'group' ? 'group' : 'person' });
  }
  for (const c of client.$conversations.get()) {
    if (c.type !== 'group') continue;
    for (const m of client.messages(c.id).get()) {
      const id = p2pConversation(m.sender);
      if (m.sender === me || !m.sender || seen.has(id) || m.elem.type === 'system') continue;
      seen.add(id);
      list.push({ id, label: m.senderProfile.name || m.sender, kind: 'person' });
    }
  }
  const q = query.trim().toLowerCase();
  const matches = q ? list.filter((t) => t.label.toLowerCase().includes(q) || t.id.toLowerCase().includes(q)) : list;
  const typed = query.trim();
  if (typed && ID_PATTERN.test(typed) && typed !== me && !seen.has(p2pConversation(typed))) {
    const name = nameOf(typed);
    matches.push({ id: p2pConversation(typed), label: name ?? typed, kind: 'typed', ...(name ? { named: true } : {}) });
  }
  return matches;
}
