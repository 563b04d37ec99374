import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Presence } from '../../../src/server/core/presence.js';

/**
 * The behaviour every Presence adapter has. `nodes()` returns a factory of nodes sharing one
 * presence (a single node for the in-process adapter, which cannot see other nodes).
 */
export function presenceContract(name: string, nodes: () => Promise<() => Promise<Presence>>, shared: boolean): void {
  describe(`Presence contract: ${name}`, () => {
    it('counts a user online from online() until offline(), and answers in the order asked', async () => {
      const node = await (await nodes())();
      assert.deepEqual(await node.offlineAmong(['u1', 'u2', 'u3']), ['u1', 'u2', 'u3']);
      await node.online('u2');
      await node.online('u2');
      assert.deepEqual(await node.offlineAmong(['u3', 'u2', 'u1']), ['u3', 'u1']);
      await node.offline('u2');
      assert.deepEqual(await node.offlineAmong(['u2']), ['u2']);
      await node.offline('u2');
      assert.deepEqual(await node.offlineAmong([]), []);
      await node.close();
    });

    it('forgets its users when closed', async () => {
      const make = await nodes();
      const node = await make();
      await node.online('c1');
      await node.close();
      const other = await make();
      assert.deepEqual(await other.offlineAmong(['c1']), ['c1']);
      await other.close();
    });

    if (shared) {
      it('a user online on node B is online for node A until B says otherwise', async () => {
        const make = await nodes();
        const [a, b] = [await make(), await make()];
        await b.online('s1');
        await a.online('s2');
        assert.deepEqual(await a.offlineAmong(['s1', 's2', 's3']), ['s3']);
        assert.deepEqual(await b.offlineAmong(['s1', 's2', 's3']), ['s3']);
        // Both nodes hold s1: one leaving keeps it online.
        await a.online('s1');
        await b.offline('s1');
        assert.deepEqual(await b.offlineAmong(['s1']), []);
        await a.offline('s1');
        assert.deepEqual(await b.offlineAmong(['s1']), ['s1']);
        await a.close();
        assert.deepEqual(await b.offlineAmong(['s2']), ['s2']);
        await b.close();
      });
    }
  });
}
