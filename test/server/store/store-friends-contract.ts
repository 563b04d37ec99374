import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../../src/server/core/store.js';

/** Friends lists and friend requests (SPEC §13), part of the Store contract. */
export function friendsContract(store: () => Store): void {
  describe('friends and friend requests', () => {
    it('lists friends by id with their profiles, paged, leaving deleted users out', async () => {
      const s = store();
      for (const id of ['fa', 'fb', 'fc', 'fd']) await s.putUser(id, { name: `Name ${id}`, ...(id === 'fc' && { avatar: 'https://a.example/c.png' }) }, 1);
      await s.setFriends('fa', 'fd', true);
      await s.setFriends('fa', 'fb', true);
      await s.setFriends('fc', 'fa', true);
      assert.deepEqual(await s.listFriends('fa', undefined, 10), [
        { id: 'fb', name: 'Name fb' },
        { id: 'fc', name: 'Name fc', avatar: 'https://a.example/c.png' },
        { id: 'fd', name: 'Name fd' },
      ]);
      assert.deepEqual((await s.listFriends('fa', 'fb', 1)).map((p) => p.id), ['fc']);
      assert.deepEqual((await s.listFriends('fc', undefined, 10)).map((p) => p.id), ['fa']);
      await s.deleteUser('fd');
      assert.deepEqual((await s.listFriends('fa', undefined, 10)).map((p) => p.id), ['fb', 'fc']);
    });

    it('stores a request once, lists it on both sides and drops it on decline or cancel', async () => {
      const s = store();
      for (const id of ['ra', 'rb', 'rc']) await s.putUser(id, { name: id.toUpperCase() }, 1);
      assert.equal(await s.putFriendRequest({ from: 'ra', to: 'rb', message: 'hi', createdAt: 5 }, 10), 'created');
      assert.equal(await s.putFriendRequest({ from: 'ra', to: 'rb', message: 'again', createdAt: 6 }, 10), 'exists');
      assert.equal(await s.putFriendRequest({ from: 'rc', to: 'rb', createdAt: 7 }, 10), 'created');
      assert.deepEqual(await s.getFriendRequest('ra', 'rb'), { from: 'ra', to: 'rb', message: 'hi', createdAt: 5 });
      assert.equal(await s.getFriendRequest('rb', 'ra'), undefined);
      assert.deepEqual(await s.listFriendRequests('rb', 'in', undefined, 10), [
        { id: 'ra', name: 'RA', message: 'hi', time: 5 },
        { id: 'rc', name: 'RC', time: 7 },
      ]);
      assert.deepEqual((await s.listFriendRequests('rb', 'in', 'ra', 10)).map((r) => r.id), ['rc']);
      assert.deepEqual(await s.listFriendRequests('ra', 'out', undefined, 10), [{ id: 'rb', name: 'RB', message: 'hi', time: 5 }]);
      assert.deepEqual(await s.listFriendRequests('ra', 'in', undefined, 10), []);
      assert.equal(await s.deleteFriendRequest('ra', 'rb'), true);
      assert.equal(await s.deleteFriendRequest('ra', 'rb'), false);
      assert.deepEqual((await s.listFriendRequests('rb', 'in', undefined, 10)).map((r) => r.id), ['rc']);
      assert.equal(await s.areFriends('ra', 'rb'), false);
    });

    it('accepts a request into a friendship both ways, dropping the requests either way', async () => {
      const s = store();
      for (const id of ['aa', 'ab']) await s.putUser(id, {}, 1);
      assert.equal(await s.acceptFriendRequest('aa', 'ab'), false);
      assert.equal(await s.areFriends('aa', 'ab'), false);
      await s.putFriendRequest({ from: 'aa', to: 'ab', createdAt: 1 }, 10);
      await s.putFriendRequest({ from: 'ab', to: 'aa', createdAt: 2 }, 10);
      assert.equal(await s.acceptFriendRequest('aa', 'ab'), true);
      assert.equal(await s.areFriends('aa', 'ab'), true);
      assert.equal(await s.areFriends('ab', 'aa'), true);
      assert.equal(await s.getFriendRequest('aa', 'ab'), undefined);
      assert.equal(await s.getFriendRequest('ab', 'aa'), undefined);
      assert.equal(await s.acceptFriendRequest('aa', 'ab'), false);
    });

    it('refuses a request past the pending limit of the sender or of the receiver, also when sent at once', async () => {
      const s = store();
      for (const id of ['la', 'lb', 'lc', 'ld', 'le']) await s.putUser(id, {}, 1);
      const sent = await Promise.all(['lb', 'lc', 'ld'].map((to, i) => s.putFriendRequest({ from: 'la', to, createdAt: i }, 2)));
      assert.deepEqual(sent.sort(), ['created', 'created', 'limit']);
      assert.equal((await s.listFriendRequests('la', 'out', undefined, 10)).length, 2);
      // The receiver side: le has two waiting, a third is refused.
      assert.equal(await s.putFriendRequest({ from: 'lb', to: 'le', createdAt: 1 }, 2), 'created');
      assert.equal(await s.putFriendRequest({ from: 'lc', to: 'le', createdAt: 1 }, 2), 'created');
      assert.equal(await s.putFriendRequest({ from: 'ld', to: 'le', createdAt: 1 }, 2), 'limit');
      assert.equal(await s.getFriendRequest('ld', 'le'), undefined);
    });

    it('drops a deleted user’s requests, sent and received, freeing the other side’s room', async () => {
      const s = store();
      for (const id of ['da', 'db', 'dc']) await s.putUser(id, {}, 1);
      await s.putFriendRequest({ from: 'da', to: 'db', createdAt: 1 }, 1);
      await s.putFriendRequest({ from: 'dc', to: 'da', createdAt: 1 }, 1);
      assert.equal(await s.putFriendRequest({ from: 'da', to: 'dc', createdAt: 1 }, 1), 'limit');
      await s.deleteUser('da');
      assert.equal(await s.getFriendRequest('da', 'db'), undefined);
      assert.equal(await s.getFriendRequest('dc', 'da'), undefined);
      assert.equal(await s.putFriendRequest({ from: 'dc', to: 'db', createdAt: 2 }, 1), 'created', 'dc has room again');
    });
  });
}
