import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ChatError } from '../../../src/protocol/index.js';
import type { Store } from '../../../src/server/core/store.js';

/** The moderation part of the Store contract (SPEC §11): registered inside storeContract's describe. */
export function moderationContract(store: () => Store): void {
  it('puts, replaces, lists and deletes a user\'s bans and mutes by kind and scope', async () => {
    const s = store();
    await s.putSanction({ userId: 'mod1', kind: 'mute', scope: 'g1', until: 5000, reason: 'spam', createdAt: 1 });
    await s.putSanction({ userId: 'mod1', kind: 'mute', scope: '', until: null, createdAt: 2 });
    await s.putSanction({ userId: 'mod1', kind: 'ban', scope: '', until: 9000, createdAt: 3 });
    await s.putSanction({ userId: 'mod1', kind: 'mute', scope: 'g1', until: 6000, reason: 'more spam', createdAt: 4 });
    await s.putSanction({ userId: 'mod2', kind: 'ban', scope: '', until: null, createdAt: 5 });
    assert.deepEqual(await s.listSanctions('mod1'), [
      { userId: 'mod1', kind: 'ban', scope: '', until: 9000, createdAt: 3 },
      { userId: 'mod1', kind: 'mute', scope: '', until: null, createdAt: 2 },
      { userId: 'mod1', kind: 'mute', scope: 'g1', until: 6000, reason: 'more spam', createdAt: 4 },
    ]);
    assert.equal(await s.deleteSanction('mod1', 'mute', 'g1'), true);
    assert.equal(await s.deleteSanction('mod1', 'mute', 'g1'), false);
    assert.deepEqual((await s.listSanctions('mod1')).map((x) => x.kind + ':' + x.scope), ['ban:', 'mute:']);
    assert.deepEqual(await s.listSanctions('nobody'), []);
  });

  it('lists one group\'s mutes by user, expired ones too, and nothing else', async () => {
    const s = store();
    await s.putSanction({ userId: 'gm-b', kind: 'mute', scope: 'gm-g1', until: null, createdAt: 1 });
    await s.putSanction({ userId: 'gm-a', kind: 'mute', scope: 'gm-g1', until: 7000, reason: 'calm', createdAt: 2 });
    await s.putSanction({ userId: 'gm-a', kind: 'mute', scope: '', until: null, createdAt: 3 });
    await s.putSanction({ userId: 'gm-c', kind: 'mute', scope: 'gm-g2', until: null, createdAt: 4 });
    await s.putSanction({ userId: 'gm-c', kind: 'ban', scope: '', until: null, createdAt: 5 });
    assert.deepEqual(await s.listGroupMutes('gm-g1'), [
      { userId: 'gm-a', kind: 'mute', scope: 'gm-g1', until: 7000, reason: 'calm', createdAt: 2 },
      { userId: 'gm-b', kind: 'mute', scope: 'gm-g1', until: null, createdAt: 1 },
    ]);
    assert.equal(await s.deleteSanction('gm-b', 'mute', 'gm-g1'), true);
    assert.deepEqual((await s.listGroupMutes('gm-g1')).map((x) => x.userId), ['gm-a']);
    assert.deepEqual(await s.listGroupMutes('gm-none'), []);
  });

  it('writes a sanction only when it changes something: the same until and reason standing is false', async () => {
    const s = store();
    assert.equal(await s.putSanction({ userId: 'same1', kind: 'mute', scope: 'g', until: 5000, reason: 'r', createdAt: 1 }), true);
    assert.equal(await s.putSanction({ userId: 'same1', kind: 'mute', scope: 'g', until: 5000, reason: 'r', createdAt: 2 }), false);
    assert.equal((await s.listSanctions('same1'))[0]?.createdAt, 1, 'kept as it was');
    assert.equal(await s.putSanction({ userId: 'same1', kind: 'mute', scope: 'g', until: 5000, createdAt: 3 }), true);
    assert.equal(await s.putSanction({ userId: 'same1', kind: 'mute', scope: 'g', until: null, createdAt: 4 }), true);
    assert.equal(await s.putSanction({ userId: 'same1', kind: 'mute', scope: 'g', until: null, createdAt: 5 }), false);
  });

  it('puts and deletes a group\'s mute checked against the roles in that group read at the write: a refusal or false writes nothing', async () => {
    const s = store();
    await s.createGroup({ id: 'mg', name: 'M', createdAt: 1 }, ['mo', 'ma', 'mm'], { mo: 'owner', ma: 'admin' });
    const seen: [string | undefined, string | undefined][] = [];
    const check = (actor: string | undefined, target: string | undefined) => {
      seen.push([actor, target]);
      if (actor !== 'owner' && !(actor === 'admin' && target === 'member')) throw new ChatError('GROUP_ROLE_REQUIRED');
      return true;
    };
    const mute = { userId: 'mm', kind: 'mute', scope: 'mg', until: null, createdAt: 1 } as const;
    assert.equal(await s.putSanction(mute, { check, actor: 'ma' }), true);
    await s.setGroupRole('mg', 'ma', 'member');
    await assert.rejects(s.deleteSanction('mm', 'mute', 'mg', { check, actor: 'ma' }), (e: unknown) => e instanceof ChatError && e.name === 'GROUP_ROLE_REQUIRED');
    await assert.rejects(s.putSanction({ ...mute, until: 9000 }, { check, actor: 'ma' }), (e: unknown) => e instanceof ChatError && e.name === 'GROUP_ROLE_REQUIRED');
    assert.equal(await s.deleteSanction('mm', 'mute', 'mg', { check: () => false, actor: 'mo' }), false);
    assert.deepEqual(await s.listSanctions('mm'), [mute]);
    assert.equal(await s.putSanction({ ...mute, userId: 'nobody' }, { check: (a, t) => (seen.push([a, t]), false), actor: 'mo' }), false);
    assert.deepEqual(await s.listSanctions('nobody'), []);
    assert.equal(await s.deleteSanction('mm', 'mute', 'mg', { check, actor: 'mo' }), true);
    assert.deepEqual(seen, [['admin', 'member'], ['member', 'member'], ['member', 'member'], ['owner', undefined], ['owner', 'member']]);
  });

  it('keeps the word list: replaces it whole, adds or re-modes entries, deletes one, lists by word', async () => {
    const s = store();
    await s.replaceWords([{ word: 'zeta' }, { word: 'alpha', mode: 'mask' }, { word: '坏话', mode: 'reject' }]);
    assert.deepEqual(await s.listWords(), [{ word: 'alpha', mode: 'mask' }, { word: 'zeta' }, { word: '坏话', mode: 'reject' }]);
    await s.putWords([{ word: 'alpha', mode: 'reject' }, { word: 'beta' }]);
    assert.deepEqual(await s.listWords(), [{ word: 'alpha', mode: 'reject' }, { word: 'beta' }, { word: 'zeta' }, { word: '坏话', mode: 'reject' }]);
    assert.equal(await s.deleteWord('zeta'), true);
    assert.equal(await s.deleteWord('zeta'), false);
    await s.replaceWords([{ word: 'only' }]);
    assert.deepEqual(await s.listWords(), [{ word: 'only' }]);
    await s.replaceWords([]);
    assert.deepEqual(await s.listWords(), []);
  });
}
