import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ChatError, type Change, type Message } from '../../../src/protocol/index.js';
import { applyChange } from '../../../src/server/changes/apply.js';
import { DEFAULT_CHANGE_POLICY, type ChangePolicy } from '../../../src/server/changes/policy.js';
import { groupKey, p2pKey } from '../../../src/server/core/conversation-key.js';
import type { Store } from '../../../src/server/core/store.js';
import type { ChangeDraft, StoredMessage } from '../../../src/server/core/types.js';
import { draft } from './store-contract.js';

let n = 0;
/**
 * A change by `actor` to message `targetId` of `key`, decided by the real rules; `byRole`: judged
 * by the actor's group role as the store reads it (a pin under `pin: admins`), as the service asks.
 */
export function changeDraft(
  key: string, actor: string, targetId: string, change: Change,
  over: { changeId?: string; now?: number; admin?: boolean; policy?: Partial<ChangePolicy>; byRole?: boolean } = {},
): ChangeDraft {
  const group = key.startsWith('group:');
  const now = over.now ?? 2000;
  const message: Message = {
    id: `change-${++n}`, conversationId: (group ? key : `p2p:${key.slice(4).split('|').find((u) => u !== actor)}`) as Message['conversationId'],
    seq: 0, clientMsgId: over.changeId ?? `change-${n}-key`, sender: actor, senderProfile: {}, time: now,
    elem: { type: 'recalled' }, isExcludedFromUnreadCount: true, isExcludedFromLastMessage: true,
  };
  return {
    key, type: group ? 'group' : 'p2p', targetId, message,
    apply: (target, visibleTo, pinCount, role) => applyChange(change, target, visibleTo, pinCount,
      { userId: actor, admin: over.admin ?? false, group, groupManager: role === 'owner' || role === 'admin', now }, { ...DEFAULT_CHANGE_POLICY, ...over.policy }),
    ...(over.byRole && { senderRole: true as const }),
  };
}

const refused = (name: string) => (e: unknown) => e instanceof ChatError && e.name === name;

