import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/index.js';
import { withConversationId } from '../../../src/server/core/delivery.js';

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
