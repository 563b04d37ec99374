import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConversationId, Message } from '../../src/protocol/index.js';
import { createThreadStore } from '../../src/client/thread-store.js';
import { addMessage, addRange } from '../../src/client/thread-window.js';
import type { ChatMessage } from '../../src/client/types.js';

const ID: ConversationId = 'p2p:bob';

function message(seq: number): Message {
  return {
    id: `m${seq}`, seq, conversationId: ID, sender: 'bob', senderProfile: {}, clientMsgId: `c${seq}`,
    time: 1_700_000_000_000 + seq, elem: { type: 'text', text: `#${seq}` },
  } as Message;
}

/** A store over one conversation whose newest `held` of `total` messages are held; counts conversions. */
function setup(total: number, held: number) {
  const converted: number[] = [];
  const store = createThreadStore({
    toChat: (m) => (converted.push(m.seq), { ...m, status: 'sent', isSelf: false }) as ChatMessage,
    local: () => [],
    initialShown: 50,
    hasAny: () => true,
  });
  const w = store.ensure(ID, total - held);
  const newest = Array.from({ length: held }, (_, i) => message(total - held + 1 + i));
  addRange(w, total - held + 1, total, newest);
  store.publish();
  const texts = () => store.messages(ID).get().map((m) => (m.elem as { text: string }).text);
  return { store, w, converted, texts };
}

/** Adds the page of `size` messages before the window, as `loadOlder` does, and publishes. */
function pageOlder(s: ReturnType<typeof setup>, size: number): void {
  const to = s.w.fromSeq - 1;
  const from = Math.max(1, to - size + 1);
  addRange(s.w, from, to, Array.from({ length: to - from + 1 }, (_, i) => message(from + i)), from > 1);
  s.store.touch(ID);
  s.store.publish();
}

test('older pages are published in seq order before the messages shown', () => {
  const s = setup(500, 50);
  s.store.messages(ID);
  pageOlder(s, 100);
  pageOlder(s, 100);
  assert.deepEqual(s.texts(), Array.from({ length: 250 }, (_, i) => `#${251 + i}`));
});

test('paging older messages converts each message once, not the whole thread per page', () => {
  const s = setup(10_000, 50);
  s.store.messages(ID);
  s.converted.length = 0;
  while (s.w.fromSeq > 1) pageOlder(s, 100);
  assert.equal(s.store.messages(ID).get().length, 10_000);
  assert.equal(s.converted.length, 9_950);
});

test('a live message after paged history joins the end', () => {
  const s = setup(300, 50);
  s.store.messages(ID);
  pageOlder(s, 100);
  addMessage(s.w, message(301));
  s.store.touch(ID);
  s.store.publish();
  assert.deepEqual(s.texts().slice(-2), ['#300', '#301']);
  assert.equal(s.texts()[0], '#151');
  assert.equal(s.texts().length, 151);
});

test('touchAll converts every message again (who "self" is may have changed)', () => {
  const s = setup(100, 50);
  s.store.messages(ID);
  s.converted.length = 0;
  s.store.touchAll();
  s.store.publish();
  assert.equal(s.converted.length, 50);
});
