import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Message } from '../../src/protocol/index.js';
import {
  addMessage,
  addRange,
  createWindow,
  cursorOf,
  hasGap,
  resetWindow,
  restoreWindow,
  trimWindow,
} from '../../src/client/thread-window.js';

function msg(seq: number): Message {
  return {
    id: `m${seq}`,
    conversationId: 'group:g1',
    seq,
    clientMsgId: `client-${String(seq).padStart(4, '0')}`,
    sender: 'alice',
    senderProfile: {},
    time: 1000 + seq,
    elem: { type: 'text', text: `#${seq}` },
  };
}
const seqs = (list: readonly Message[]) => list.map((m) => m.seq);

describe('thread window: live messages', () => {
  test('the next seq extends the window and is committed', () => {
    const w = createWindow(0);
    const change = addMessage(w, msg(1));
    assert.deepEqual(seqs(change.committed), [1]);
    assert.equal(w.toSeq, 1);
    assert.equal(cursorOf(w), 1);
  });

  test('a seq at or below toSeq is a duplicate and changes nothing', () => {
    const w = createWindow(0);
    addMessage(w, msg(1));
    addMessage(w, msg(2));
    const change = addMessage(w, { ...msg(2), id: 'other' });
    assert.equal(change.duplicate, true);
    assert.deepEqual(change.committed, []);
    assert.deepEqual(w.messages.map((m) => m.id), ['m1', 'm2']);
  });

  test('a seq beyond toSeq + 1 is buffered, not committed', () => {
    const w = createWindow(0);
    addMessage(w, msg(1));
    const change = addMessage(w, msg(3));
    assert.equal(change.buffered, true);
    assert.deepEqual(change.committed, []);
    assert.equal(w.toSeq, 1);
    assert.equal(hasGap(w), true);
  });

  test('out-of-order arrivals commit in seq order once the gap closes', () => {
    const w = createWindow(0);
    addMessage(w, msg(4));
    addMessage(w, msg(2));
    addMessage(w, msg(3));
    const change = addMessage(w, msg(1));
    assert.deepEqual(seqs(change.committed), [1, 2, 3, 4]);
    assert.deepEqual(seqs(w.messages), [1, 2, 3, 4]);
    assert.equal(hasGap(w), false);
  });

  test('a buffered duplicate is dropped', () => {
    const w = createWindow(0);
    addMessage(w, msg(3));
    const change = addMessage(w, msg(3));
    assert.equal(change.duplicate, true);
    assert.equal(w.buffer.length, 1);
  });
});

describe('thread window: ranges', () => {
  test('a range right after the window commits its messages', () => {
    const w = createWindow(5);
    const change = addRange(w, 6, 8, [msg(6), msg(7), msg(8)]);
    assert.deepEqual(seqs(change.committed), [6, 7, 8]);
    assert.equal(w.toSeq, 8);
  });

  test('seqs missing from a range are invisible: skipped, not waited on', () => {
    const w = createWindow(0);
    const change = addRange(w, 1, 10, [msg(2), msg(9)]);
    assert.deepEqual(seqs(change.committed), [2, 9]);
    assert.equal(w.toSeq, 10);
    assert.equal(addMessage(w, msg(11)).committed.length, 1);
  });

  test('a range fills a gap and drains the buffer behind it', () => {
    const w = createWindow(0);
    addMessage(w, msg(1));
    addMessage(w, msg(5));
    addMessage(w, msg(6));
    // Seqs 2 and 3 are invisible to this user; 4 is visible.
    const change = addRange(w, 2, 4, [msg(4)]);
    assert.deepEqual(seqs(change.committed), [4, 5, 6]);
    assert.equal(w.toSeq, 6);
    assert.equal(hasGap(w), false);
  });

  test('a message both buffered and in the range is committed once', () => {
    const w = createWindow(0);
    addMessage(w, msg(1));
    addMessage(w, msg(3));
    const change = addRange(w, 2, 3, [msg(3)]);
    assert.deepEqual(seqs(change.committed), [3]);
    assert.deepEqual(seqs(w.messages), [1, 3]);
  });

  test('a range overlapping the window commits only what is new', () => {
    const w = createWindow(0);
    addRange(w, 1, 3, [msg(1), msg(2), msg(3)]);
    const change = addRange(w, 2, 5, [msg(2), msg(3), msg(4), msg(5)]);
    assert.deepEqual(seqs(change.committed), [4, 5]);
    assert.deepEqual(seqs(w.messages), [1, 2, 3, 4, 5]);
  });

  test('a range already covered is a duplicate', () => {
    const w = createWindow(0);
    addRange(w, 1, 3, [msg(1), msg(2), msg(3)]);
    const change = addRange(w, 1, 3, [msg(1), msg(2), msg(3)]);
    assert.equal(change.duplicate, true);
    assert.deepEqual(change.committed, []);
  });

  test('an older page adjacent below extends the window without committing', () => {
    const w = createWindow(10);
    addRange(w, 11, 12, [msg(11), msg(12)]);
    const change = addRange(w, 5, 10, [msg(6), msg(8)], true);
    assert.deepEqual(change.committed, []);
    assert.deepEqual(seqs(w.messages), [6, 8, 11, 12]);
    assert.equal(w.fromSeq, 5);
    assert.equal(w.hasOlder, true);
  });

  test('the first older page says whether more remain', () => {
    const w = createWindow(3);
    addRange(w, 1, 3, [msg(1)], false);
    assert.equal(w.hasOlder, false);
    assert.equal(w.fromSeq, 1);
  });

  test('a range above with a gap only buffers its messages', () => {
    const w = createWindow(0);
    addMessage(w, msg(1));
    const change = addRange(w, 5, 6, [msg(5), msg(6)]);
    assert.deepEqual(change.committed, []);
    assert.equal(change.buffered, true);
    assert.equal(w.toSeq, 1);
    assert.deepEqual(seqs(w.buffer), [5, 6]);
  });

  test('a range below with a gap is ignored', () => {
    const w = createWindow(10);
    const change = addRange(w, 1, 5, [msg(1)]);
    assert.deepEqual(change.committed, []);
    assert.equal(w.fromSeq, 11);
    assert.deepEqual(w.messages, []);
  });

  test('an empty range changes nothing', () => {
    const w = createWindow(4);
    const change = addRange(w, 5, 4, []);
    assert.deepEqual(change.committed, []);
    assert.equal(w.toSeq, 4);
  });
});

