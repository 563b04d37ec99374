import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/index.js';
import { ConnectionRegistry, type Connection } from '../../../src/server/core/connection.js';
import { deliverLocally, withConversationId } from '../../../src/server/core/delivery.js';

/** A 1:1 message as the writer stores it: the seq first, then the message's keys in the order prepareSend makes them. */
function stored(extra: Partial<Message> = {}): { message: Message; json: string } {
  const message = {
    seq: 7, id: '0193a4b2-7c1d-7abc-8def-0123456789ab', conversationId: 'p2p:bob', clientMsgId: '0193a4b27c1d0123456789ab00000001',
    sender: 'alice', senderProfile: { name: 'Alice' }, time: 1_733_460_000_000, elem: { type: 'text', text: 'hi' }, ...extra,
  } as Message;
  return { message, json: JSON.stringify(message) };
}

describe('withConversationId (the other side of a 1:1 chat)', () => {
  it('is the message serialised with the other view, byte for byte', () => {
    const { message, json } = stored();
    assert.equal(withConversationId(json, 'p2p:bob', 'p2p:alice'), JSON.stringify({ ...message, conversationId: 'p2p:alice' }));
  });

  it('swaps only the top-level key, whatever the texts and nested objects say', () => {
    const { message, json } = stored({
      elem: { type: 'text', text: '"conversationId":"p2p:bob" {"conversationId":"p2p:bob"}' },
      forwardedFrom: { conversationId: 'p2p:bob', name: 'x' } as unknown as Message['forwardedFrom'],
      cloudCustomData: '"conversationId":"p2p:bob"',
    });
    const swapped = withConversationId(json, 'p2p:bob', 'p2p:alice');
    assert.deepEqual(JSON.parse(swapped!), { ...message, conversationId: 'p2p:alice' });
  });

  it('escapes ids as JSON does', () => {
    const { message, json } = stored({ conversationId: 'p2p:b"ob\\' });
    assert.deepEqual(JSON.parse(withConversationId(json, 'p2p:b"ob\\', 'p2p:a"l\\')!), { ...message, conversationId: 'p2p:a"l\\' });
  });

  it('declines (the caller serialises the view) when the key is not the first of the message', () => {
    const nested = JSON.stringify({ seq: 1, forwardedFrom: { conversationId: 'p2p:bob' }, conversationId: 'p2p:bob' });
    assert.equal(withConversationId(nested, 'p2p:bob', 'p2p:alice'), undefined);
    assert.equal(withConversationId(stored().json, 'p2p:carol', 'p2p:alice'), undefined);
  });
});

describe('deliverLocally (message events)', () => {
  /** Connections that keep what they are sent, registered under their users. */
  function devices(...users: string[]): { registry: ConnectionRegistry; got: Map<Connection, string[]>; conns: Connection[] } {
    const registry = new ConnectionRegistry();
    const got = new Map<Connection, string[]>();
    const conns = users.map((user, i) => {
      const frames: string[] = [];
      const conn: Connection = { id: `conn-${i}-${user}`, send: (d) => void frames.push(d), close: () => undefined, session: { userId: user, profile: {} } };
      got.set(conn, frames);
      registry.add(user, conn);
      return conn;
    });
    return { registry, got, conns };
  }
  const seen = (frames: string[] | undefined) => frames!.map((f) => (JSON.parse(f) as { message: Message }).message.conversationId);

  it('gives each side of a 1:1 chat its own view, every device but the origin, once', () => {
    const { registry, got, conns } = devices('alice', 'alice', 'bob', 'carol');
    const { message } = stored({ sender: 'alice', conversationId: 'p2p:bob' });
    deliverLocally({ kind: 'message', key: 'p2p:alice|bob', message, recipients: ['alice', 'bob'], origin: conns[0]!.id }, registry);
    assert.deepEqual(seen(got.get(conns[0]!)), []);
    assert.deepEqual(seen(got.get(conns[1]!)), ['p2p:bob']);
    assert.deepEqual(seen(got.get(conns[2]!)), ['p2p:alice']);
    assert.deepEqual(seen(got.get(conns[3]!)), []);
    // The peer's view is the message serialised with its id for the chat, nothing else changed.
    assert.deepEqual(JSON.parse(got.get(conns[2]!)![0]!), { type: 'message.new', message: { ...message, conversationId: 'p2p:alice' } });
  });

  it('sends a group message, as it is, to every member device but the origin', () => {
    const { registry, got, conns } = devices('alice', 'bob', 'bob', 'carol');
    const { message, json } = stored({ sender: 'alice', conversationId: 'group:g' });
    deliverLocally({ kind: 'message', key: 'group:g', message, recipients: ['alice', 'bob'], origin: conns[0]!.id, json }, registry);
    assert.deepEqual(got.get(conns[0]!), []);
    assert.deepEqual(got.get(conns[1]!), [`{"type":"message.new","message":${json}}`]);
    assert.deepEqual(got.get(conns[2]!), [`{"type":"message.new","message":${json}}`]);
    assert.deepEqual(got.get(conns[3]!), []);
  });

  it('skips the origin by its id when it is not one of the sender\'s connections', () => {
    const { registry, got, conns } = devices('alice', 'bob');
    const { message } = stored({ sender: 'system', conversationId: 'group:g' });
    deliverLocally({ kind: 'message', key: 'group:g', message, recipients: ['alice', 'bob'], origin: conns[1]!.id }, registry);
    assert.equal(got.get(conns[0]!)!.length, 1);
    assert.equal(got.get(conns[1]!)!.length, 0);
  });
});
