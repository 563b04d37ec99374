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

    it('answers states in the order asked, with when an offline user was last seen', async () => {
      const node = await (await nodes())();
      assert.deepEqual(await node.states([]), []);
      assert.deepEqual(await node.states(['ls1']), [{ online: false }]);
      await node.online('ls1');
      await node.online('ls2');
      assert.deepEqual(await node.states(['ls2', 'ls3', 'ls1']), [{ online: true }, { online: false }, { online: true }]);
      const before = Date.now();
      await node.offline('ls1');
      const [gone, still] = await node.states(['ls1', 'ls2']);
      assert.equal(gone!.online, false);
      assert.ok(gone!.lastSeen! >= before - 1000 && gone!.lastSeen! <= Date.now(), `last seen ${gone!.lastSeen} at the offline`);
      assert.deepEqual(still, { online: true });
      // Online again: no last seen while online.
      await node.online('ls1');
      assert.deepEqual(await node.states(['ls1']), [{ online: true }]);
      await node.close();
    });

    it('gives the users of a node that closes a last seen', async () => {
      const make = await nodes();
      const node = await make();
      await node.online('lc1');
      const before = Date.now();
      await node.close();
      // The in-process adapter has no other node: it answers itself, closed.
      const other = shared ? await make() : node;
      const [state] = await other.states(['lc1']);
      assert.equal(state!.online, false);
      assert.ok(state!.lastSeen! >= before - 1000, 'last seen when the node closed');
      if (shared) await other.close();
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

      it('a user who leaves node B is last seen then on node A', async () => {
        const make = await nodes();
        const [a, b] = [await make(), await make()];
        await b.online('lb1');
        assert.deepEqual(await a.states(['lb1']), [{ online: true }]);
        const before = Date.now();
        await b.offline('lb1');
        const [state] = await a.states(['lb1']);
        assert.equal(state!.online, false);
        assert.ok(state!.lastSeen! >= before - 1000 && state!.lastSeen! <= Date.now());
        await a.close();
        await b.close();
      });
    }
  });
}