describe('thread window: sync.gap reset', () => {
  test('the latest page replaces the window; only its messages above the old cursor are committed', () => {
    const w = createWindow(0);
    addRange(w, 1, 3, [msg(1), msg(2), msg(3)]);
    const change = resetWindow(w, 900, 1000, [msg(950), msg(1000)], true);
    assert.deepEqual(seqs(change.committed), [950, 1000]);
    assert.equal(w.fromSeq, 900);
    assert.equal(w.toSeq, 1000);
    assert.deepEqual(seqs(w.messages), [950, 1000]);
  });

  test('after a reset the skipped part stays reachable: hasOlder is kept from the page', () => {
    const w = createWindow(0);
    addRange(w, 1, 3, [msg(1), msg(2), msg(3)]);
    resetWindow(w, 900, 1000, [msg(1000)], true);
    assert.equal(w.hasOlder, true);
  });

  test('live messages buffered during the reset are drained after it', () => {
    const w = createWindow(0);
    addRange(w, 1, 3, [msg(1), msg(2), msg(3)]);
    addMessage(w, msg(1001));
    const change = resetWindow(w, 900, 1000, [msg(1000)], true);
    assert.deepEqual(seqs(change.committed), [1000, 1001]);
    assert.equal(w.toSeq, 1001);
  });

  test('a reset page that touches the window simply joins it', () => {
    const w = createWindow(0);
    addRange(w, 1, 3, [msg(1), msg(2), msg(3)]);
    const change = resetWindow(w, 4, 6, [msg(4), msg(6)], true);
    assert.deepEqual(seqs(change.committed), [4, 6]);
    assert.deepEqual(seqs(w.messages), [1, 2, 3, 4, 6]);
  });
});

describe('thread window: persistence', () => {
  test('trimming keeps the latest messages and the window they prove', () => {
    const w = createWindow(0);
    addRange(w, 1, 10, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(msg));
    const trimmed = trimWindow(w, 3);
    assert.deepEqual(seqs(trimmed.messages), [8, 9, 10]);
    assert.equal(trimmed.fromSeq, 8);
    assert.equal(trimmed.toSeq, 10);
  });

  test('a restored window resumes from its cursor and knows older ones may exist', () => {
    const w = restoreWindow(8, 10, [msg(10), msg(8), msg(9)]);
    assert.deepEqual(seqs(w.messages), [8, 9, 10]);
    assert.equal(cursorOf(w), 10);
    assert.equal(w.hasOlder, true);
    assert.equal(addMessage(w, msg(11)).committed.length, 1);
  });
});