/** The change part of the Store contract (SPEC §9): registered inside storeContract's describe. */
export function changesContract(store: () => Store): void {
  it('commits a change as the next seq and folds it into its target, without unread or last-message effects', async () => {
    const s = store();
    await s.createGroup({ id: 'ch1', name: 'C', createdAt: 1 }, ['a', 'b']);
    const k = groupKey('ch1');
    const [m] = await s.commitMessages([draft(k, 'a')]);
    const target = m!.status === 'committed' ? m!.message : assert.fail();
    const out = await s.commitChange(changeDraft(k, 'b', target.id, { kind: 'reaction', emoji: '👍', on: true }));
    assert.equal(out.status, 'committed');
    const event = out.status === 'committed' ? out.message : assert.fail();
    assert.equal(event.seq, 2);
    assert.deepEqual(event.elem, { type: 'change', target: target.id, change: { kind: 'reaction', emoji: '👍', on: true, count: 1 } });
    const [stored, ev] = await s.readRange(k, 'a', { afterSeq: 0, toSeq: 2, limit: 10, take: 'oldest' });
    assert.deepEqual((stored as StoredMessage).reactions, [{ emoji: '👍', count: 1, users: ['b'] }]);
    assert.equal(stored!.changeSeq, 2);
    assert.equal(ev!.id, event.id);
    assert.equal((await s.getConversation('a', k))?.lastSeq, 2);
    assert.deepEqual(await s.unreadState(k, 'a', 0), { unread: 0, mentioned: false });
    assert.equal((await s.lastMessage(k, 'a'))?.id, target.id);
    assert.equal((await s.findMessage(k, target.id))?.message.changeSeq, 2);
  });

  it('counts unread exactly across runs of rows that do not count: the reader\'s own, excluded, for others, reactions, hidden for the reader', async () => {
    const s = store();
    await s.createGroup({ id: 'runs', name: 'R', createdAt: 1 }, ['r', 'a', 'b', 'c']);
    const k = groupKey('runs');
    const text = (t: string) => ({ elem: { type: 'text' as const, text: t } });
    // Batch by batch, so a run goes on from one commit to the next.
    const committed = async (...ds: ReturnType<typeof draft>[]) => (await s.commitMessages(ds)).map((o) => (o.status === 'committed' ? o.message : assert.fail()));
    const [a1] = await committed(draft(k, 'a', text('a1')));
    await committed(draft(k, 'r', text('own1')), draft(k, 'r', text('own2')));
    await committed(draft(k, 'r', text('own3')), draft(k, 'b', { isExcludedFromUnreadCount: true, ...text('x1') }));
    await committed(draft(k, 'b', text('for c'), ['b', 'c']), draft(k, 'c', text('for r'), ['c', 'r']), draft(k, 'b', { isExcludedFromUnreadCount: true, groupAtUserList: ['r'], ...text('x2') }));
    const [b1, b2] = await committed(draft(k, 'b', text('b1')), draft(k, 'b', { groupAtUserList: ['r'], ...text('b2') }), draft(k, 'c', text('c1')));
    await s.commitChange(changeDraft(k, 'c', a1!.id, { kind: 'reaction', emoji: '👍', on: true }));
    await s.commitChange(changeDraft(k, 'a', a1!.id, { kind: 'reaction', emoji: '👍', on: true }));
    await committed(draft(k, 'r', text('own4')));
    // a1, for r, b1, b2, c1.
    assert.deepEqual(await s.unreadState(k, 'r', 0), { unread: 5, mentioned: true });
    assert.deepEqual(await s.unreadState(k, 'r', b2!.seq), { unread: 1, mentioned: false });
    // For c: a1, own1–3, for c, b1, b2, own4 (not c's own c1 nor the one to r).
    assert.deepEqual(await s.unreadState(k, 'c', 0), { unread: 8, mentioned: false });
    await s.commitChange(changeDraft(k, 'r', b2!.id, { kind: 'hide' }));
    await s.commitChange(changeDraft(k, 'r', b1!.id, { kind: 'hide' }));
    assert.deepEqual(await s.unreadState(k, 'r', 0), { unread: 3, mentioned: false });
    // For a: own1–4, b1, b2, c1.
    assert.deepEqual(await s.unreadState(k, 'a', 0), { unread: 7, mentioned: false });
  });

  it('returns the original event for a repeated changeId and a conflict for one reused in another conversation', async () => {
    const s = store();
    await s.createGroup({ id: 'ch2', name: 'C', createdAt: 1 }, ['a', 'b']);
    const k = groupKey('ch2');
    const [m] = await s.commitMessages([draft(k, 'a')]);
    const id = m!.status === 'committed' ? m!.message.id : assert.fail();
    const first = await s.commitChange(changeDraft(k, 'b', id, { kind: 'reaction', emoji: '🎉', on: true }, { changeId: 'same-change-id' }));
    const again = await s.commitChange(changeDraft(k, 'b', id, { kind: 'reaction', emoji: '🎉', on: true }, { changeId: 'same-change-id' }));
    assert.equal(again.status, 'duplicate');
    assert.equal(again.status === 'duplicate' && again.message.seq, first.status === 'committed' && first.message.seq);
    assert.equal((await s.getConversation('a', k))?.lastSeq, 2);
    assert.deepEqual(((await s.findMessage(k, id))?.message as StoredMessage).reactions, [{ emoji: '🎉', count: 1, users: ['b'] }]);
    const p = p2pKey('b', 'zz');
    await s.commitMessages([draft(p, 'b')]);
    assert.deepEqual(await s.commitChange(changeDraft(p, 'b', id, { kind: 'pin', on: true }, { changeId: 'same-change-id' })), { status: 'conflict' });
  });

  it('stores nothing when the rules refuse a change, and MESSAGE_UNKNOWN for a missing target', async () => {
    const s = store();
    await s.createGroup({ id: 'ch3', name: 'C', createdAt: 1 }, ['a', 'b']);
    const k = groupKey('ch3');
    const [m] = await s.commitMessages([draft(k, 'a')]);
    const id = m!.status === 'committed' ? m!.message.id : assert.fail();
    await assert.rejects(s.commitChange(changeDraft(k, 'b', id, { kind: 'edit', text: 'not yours' })), refused('NOT_MESSAGE_SENDER'));
    await assert.rejects(s.commitChange(changeDraft(k, 'a', id, { kind: 'recall' }, { now: 1_000_000 })), refused('CHANGE_WINDOW_EXPIRED'));
    await assert.rejects(s.commitChange(changeDraft(k, 'a', 'no-such-id', { kind: 'recall' })), refused('MESSAGE_UNKNOWN'));
    assert.equal((await s.getConversation('a', k))?.lastSeq, 1);
    assert.equal((await s.findMessage(k, id))?.message.changeSeq, undefined);
  });

  it('keeps the pinned list, newest pin first, and drops a recalled message from it and from the last-message preview', async () => {
    const s = store();
    await s.createGroup({ id: 'ch4', name: 'C', createdAt: 1 }, ['a', 'b']);
    const k = groupKey('ch4');
    const out = await s.commitMessages([draft(k, 'a'), draft(k, 'b')]);
    const [m1, m2] = out.map((o) => (o.status === 'committed' ? o.message : assert.fail()));
    await s.commitChange(changeDraft(k, 'b', m1!.id, { kind: 'pin', on: true }, { now: 3000 }));
    await s.commitChange(changeDraft(k, 'a', m2!.id, { kind: 'pin', on: true }, { now: 3001 }));
    assert.deepEqual(await s.listPins(k), [
      { messageId: m2!.id, seq: 2, by: 'a', time: 3001 },
      { messageId: m1!.id, seq: 1, by: 'b', time: 3000 },
    ]);
    const [m3] = await s.commitMessages([draft(k, 'a')]);
    const id3 = m3!.status === 'committed' ? m3!.message.id : assert.fail();
    await assert.rejects(s.commitChange(changeDraft(k, 'a', id3, { kind: 'pin', on: true }, { policy: { pinsPerConversation: 2 } })), refused('PINS_LIMIT'));
    await s.commitChange(changeDraft(k, 'b', m2!.id, { kind: 'recall' }, { now: m2!.time + 1000 }));
    assert.deepEqual((await s.listPins(k)).map((p) => p.messageId), [m1!.id]);
    await s.commitChange(changeDraft(k, 'a', id3, { kind: 'recall' }));
    const last = await s.lastMessage(k, 'b');
    assert.equal(last?.id, id3);
    assert.deepEqual(last?.elem, { type: 'recalled' });
    assert.equal(last?.recalled?.by, 'a');
  });

  it('counts the @mentions of a message as edited, and none of a recalled one', async () => {
    const s = store();
    await s.createGroup({ id: 'ch7', name: 'C', createdAt: 1 }, ['ma', 'mb', 'mc']);
    const k = groupKey('ch7');
    const [m] = await s.commitMessages([draft(k, 'ma', { groupAtUserList: ['mb'] })]);
    const id = m!.status === 'committed' ? m!.message.id : assert.fail();
    assert.deepEqual(await s.unreadState(k, 'mc', 0), { unread: 1, mentioned: false });
    const edit = await s.commitChange(changeDraft(k, 'ma', id, { kind: 'edit', text: '@mb @mc', groupAtUserList: ['mb', 'mc'] }));
    assert.deepEqual(edit.status === 'committed' && edit.message.groupAtUserList, ['mc'], 'the event names who is newly mentioned');
    assert.deepEqual(await s.unreadState(k, 'mc', 0), { unread: 1, mentioned: true });
    await s.commitChange(changeDraft(k, 'ma', id, { kind: 'recall' }));
    assert.deepEqual(await s.unreadState(k, 'mb', 0), { unread: 1, mentioned: false });
  });

  it('finds a mention below the unread cap as sent, as an edit adds it and none once recalled; never in the reader\'s own @all', async () => {
    const s = store();
    await s.createGroup({ id: 'ch9', name: 'C', createdAt: 1 }, ['xa', 'xb', 'xc']);
    const k = groupKey('ch9');
    const [m, all] = (await s.commitMessages([draft(k, 'xa', { groupAtUserList: ['xc'] }), draft(k, 'xb', { groupAtUserList: ['@all'] })]))
      .map((o) => (o.status === 'committed' ? o.message.id : assert.fail()));
    const many = await s.commitMessages(Array.from({ length: 1000 }, () => draft(k, 'xa', { groupAtUserList: ['zz'] })));
    assert.deepEqual(await s.unreadState(k, 'xc', 0), { unread: 999, mentioned: true });
    assert.deepEqual(await s.unreadState(k, 'xb', 0), { unread: 999, mentioned: false });
    await s.commitChange(changeDraft(k, 'xa', m!, { kind: 'recall' }));
    assert.deepEqual(await s.unreadState(k, 'xc', 0), { unread: 999, mentioned: true }, 'named by @all still');
    await s.commitChange(changeDraft(k, 'xb', all!, { kind: 'recall' }));
    assert.deepEqual(await s.unreadState(k, 'xc', 0), { unread: 999, mentioned: false });
    const oldest = many[0]!.status === 'committed' ? many[0]!.message.id : assert.fail();
    await s.commitChange(changeDraft(k, 'xa', oldest, { kind: 'edit', text: '@xb', groupAtUserList: ['xb'] }));
    assert.deepEqual(await s.unreadState(k, 'xb', 0), { unread: 999, mentioned: true });
    await s.commitChange(changeDraft(k, 'xa', oldest, { kind: 'edit', text: 'no one', groupAtUserList: [] }));
    assert.deepEqual(await s.unreadState(k, 'xb', 0), { unread: 999, mentioned: false });
  });

  it('shows a delete-for-me event to its user only', async () => {
    const s = store();
    const k = p2pKey('ha', 'hb');
    const [m] = await s.commitMessages([draft(k, 'ha')]);
    const id = m!.status === 'committed' ? m!.message.id : assert.fail();
    const out = await s.commitChange(changeDraft(k, 'hb', id, { kind: 'hide' }));
    assert.deepEqual(out.status === 'committed' && out.visibleTo, ['hb']);
    assert.deepEqual((await s.readRange(k, 'ha', { afterSeq: 0, toSeq: 2, limit: 10, take: 'oldest' })).map((x) => x.seq), [1]);
    assert.deepEqual((await s.readRange(k, 'hb', { afterSeq: 0, toSeq: 2, limit: 10, take: 'oldest' })).map((x) => x.seq), [1, 2]);
    assert.deepEqual(((await s.findMessage(k, id))?.message as StoredMessage).hiddenFor, ['hb']);
  });

  it('counts a message deleted for me neither as unread nor as my last message (the one before it shows), for me only', async () => {
    const s = store();
    await s.createGroup({ id: 'ch8', name: 'C', createdAt: 1 }, ['da', 'db', 'dc']);
    const k = groupKey('ch8');
    const out = await s.commitMessages([draft(k, 'da'), draft(k, 'da', { groupAtUserList: ['db'] })]);
    const [first, second] = out.map((o) => (o.status === 'committed' ? o.message : assert.fail()));
    assert.deepEqual(await s.unreadState(k, 'db', 0), { unread: 2, mentioned: true });
    await s.commitChange(changeDraft(k, 'db', second!.id, { kind: 'hide' }));
    assert.deepEqual(await s.unreadState(k, 'db', 0), { unread: 1, mentioned: false });
    assert.equal((await s.lastMessage(k, 'db'))?.id, first!.id);
    // Others still count and see it.
    assert.deepEqual(await s.unreadState(k, 'dc', 0), { unread: 2, mentioned: false });
    assert.equal((await s.lastMessage(k, 'dc'))?.id, second!.id);
    // Both deleted for db: no preview at all; a user id that is a prefix of another is not confused.
    await s.commitChange(changeDraft(k, 'db', first!.id, { kind: 'hide' }));
    assert.equal(await s.lastMessage(k, 'db'), undefined);
    assert.deepEqual(await s.unreadState(k, 'db', 0), { unread: 0, mentioned: false });
    await s.commitChange(changeDraft(k, 'dc', first!.id, { kind: 'hide' }));
    assert.equal((await s.lastMessage(k, 'd'))?.id, second!.id);
    assert.deepEqual(await s.unreadState(k, 'd', 0), { unread: 2, mentioned: false });
  });

  it('takes concurrent reactions to one message in turn: each event carries the count after it', async () => {
    const s = store();
    const users = Array.from({ length: 8 }, (_, i) => `cr${i}`);
    await s.createGroup({ id: 'ch6', name: 'C', createdAt: 1 }, users);
    const k = groupKey('ch6');
    const [m] = await s.commitMessages([draft(k, 'cr0')]);
    const id = m!.status === 'committed' ? m!.message.id : assert.fail();
    const outs = await Promise.all(users.map((u) => s.commitChange(changeDraft(k, u, id, { kind: 'reaction', emoji: '❤️', on: true }))));
    const bySeq = outs.map((o) => (o.status === 'committed' ? o.message : assert.fail())).sort((a, b) => a.seq - b.seq);
    assert.deepEqual(bySeq.map((e) => (e.elem.type === 'change' && e.elem.change.kind === 'reaction' ? e.elem.change.count : -1)), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(bySeq.map((e) => e.seq), [2, 3, 4, 5, 6, 7, 8, 9]);
    const stored = (await s.findMessage(k, id))?.message as StoredMessage;
    assert.equal(stored.reactions?.[0]?.count, 8);
    assert.equal(stored.changeSeq, 9);
  });

  it('commits changes and messages submitted together with gapless seqs, each change after the body it changed', async () => {
    const s = store();
    await s.createGroup({ id: 'ch-mix', name: 'C', createdAt: 1 }, ['a', 'b', 'c']);
    const k = groupKey('ch-mix');
    const [m1, m2] = await s.commitMessages([draft(k, 'a'), draft(k, 'b')]);
    const [t1, t2] = [m1, m2].map((m) => (m!.status === 'committed' ? m!.message.id : assert.fail()));
    // In one turn: sends and changes to two targets (the second target's twice), as a writer batch takes them.
    const results = await Promise.all([
      s.commitMessages([draft(k, 'c')]),
      s.commitChange(changeDraft(k, 'b', t1!, { kind: 'reaction', emoji: '👍', on: true })),
      s.commitChange(changeDraft(k, 'b', t2!, { kind: 'edit', text: 'edited once' })),
      s.commitMessages([draft(k, 'a'), draft(k, 'c')]),
      s.commitChange(changeDraft(k, 'c', t1!, { kind: 'reaction', emoji: '👍', on: true })),
      s.commitChange(changeDraft(k, 'b', t2!, { kind: 'edit', text: 'edited twice' })),
    ]);
    const outcomes: { status: string; message?: Message }[] = results.flatMap((r): { status: string; message?: Message }[] => (Array.isArray(r) ? r : [r]));
    const seqs = outcomes.map((o) => (o.status === 'committed' ? o.message!.seq : assert.fail()));
    assert.deepEqual([...seqs].sort((x, y) => x - y), [3, 4, 5, 6, 7, 8, 9]);
    assert.equal((await s.getConversation('a', k))?.lastSeq, 9);
    const all = await s.readRange(k, 'a', { afterSeq: 0, toSeq: 9, limit: 20, take: 'oldest' });
    assert.deepEqual(all.map((m) => m.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Calls in flight together have no order among them: whichever committed later came after.
    const first = (await s.findMessage(k, t1!))?.message as StoredMessage;
    assert.deepEqual(first.reactions?.map((r) => ({ ...r, users: [...r.users].sort() })), [{ emoji: '👍', count: 2, users: ['b', 'c'] }]);
    const second = (await s.findMessage(k, t2!))?.message as StoredMessage;
    // Each target's changeSeq is its last change's seq; each event applied to what came before it.
    const events = all.filter((m) => m.elem.type === 'change');
    const reactions = events.filter((e) => e.elem.type === 'change' && e.elem.target === t1);
    assert.deepEqual(reactions.map((e) => e.elem.type === 'change' && e.elem.change.kind === 'reaction' && e.elem.change.count), [1, 2]);
    assert.equal(first.changeSeq, reactions.at(-1)!.seq);
    const edits = events.filter((e) => e.elem.type === 'change' && e.elem.target === t2);
    const texts = edits.map((e) => e.elem.type === 'change' && e.elem.change.kind === 'edit' && e.elem.change.text);
    assert.deepEqual([...texts].sort(), ['edited once', 'edited twice']);
    assert.deepEqual(second.elem, { type: 'text', text: texts.at(-1) });
    assert.equal(second.changeSeq, edits.at(-1)!.seq);
  });

  it('commits one of two concurrent changes with the same changeId; the other answers it as a duplicate', async () => {
    const s = store();
    await s.createGroup({ id: 'ch-dup', name: 'C', createdAt: 1 }, ['a', 'b']);
    const k = groupKey('ch-dup');
    const [m] = await s.commitMessages([draft(k, 'a')]);
    const id = m!.status === 'committed' ? m!.message.id : assert.fail();
    const [x, y] = await Promise.all([1, 2].map(() =>
      s.commitChange(changeDraft(k, 'b', id, { kind: 'reaction', emoji: '🎉', on: true }, { changeId: 'raced-change-id' }))));
    assert.deepEqual([x!.status, y!.status].sort(), ['committed', 'duplicate']);
    assert.equal(x!.status !== 'conflict' && x!.message.seq, y!.status !== 'conflict' && y!.message.seq);
    assert.equal((await s.getConversation('a', k))?.lastSeq, 2);
    assert.deepEqual(((await s.findMessage(k, id))?.message as StoredMessage).reactions, [{ emoji: '🎉', count: 1, users: ['b'] }]);
  });

  it('keeps the pin limit when pins of different messages race for its last place', async () => {
    const s = store();
    await s.createGroup({ id: 'ch-pins', name: 'C', createdAt: 1 }, ['a', 'b']);
    const k = groupKey('ch-pins');
    const ids = (await s.commitMessages([draft(k, 'a'), draft(k, 'a'), draft(k, 'a')]))
      .map((o) => (o.status === 'committed' ? o.message.id : assert.fail()));
    const policy = { pinsPerConversation: 2 };
    await s.commitChange(changeDraft(k, 'a', ids[0]!, { kind: 'pin', on: true }, { policy }));
    const raced = await Promise.allSettled([ids[1]!, ids[2]!].map((id) =>
      s.commitChange(changeDraft(k, 'b', id, { kind: 'pin', on: true }, { policy }))));
    assert.equal(raced.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = raced.find((r) => r.status === 'rejected');
    assert.ok(lost && refused('PINS_LIMIT')(lost.reason));
    assert.equal((await s.listPins(k)).length, 2);
    assert.equal((await s.getConversation('a', k))?.lastSeq, 5);
  });

  it("judges a pin by the sender's group role as it is at the commit, when asked (pin: admins)", async () => {
    const s = store();
    await s.createGroup({ id: 'ch-role', name: 'C', createdAt: 1 }, ['a', 'b', 'o'], { o: 'owner', a: 'admin' });
    const k = groupKey('ch-role');
    const ids = (await s.commitMessages([draft(k, 'b'), draft(k, 'b')])).map((o) => (o.status === 'committed' ? o.message.id : assert.fail()));
    const pin = (actor: string, id: string) => s.commitChange(changeDraft(k, actor, id, { kind: 'pin', on: true }, { policy: { pin: 'admins' }, byRole: true }));
    assert.equal((await pin('a', ids[0]!)).status, 'committed', 'an admin');
    await assert.rejects(pin('b', ids[1]!), refused('PIN_FORBIDDEN'));
    await assert.rejects(pin('nobody', ids[1]!), refused('PIN_FORBIDDEN'));
    await s.setGroupRole('ch-role', 'a', 'member');
    await assert.rejects(pin('a', ids[1]!), refused('PIN_FORBIDDEN'), 'demoted');
    assert.deepEqual((await s.listPins(k)).map((p) => p.messageId), [ids[0]]);
  });
}
