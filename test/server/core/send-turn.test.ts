import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { takeSendTurn, type Connection } from '../../../src/server/core/connection.js';

const connection = (): Connection => ({ id: 'c', send: () => undefined, close: () => undefined });

describe('takeSendTurn (one connection’s sends in order)', () => {
  it('makes each send wait for the ones before it, in the order they came', async () => {
    const conn = connection();
    const order: string[] = [];
    const run = async (name: string, work: number) => {
      const turn = takeSendTurn(conn);
      try {
        if (turn.before) await turn.before;
        for (let i = 0; i < work; i++) await Promise.resolve();
        order.push(name);
      } finally {
        turn.release();
      }
    };
    // The first one takes longest: the others still go after it.
    await Promise.all([run('a', 20), run('b', 5), run('c', 0)]);
    assert.deepEqual(order, ['a', 'b', 'c']);
  });

  it('hands a later send over after an earlier one even when a send between them is refused before its turn came', async () => {
    const conn = connection();
    const order: string[] = [];
    // A send's checks run at once; only its hand-over waits for the turn (as chat-core's sends).
    const run = async (name: string, work: number, refused = false) => {
      const turn = takeSendTurn(conn);
      try {
        for (let i = 0; i < work; i++) await Promise.resolve();
        if (refused) return;
        if (turn.before) await turn.before;
        order.push(name);
      } finally {
        turn.release();
      }
    };
    await Promise.all([run('a', 20), run('b', 0, true), run('c', 0)]);
    assert.deepEqual(order, ['a', 'c']);
  });

  it('leaves nothing to wait for once the last send released, and nothing earlier clears a later turn', () => {
    const conn = connection();
    const a = takeSendTurn(conn);
    assert.equal(a.before, undefined);
    const b = takeSendTurn(conn);
    assert.ok(b.before);
    a.release();
    // b is still before its commit: a third send waits for it.
    assert.ok(takeSendTurn(conn).before);
    const d = connection();
    const only = takeSendTurn(d);
    only.release();
    assert.equal(takeSendTurn(d).before, undefined);
  });
});
