import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CLIENT_MSG_ID_PATTERN, isConversationId, type ConversationId, type Message } from '../../../src/protocol/index.js';
import { ackText } from '../../../src/server/core/ack-frame.js';
import { newMessageId } from '../../../src/server/core/message-id.js';

/** The frame as the core built it before, serialised by JSON.stringify. */
const asObject = (clientMsgId: string, conversationId: ConversationId, message: Message, duplicate: boolean) =>
  JSON.stringify({ type: 'message.ack', clientMsgId, conversationId, id: message.id, seq: message.seq, time: message.time, ...(duplicate && { duplicate }) });

const message = (id: string, seq: number, time: number) =>
  ({ id, seq, time, conversationId: 'p2p:bob', clientMsgId: 'x', sender: 'a', senderProfile: {}, elem: { type: 'text', text: 'hi' } }) as Message;

const idChars = (extra: string) => fc.string({ unit: fc.constantFrom(...`abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-${extra}`), minLength: 1, maxLength: 64 });

describe('ackText', () => {
  it('is the text JSON.stringify makes of the ack frame, character for character', () => {
    const m = message(newMessageId(), 42, 1_733_460_000_000);
    assert.equal(ackText('cmid-0001', 'group:g1', m, false), asObject('cmid-0001', 'group:g1', m, false));
    assert.equal(ackText('cmid-0001', 'p2p:bob.smith@x', m, true), asObject('cmid-0001', 'p2p:bob.smith@x', m, true));
  });

  it('is so for every id the protocol lets through and every id the server makes (fuzz)', () => {
    fc.assert(
      fc.property(idChars(''), fc.constantFrom('p2p:', 'group:'), idChars('.@'), fc.nat(), fc.integer({ min: 0, max: 2 ** 47 }), fc.boolean(), (c, kind, target, seq, time, dup) => {
        const conversationId = `${kind}${target}`;
        fc.pre(CLIENT_MSG_ID_PATTERN.test(c) && isConversationId(conversationId));
        const m = message(newMessageId(time), seq, time);
        assert.equal(ackText(c, conversationId, m, dup), asObject(c, conversationId, m, dup));
      }),
      { seed: 20261206, numRuns: 2000 },
    );
  });
});
