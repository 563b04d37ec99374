import { p2pConversation, type ConversationId } from '../../protocol/index.js';
import type { BusEvent } from './bus.js';
import type { Connection, ConnectionRegistry } from './connection.js';
import { parseKey } from './conversation-key.js';
import { replaceTopLevelMember } from './json-text.js';

/**
 * Delivers a bus event to the connections of this node. Each distinct view of a message is
 * serialised once: a group message once for all members, a p2p message once per side,
 * never once per socket.
 */
export function deliverLocally(event: BusEvent, registry: ConnectionRegistry): void {
  switch (event.kind) {
    case 'message': {
      const parsed = parseKey(event.key);
      const own = event.message.conversationId;
      const origin = originOf(event, registry);
      // Not among its sender's connections (a change made for someone else): compared by id.
      const originId = origin === undefined ? event.origin : undefined;
      // The id each recipient knows the conversation by: a group's is one for all; each side of
      // a 1:1 chat names it by the other. Serialised once per name.
      const [a, b] = parsed.type === 'p2p' ? parsed.users : [undefined, undefined];
      const viewOfA = b === undefined ? own : p2pConversation(b);
      const viewOfB = a === undefined ? own : p2pConversation(a);
      let json: string | undefined;
      let dataOfA: string | undefined;
      let dataOfB: string | undefined;
      for (const user of event.recipients) {
        const conns = registry.of(user);
        if (!conns) continue;
        const isA = a === undefined || user === a;
        let data = isA ? dataOfA : dataOfB;
        if (data === undefined) {
          json ??= event.json ?? JSON.stringify(event.message);
          const view = isA ? viewOfA : viewOfB;
          const seen = view === own ? json : withConversationId(json, own, view) ?? JSON.stringify({ ...event.message, conversationId: view });
          data = `{"type":"message.new","message":${seen}}`;
          if (isA) dataOfA = data;
          else dataOfB = data;
        }
        for (const conn of conns) if (conn !== origin && (originId === undefined || conn.id !== originId)) conn.send(data);
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
    case 'facts':
      return; // for the core (ChatCore.start), not for sockets
  }
}

/**
 * The connection of this node a message event came from, found among its sender's: fan-out skips
 * it by identity. (Comparing each recipient connection's id with the event's origin compared two
 * strings' characters, from all over the heap: about 1 % of the event loop under load.)
 */
function originOf(event: { origin?: string; message: { sender: string } }, registry: ConnectionRegistry): Connection | undefined {
  if (event.origin === undefined) return undefined;
  const conns = registry.of(event.message.sender);
  if (conns) for (const conn of conns) if (conn.id === event.origin) return conn;
  return undefined;
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
