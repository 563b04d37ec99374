import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatError, type Change } from '../../../src/protocol/index.js';
import { applyChange, type ChangeActor } from '../../../src/server/changes/apply.js';
import { changePolicyFromEnv, DEFAULT_CHANGE_POLICY } from '../../../src/server/changes/policy.js';
import type { StoredMessage } from '../../../src/server/core/types.js';

const target: StoredMessage = {
  id: 'm1', conversationId: 'group:g', seq: 3, clientMsgId: 'cmid00000001', sender: 'alice', senderProfile: { name: 'Alice' },
  time: 1_000, elem: { type: 'text', text: 'hi @bob' }, groupAtUserList: ['bob'],
};
const actor = (userId: string, over: Partial<ChangeActor> = {}): ChangeActor => ({ userId, admin: false, group: true, now: 2_000, ...over });
const apply = (change: Change, who: ChangeActor, t: StoredMessage = target, policy = DEFAULT_CHANGE_POLICY, pins = 0) =>
  applyChange(change, t, undefined, pins, who, policy);
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof ChatError ? e.name : String(e);
  }
  return 'accepted';
};

describe('the rules of changes (server/changes/apply.ts)', () => {
  test('edits only text, and reports the @mentions an edit adds', () => {
    const image: StoredMessage = { ...target, elem: { type: 'image', url: 'https://x.example/a.png', width: 1, height: 1, size: 1, mime: 'image/png' } };
    assert.equal(refusal(() => apply({ kind: 'edit', text: 'x' }, actor('alice'), image)), 'NOT_EDITABLE');
    const out = apply({ kind: 'edit', text: 'hi @bob @carol', groupAtUserList: ['bob', 'carol'] }, actor('alice'));
    assert.deepEqual(out.mentions, ['carol']);
    assert.deepEqual(out.target.elem, { type: 'text', text: 'hi @bob @carol' });
    assert.equal(out.target.edited, 2_000);
  });

  test("only the sender edits, within the window; the site's admin edits anyone's text any time, but text only", () => {
    const windowed = { ...DEFAULT_CHANGE_POLICY, editWindowSeconds: 60 };
    const late = (who: ChangeActor) => ({ ...who, now: target.time + 61_000 });
    assert.equal(refusal(() => apply({ kind: 'edit', text: 'x' }, actor('bob'), target, windowed)), 'NOT_MESSAGE_SENDER');
    assert.equal(refusal(() => apply({ kind: 'edit', text: 'x' }, late(actor('alice')), target, windowed)), 'CHANGE_WINDOW_EXPIRED');
    const redacted = apply({ kind: 'edit', text: '[removed]' }, late(actor('system', { admin: true })), target, windowed);
    assert.deepEqual(redacted.target.elem, { type: 'text', text: '[removed]' });
    assert.equal(redacted.target.sender, 'alice', 'the message stays the sender\'s');
    const image: StoredMessage = { ...target, elem: { type: 'image', url: 'https://x.example/a.png', width: 1, height: 1, size: 1, mime: 'image/png' } };
    assert.equal(refusal(() => apply({ kind: 'edit', text: 'x' }, actor('system', { admin: true }), image)), 'NOT_EDITABLE');
  });

  test('NATTER_PIN=admins: only admins pin in groups, anyone in 1:1 chats', () => {
    const admins = { ...DEFAULT_CHANGE_POLICY, pin: 'admins' as const };
    assert.equal(refusal(() => apply({ kind: 'pin', on: true }, actor('bob'), target, admins)), 'PIN_FORBIDDEN');
    assert.equal(refusal(() => apply({ kind: 'pin', on: true }, actor('bob', { admin: true }), target, admins)), 'accepted');
    assert.equal(refusal(() => apply({ kind: 'pin', on: true }, actor('bob', { group: false }), target, admins)), 'accepted');
    assert.equal(refusal(() => apply({ kind: 'pin', on: true }, actor('bob', { groupManager: true }), target, admins)), 'accepted', 'a group owner or admin');
  });

  test('a recalled message can still be unpinned and hidden, nothing else', () => {
    const recalled = apply({ kind: 'recall' }, actor('alice')).target;
    assert.deepEqual(recalled.elem, { type: 'recalled' });
    assert.equal(recalled.groupAtUserList, undefined, 'mentions go with the content');
    for (const change of [{ kind: 'reaction', emoji: '👍', on: true }, { kind: 'edit', text: 'x' }, { kind: 'pin', on: true }, { kind: 'recall' }] as Change[]) {
      assert.equal(refusal(() => apply(change, actor('alice', { admin: true }), recalled)), 'MESSAGE_RECALLED', change.kind);
    }
    assert.equal(refusal(() => apply({ kind: 'pin', on: false }, actor('bob'), recalled)), 'accepted');
    assert.equal(refusal(() => apply({ kind: 'hide' }, actor('bob'), recalled)), 'accepted');
  });

  test('a reaction event carries the resulting count; a repeated on or an off of nothing changes nothing', () => {
    const one = apply({ kind: 'reaction', emoji: '👍', on: true }, actor('bob'));
    const again = apply({ kind: 'reaction', emoji: '👍', on: true }, actor('bob'), one.target);
    assert.deepEqual(again.target.reactions, [{ emoji: '👍', count: 1, users: ['bob'] }]);
    assert.deepEqual(again.elem.change, { kind: 'reaction', emoji: '👍', on: true, count: 1 });
    const off = apply({ kind: 'reaction', emoji: '🎉', on: false }, actor('carol'), one.target);
    assert.deepEqual(off.elem.change, { kind: 'reaction', emoji: '🎉', on: false, count: 0 });
    assert.deepEqual(off.target.reactions, one.target.reactions);
  });

  test('reads the NATTER_* change variables, refusing nonsense with a TypeError', () => {
    assert.deepEqual(changePolicyFromEnv({}), {});
    assert.deepEqual(
      changePolicyFromEnv({ NATTER_EDIT_WINDOW_SECONDS: '600', NATTER_RECALL_WINDOW_SECONDS: '0', NATTER_REACTIONS_PER_MESSAGE: '10', NATTER_REACTIONS_PER_USER: '1', NATTER_PIN: 'admins' }),
      { editWindowSeconds: 600, recallWindowSeconds: 0, reactionsPerMessage: 10, reactionsPerUser: 1, pin: 'admins' },
    );
    for (const env of [{ NATTER_RECALL_WINDOW_SECONDS: '-1' }, { NATTER_REACTIONS_PER_USER: '0' }, { NATTER_EDIT_WINDOW_SECONDS: '1.5' }, { NATTER_PIN: 'everyone' }]) {
      assert.throws(() => changePolicyFromEnv(env), TypeError, JSON.stringify(env));
    }
  });
});
