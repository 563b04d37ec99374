import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ConversationId, Message } from '../../../src/protocol/index.js';
import { ackText } from '../../../src/server/core/ack-frame.js';

/** The frame as the core built it before, serialised by JSON.stringify. */
const asObject = (clientMsgId: string, conversationId: ConversationId, message: Message, duplicate: boolean) =>
  JSON.stringify({ type: 'message.ack', clientMsgId, conversationId, id: message.id, seq: message.seq, time: message.time, ...(duplicate && { duplicate }) });

const message = (id: string, seq: number, time: number) =>
  ({ id, seq, time, conversationId: 'p2p:bob', clientMsgId: 'x', sender: 'a', senderProfile: {}, elem: { type: 'text', text: 'hi' } }) as Message;

describe('ackText', () => {
  it('is the text JSON.stringify makes of the ack frame, character for character', () => {
    const m = message('0193a4b2-7c1d-7abc-8def-0123456789ab', 42, 1_733_460_000_000);
    assert.equal(ackText('cmid-0001', 'group:g1', m, false), asObject('cmid-0001', 'group:g1', m, false));
    assert.equal(ackText('cmid-0001', 'p2p:bob', m, true), asObject('cmid-0001', 'p2p:bob', m, true));
  });

  it('escapes whatever the strings hold as JSON.stringify does (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.nat(), fc.nat(), fc.boolean(), (c, v, id, seq, time, dup) => {
        const m = message(id, seq, time);
        assert.equal(ackText(c, `p2p:${v}`, m, dup), asObject(c, `p2p:${v}`, m, dup));
      }),
      { seed: 20261206, numRuns: 2000 },
    );
  });
});
