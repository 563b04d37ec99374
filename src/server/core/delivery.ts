import type { ConversationId } from '../../protocol/index.js';
import type { BusEvent } from './bus.js';
import type { ConnectionRegistry } from './connection.js';
import { parseKey, viewOf } from './conversation-key.js';
import { replaceTopLevelMember } from './json-text.js';

/**
 * Delivers a bus event to the connections of this node. Each distinct view of a message is
 * serialised once: a group message once for all members, a p2p message once per side,
 * never once per socket.
 */
export function deliverLocally(event: BusEvent, registry: ConnectionRegistry): void {
  switch (event.kind) {
    case 'message': {
      const isGroup = parseKey(event.key).type === 'group';
      const own = event.message.conversationId;
      let json: string | undefined;
      const views = new Map<ConversationId, string>();
      for (const user of event.recipients) {
        const conns = registry.of(user);
        if (!conns) continue;
        const view = isGroup ? own : viewOf(event.key, user);
        let data = views.get(view);
        if (data === undefined) {
          json ??= event.json ?? JSON.stringify(event.message);
          const seen = view === own ? json : withConversationId(json, own, view) ?? JSON.stringify({ ...event.message, conversationId: view });
          data = `{"type":"message.new","message":${seen}}`;
          views.set(view, data);
        }
        for (const conn of conns) if (conn.id !== event.origin) conn.send(data);
      }
      return;
    }
    case 'frame': {
      let data: string | undefined;
      for (const user of event.users) {
        const conns = registry.of(user);
        if (!conns) continue;
        data ??= JSON.stringify(event.frame);
        for (const conn of conns) if (conn.id !== event.except) conn.send(data);
      }
      return;
    }
    case 'kick': {
      const conns = registry.of(event.userId);
      if (!conns) return;
      const data = JSON.stringify({ type: 'error', ...event.error });
      for (const conn of [...conns]) {
        conn.send(data);
        conn.close(4401, event.error.name);
      }
      return;
    }
    case 'wordlist':
      return; // for the core (ChatCore.start), not for sockets
  }
}

/**
 * A serialised message as another side of its 1:1 chat sees it: the same text with its top-level
 * `conversationId` swapped, instead of serialising the message again (a message's id and
 * conversationId come before any object in it). Undefined when that is not so: the caller
 * serialises the view instead.
 */
export function withConversationId(json: string, from: ConversationId, to: ConversationId): string | undefined {
  return replaceTopLevelMember(json, `"conversationId":${JSON.stringify(from)}`, `"conversationId":${JSON.stringify(to)}`);
}
