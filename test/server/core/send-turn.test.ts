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
