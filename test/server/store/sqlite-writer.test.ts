import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { groupKey, p2pKey } from '../../../src/server/core/conversation-key.js';
import type { Message } from '../../../src/protocol/index.js';
import type { Store } from '../../../src/server/core/store.js';
import { MERGE_STEP } from '../../../src/server/store/sqlite-search.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { withoutSeq } from '../../../src/server/store/sqlite-writer.js';
import { changeDraft } from './store-changes-contract.js';
import { draft } from './store-contract.js';

/** A database file of its own, in a fresh directory named from `prefix`. */
const freshFile = (prefix: string) => join(mkdtempSync(join(tmpdir(), prefix)), 'natter.db');
/** A SQLite store on a file of its own (so with its writer thread). */
const fileStore = (prefix: string) => createSqliteStore(freshFile(prefix));

/** Makes group `r` with the one member `a` and gives its key. */
async function groupOfA(store: Store): Promise<string> {
  await store.createGroup({ id: 'r', name: 'R', createdAt: 1 }, ['a']);
  return groupKey('r');
}

/** The SQLite store commits messages on a worker thread; the main connection reads and writes the rest. */
describe('sqlite store: commits on the writer thread', () => {
  let file: string;
  let store: Store;
  before(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'natter-writer-')), 'natter.db');
    store = createSqliteStore(file);
    await store.createGroup({ id: 'w', name: 'W', createdAt: 1 }, ['a', 'b']);
  });
  after(async () => {
    await store.close();
  });

  it('reads see a batch as soon as its commit resolves (the ack, a duplicate, the replay)', async () => {
    const k = groupKey('w');
    const [out] = await store.commitMessages([draft(k, 'a')]);
    assert.equal(out!.status, 'committed');
    const m = (out as { message: { id: string; seq: number } }).message;
    assert.equal((await store.findMessage(k, m.id))?.message.seq, m.seq);
    assert.equal((await store.getConversation('b', k))?.lastSeq, m.seq);
    assert.deepEqual((await store.readRange(k, 'b', { afterSeq: 0, toSeq: m.seq, limit: 10, take: 'oldest' })).map((x) => x.seq), [m.seq]);
    assert.deepEqual(await store.unreadState(k, 'b', 0), { unread: m.seq, mentioned: false });
  });

  it('keeps seqs gapless and idempotency exact with batches in flight together and main-thread writes between them', async () => {
    const k = groupKey('w');
    const p = p2pKey('a', 'c');
    const before = (await store.getConversation('a', k))!.lastSeq;
    const resend = draft(k, 'b', { clientMsgId: 'writer-resend' });
    const batches: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      batches.push(store.commitMessages([draft(k, 'a'), draft(p, 'a'), { ...resend, message: { ...resend.message, id: `resend-${i}` } }]));
      // Writes of the main connection while the writer holds the lock: they wait, never fail.
      batches.push(store.addGroupMember('w', `late${i}`));
      batches.push(store.markRead('a', k, before + i));
      batches.push(store.putUser(`u${i}`, { name: `U${i}` }, i));
    }
    await Promise.all(batches);
    const after = (await store.getConversation('a', k))!;
    // 20 of a's messages and one of b's (the other 19 are duplicates of it).
    assert.equal(after.lastSeq, before + 21);
    const seqs = (await store.readRange(k, 'a', { afterSeq: before, toSeq: after.lastSeq, limit: 100, take: 'oldest' })).map((m) => m.seq);
    assert.deepEqual(seqs, Array.from({ length: 21 }, (_, i) => before + 1 + i));
    assert.equal((await store.getConversation('c', p))?.lastSeq, 20);
    assert.equal((await store.listGroupMembers('w')).length, 22);
  });

  it('stores each message as it was sent, with its seq, whatever its text, ids or key order', async () => {
    const k = groupKey('w');
    const drafts = [
      draft(k, 'a', { elem: { type: 'text', text: '{"id":"x","conversationId":"group:w","seq":0,"and":"more"}' } }),
      // An id that JSON escapes, and a message whose keys come in another order.
      draft(k, 'a', { id: 'quote"and\\slash' }),
      (() => {
        const d = draft(k, 'b');
        const { seq, elem, ...rest } = d.message;
        return { ...d, message: { elem, ...rest, seq } };
      })(),
    ];
    const outcomes = await store.commitMessages(drafts);
    for (const [i, out] of outcomes.entries()) {
      assert.equal(out.status, 'committed');
      const committed = (out as { message: { seq: number } }).message;
      const stored = await store.findMessage(k, drafts[i]!.message.id);
      assert.deepEqual(stored?.message, { ...drafts[i]!.message, seq: committed.seq });
      // The body fan-out sends is the stored one, seq first.
      assert.deepEqual(JSON.parse((out as { json: string }).json), { ...drafts[i]!.message, seq: committed.seq });
    }
    // Character for character: the writer and the calling thread each put the seq in front.
    const db = new Database(file, { readonly: true });
    try {
      const body = db.prepare('SELECT body FROM messages WHERE id = ?').pluck();
      for (const [i, out] of outcomes.entries()) assert.equal((out as { json: string }).json, body.get(drafts[i]!.message.id));
    } finally {
      db.close();
    }
  });

  it('keeps each conversation\'s last seq whatever its key holds (a batch writes them as one JSON upsert), also after a restart', async () => {
    // Keys JSON escapes: a quote, a backslash, a control, a line separator, an astral character.
    const odd = ['q"uote', 'back\\slash', 'tab\tx\u2028', 'astral\u{1f600}'];
    const keys = [...odd.map((u) => p2pKey('a', u)), groupKey('w')];
    const batch = () => store.commitMessages(keys.flatMap((k) => [draft(k, 'a'), draft(k, 'a')]));
    const before = (await store.getConversation('a', groupKey('w')))!.lastSeq;
    await batch();
    await batch();
    const seqsOf = async (s: Store, k: string) => (await s.readRange(k, 'a', { afterSeq: 0, toSeq: 1000, limit: 100, take: 'oldest' })).map((m) => m.seq);
    for (const k of keys.slice(0, odd.length)) {
      assert.equal((await store.getConversation('a', k))?.lastSeq, 4, k);
      assert.deepEqual(await seqsOf(store, k), [1, 2, 3, 4], k);
    }
    assert.equal((await store.getConversation('a', groupKey('w')))?.lastSeq, before + 4);
    // A new writer reads each conversation's last seq from the table: the next seq follows it.
    const reopened = createSqliteStore(file);
    try {
      // (Not in group:w, which this store's writer goes on committing to with its own last seqs.)
      await reopened.commitMessages(keys.slice(0, odd.length).map((k) => draft(k, 'a')));
      for (const k of keys.slice(0, odd.length)) assert.deepEqual(await seqsOf(reopened, k), [1, 2, 3, 4, 5], k);
    } finally {
      await reopened.close();
    }
  });

  it('serialises a message for the writer as JSON.stringify does, without its seq, in every shape', () => {
    const reference = (m: Message): string => JSON.stringify({ ...m, seq: undefined });
    const plain = (over: Partial<Message> = {}): Message => ({
      id: 'm1', conversationId: 'group:w', seq: 0, clientMsgId: 'c1', sender: 'a',
      senderProfile: {}, time: 1_700_000_000_123, elem: { type: 'text', text: 'hi' }, ...over,
    });
    const messages: Message[] = [
      plain(),
      // Texts JSON escapes: quotes, backslashes, controls, a lone surrogate, line separators.
      plain({ id: 'q"u\\o', clientMsgId: 'c\n', sender: 'é\u2028', elem: { type: 'text', text: '"\\\u0000\ud800\t{"seq":0,}' } }),
      plain({ senderProfile: { name: 'Ann "A"', avatar: 'https://x/a.png' }, time: 0.5 }),
      // Not the plain shape: options after the elem, a member left undefined, another order.
      { ...plain(), isExcludedFromUnreadCount: true },
      plain({ clientMsgId: undefined as unknown as string }),
      (() => {
        const { elem, ...rest } = plain();
        return { elem, ...rest };
      })(),
    ];
    for (const m of messages) {
      const seq = m.seq;
      assert.equal(withoutSeq(m), reference(m));
      assert.equal(m.seq, seq, 'the message keeps its seq');
    }
  });

  it('answers a duplicate with the stored message and a reused id in another conversation with a conflict', async () => {
    const k = groupKey('w');
    const first = draft(k, 'a', { clientMsgId: 'writer-dup' });
    const [a] = await store.commitMessages([first]);
    const [again, conflict] = await store.commitMessages([
      { ...first, message: { ...first.message, id: 'other-id' } },
      draft(p2pKey('a', 'b'), 'a', { clientMsgId: 'writer-dup' }),
    ]);
    assert.equal(again!.status, 'duplicate');
    assert.deepEqual((again as { message: unknown }).message, (a as { message: unknown }).message);
    assert.equal(conflict!.status, 'conflict');
  });

  it('close waits for the commits in flight; another connection then finds them all', async () => {
    const k = groupKey('w');
    const pending = Array.from({ length: 10 }, () => store.commitMessages([draft(k, 'b')]));
    const closed = store.close();
    const outs = (await Promise.all(pending)).flat();
    await closed;
    assert.ok(outs.every((o) => o.status === 'committed'));
    const db = new Database(file, { readonly: true });
    const last = db.prepare('SELECT last_seq FROM conversations WHERE key = ?').pluck().get(k);
    const count = db.prepare('SELECT count(*) FROM messages WHERE conv_key = ?').pluck().get(k);
    db.close();
    assert.equal(last, count);
    await assert.rejects(store.commitMessages([draft(k, 'b')]));
  });
});

/** Users, groups, memberships, blocks and friendships are answered from memory until a write. */
describe('sqlite store: permission facts held in memory', () => {
  let store: Store;
  before(() => {
    store = fileStore('natter-facts-');
  });
  after(async () => {
    await store.close();
  });

  it('answers every check after a write with the write in effect', async () => {
    assert.equal(await store.getGroup('f'), undefined);
    assert.equal(await store.isGroupMember('f', 'a'), false);
    assert.deepEqual(await store.listGroupMembers('f'), []);
    await store.createGroup({ id: 'f', name: 'F', createdAt: 1 }, ['a']);
    assert.equal((await store.getGroup('f'))?.name, 'F');
    assert.equal(await store.isGroupMember('f', 'a'), true);
    assert.equal(await store.isGroupMember('f', 'b'), false);
    assert.deepEqual(await store.listGroupMembers('f'), ['a']);
    await store.addGroupMember('f', 'b');
    assert.equal(await store.isGroupMember('f', 'b'), true);
    assert.deepEqual(await store.listGroupMembers('f'), ['a', 'b']);
    await store.removeGroupMember('f', 'a');
    assert.equal(await store.isGroupMember('f', 'a'), false);
    assert.deepEqual(await store.listGroupMembers('f'), ['b']);

    assert.equal(await store.getUser('b'), undefined);
    await store.putUser('b', { name: 'B' }, 1);
    assert.equal((await store.getUser('b'))?.name, 'B');
    await store.deleteUser('b');
    assert.equal((await store.getUser('b'))?.deleted, true);
    assert.equal(await store.isGroupMember('f', 'b'), false, 'a deleted user leaves their groups');
    assert.deepEqual(await store.listGroupMembers('f'), []);
    // A group larger than the lists held is read each time, and answers as fresh.
    const many = Array.from({ length: 300 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    await store.createGroup({ id: 'big', name: 'Big', createdAt: 1 }, many);
    assert.deepEqual(await store.listGroupMembers('big'), many);
    await store.removeGroupMember('big', 'm000');
    assert.deepEqual(await store.listGroupMembers('big'), many.slice(1));

    assert.equal(await store.isBlocked('a', 'c'), false);
    await store.setBlocked('a', 'c', true);
    assert.equal(await store.isBlocked('a', 'c'), true);
    await store.setBlocked('a', 'c', false);
    assert.equal(await store.isBlocked('a', 'c'), false);

    assert.equal(await store.areFriends('a', 'c'), false);
    await store.setFriends('c', 'a', true);
    assert.equal(await store.areFriends('a', 'c'), true);
  });

  it('hands out copies: a caller changing a record changes nothing stored', async () => {
    await store.putUser('d', { name: 'D' }, 1);
    const u = (await store.getUser('d'))!;
    u.name = 'changed';
    assert.equal((await store.getUser('d'))?.name, 'D');
    const g = (await store.getGroup('f'))!;
    g.name = 'changed';
    assert.equal((await store.getGroup('f'))?.name, 'F');
    const members = await store.listGroupMembers('f');
    members.push('intruder');
    assert.deepEqual(await store.listGroupMembers('f'), members.slice(0, -1));
  });
});

describe('sqlite store: a batch the writer cannot take', () => {
  it('rejects it whole, stores none of it, and the next batch commits', async () => {
    const store = fileStore('natter-reject-');
    try {
      const k = await groupOfA(store);
      const bad = draft(k, 'a');
      // Not JSON: nothing of the batch may reach the writer.
      (bad.message as unknown as Record<string, unknown>)['cloudCustomData'] = 10n;
      await assert.rejects(store.commitMessages([draft(k, 'a'), bad]));
      // A row SQLite refuses (no sender: NOT NULL) fails the whole transaction: all or nothing.
      const noSender = draft(k, 'a');
      delete (noSender.message as Partial<typeof noSender.message>).sender;
      await assert.rejects(store.commitMessages([draft(k, 'a'), noSender]), /sqlite commit failed/);
      assert.equal((await store.getConversation('a', k))?.lastSeq ?? 0, 0);
      const [ok] = await store.commitMessages([draft(k, 'a')]);
      assert.equal(ok!.status, 'committed');
      assert.equal((ok as { message: { seq: number } }).message.seq, 1);
      // The writer knows the conversation's last seq by now: a failed batch that raised it
      // (two messages in) leaves it where the database has it.
      await assert.rejects(store.commitMessages([draft(k, 'a'), draft(k, 'a'), noSender]), /sqlite commit failed/);
      const resend = draft(k, 'a');
      const outs = await store.commitMessages([draft(k, 'a'), resend, { ...resend, message: { ...resend.message, id: 'again' } }, draft(k, 'a')]);
      assert.deepEqual(outs.map((o) => o.status), ['committed', 'committed', 'duplicate', 'committed']);
      assert.deepEqual(outs.map((o) => (o as { message: { seq: number } }).message.seq), [2, 3, 3, 4]);
      assert.equal((await store.getConversation('a', k))?.lastSeq, 4);
    } finally {
      await store.close();
    }
  });
});

describe('sqlite store: a database from before the idempotency index was reordered', () => {
  it('gets the (client_msg_id, sender) index in place of the old one, and still refuses nothing twice', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'natter-index-')), 'natter.db');
    const k = groupKey('old');
    let store = createSqliteStore(file);
    await store.createGroup({ id: 'old', name: 'Old', createdAt: 1 }, ['a']);
    const first = draft(k, 'a', { clientMsgId: 'from-the-old-release' });
    await store.commitMessages([first]);
    await store.close();
    // As the previous release left it.
    const raw = new Database(file);
    raw.exec('DROP INDEX messages_client_ids; CREATE UNIQUE INDEX messages_idempotency ON messages (sender, client_msg_id);');
    raw.close();

    store = createSqliteStore(file);
    try {
      const check = new Database(file, { readonly: true });
      const indexes = (check.prepare('PRAGMA index_list(messages)').all() as { name: string }[]).map((i) => i.name);
      check.close();
      assert.ok(indexes.includes('messages_client_ids'));
      assert.ok(!indexes.includes('messages_idempotency'));
      const [again] = await store.commitMessages([draft(k, 'a', { clientMsgId: 'from-the-old-release' })]);
      assert.equal(again!.status, 'duplicate');
      const [elsewhere] = await store.commitMessages([draft(groupKey('other'), 'a', { clientMsgId: 'from-the-old-release' })]);
      assert.equal(elsewhere!.status, 'conflict');
    } finally {
      await store.close();
    }
  });
});

/** Changes (SPEC §9) commit on the writer thread too (issue 23): their fsync never holds the event loop. */
describe('sqlite store: changes on the writer thread', () => {
  it('commits a change while the event loop keeps running, even while another connection holds the write lock', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'natter-writer-')), 'natter.db');
    const store = createSqliteStore(file);
    try {
      await store.createGroup({ id: 'wc', name: 'W', createdAt: 1 }, ['a', 'b']);
      const k = groupKey('wc');
      const [m] = await store.commitMessages([draft(k, 'a')]);
      const id = m!.status === 'committed' ? m!.message.id : assert.fail();
      // Another process's transaction holds the write lock: the old main-thread commit waited
      // for it synchronously (busy timeout), with every socket of the node.
      const other = new Database(file);
      other.exec('BEGIN IMMEDIATE');
      let settled = false;
      const change = store.commitChange(changeDraft(k, 'b', id, { kind: 'reaction', emoji: '👍', on: true }));
      void change.finally(() => (settled = true));
      const [send] = [store.commitMessages([draft(k, 'a')])];
      const started = performance.now();
      await new Promise((r) => setTimeout(r, 150));
      assert.ok(performance.now() - started < 1000, 'the event loop kept running');
      assert.equal(settled, false);
      other.exec('COMMIT');
      other.close();
      const out = await change;
      const [sent] = await send;
      assert.equal(out.status, 'committed');
      assert.equal(sent!.status, 'committed');
      assert.deepEqual([out.status === 'committed' && out.message.seq, sent!.status === 'committed' && sent!.message.seq].sort(), [2, 3]);
      assert.equal((await store.findMessage(k, id))?.message.changeSeq, out.status === 'committed' ? out.message.seq : -1);
    } finally {
      await store.close();
    }
  });

  it('commits the changes still waiting for their turn when the store closes', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'natter-writer-')), 'natter.db');
    const store = createSqliteStore(file);
    await store.createGroup({ id: 'wd', name: 'W', createdAt: 1 }, ['a', 'b']);
    const k = groupKey('wd');
    const ids = (await store.commitMessages([draft(k, 'a'), draft(k, 'a')])).map((o) => (o.status === 'committed' ? o.message.id : assert.fail()));
    // Read and applied at once; posted at the end of the turn, or by the close before it.
    const changes = ids.map((id) => store.commitChange(changeDraft(k, 'b', id, { kind: 'reaction', emoji: '👍', on: true })));
    const closed = store.close();
    const outs = await Promise.all(changes);
    await closed;
    assert.ok(outs.every((o) => o.status === 'committed'));
    const db = new Database(file, { readonly: true });
    assert.equal(db.prepare("SELECT count(*) FROM messages WHERE conv_key = ? AND body LIKE '%\"reactions\"%'").pluck().get(k), 2);
    assert.equal(db.prepare('SELECT last_seq FROM conversations WHERE key = ?').pluck().get(k), 4);
    db.close();
  });
});

/**
 * The search index's segments: each move of the pending rows writes one, and so does each change
 * to a row the index holds; the writer merges them while it has nothing queued.
 */
describe('sqlite store: the word index merged by the writer between its jobs', () => {
  it('merges the segments the changes leave once the writer is idle, and every message stays found', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'natter-writer-merge-')), 'natter.db');
    const first = createSqliteStore(file);
    const k = groupKey('merge');
    await first.createGroup({ id: 'merge', name: 'M', createdAt: 1 }, ['a', 'b']);
    const sent: Message[] = [];
    for (let i = 0; i < 40; i++) {
      const [out] = await first.commitMessages([draft(k, 'a', { elem: { type: 'text', text: `draft${i}` } })]);
      sent.push((out as { message: Message }).message);
    }
    // Closing moves them into the index: the edits below change rows under the watermark.
    await first.close();
    const store = createSqliteStore(file);
    after(() => store.close());
    // 40 edits, one a job, each writing its words into the index: 40 segments, more than one
    // level's worth (16) to merge. The writer merges after its next job.
    for (const [i, m] of sent.entries()) {
      const out = await store.commitChange(changeDraft(k, 'a', m.id, { kind: 'edit', text: `common word${i} 斑马${i}` }));
      assert.equal(out.status, 'committed');
    }
    await store.commitMessages([draft(k, 'a', { elem: { type: 'text', text: 'wake' } })]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // A merge step of our own finds nothing left to do: FTS5 changes fewer than two rows then.
    const db = new Database(file);
    db.pragma('busy_timeout = 5000');
    const total = db.prepare('SELECT total_changes()').pluck();
    const was = total.get() as number;
    db.prepare(MERGE_STEP).run();
    const merged = (total.get() as number) - was;
    db.close();
    assert.ok(merged < 2, `segments were left unmerged (${merged} rows changed by a merge step)`);
    assert.equal((await store.searchMessages('b', { terms: ['common'], limit: 50 })).length, 40);
    assert.deepEqual((await store.searchMessages('b', { terms: ['word17'], limit: 50 })).map((m) => (m.elem as { text: string }).text), ['common word17 斑马17']);
    assert.equal((await store.searchMessages('b', { terms: ['斑马'], limit: 50 })).length, 40);
  });
});

describe('sqlite store: the writer merges the word index only when something may be left to merge', () => {
  it('runs no merge step between jobs that wrote no segment (a step is a write transaction of its own)', async () => {
    const { startLatencyTrace, stopLatencyTrace, takeLatencyTrace } = await import('../../../src/server/core/latency-trace.js');
    // The trace records, with each job's reply, the time the writer spent merging before it.
    startLatencyTrace();
    const store = fileStore('natter-merge-due-');
    try {
      await store.createGroup({ id: 'due', name: 'D', createdAt: 1 }, ['a', 'b']);
      const k = groupKey('due');
      // 20 sends a job each, the writer idle between them (long enough for a merge step, well
      // under the quiet time after which the waiting rows move into the index).
      for (let i = 0; i < 20; i++) {
        await store.commitMessages([draft(k, 'a', { elem: { type: 'text', text: `due${i}` } })]);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const merges = takeLatencyTrace()['writer.mergeBeforeJob']?.count ?? 0;
      // One step after the writer starts (an index it did not write may hold segments), none after.
      assert.ok(merges <= 1, `merge steps ran between jobs that wrote no segment (${merges} of 19 gaps)`);
      // A move writes a segment (the rows wait for the quiet time): the writer merges again after it.
      // (A change's segment: the merge test above, whose 40 edits are left unmerged without it.)
      await new Promise((resolve) => setTimeout(resolve, 400));
      await store.commitMessages([draft(k, 'a')]);
      assert.ok((takeLatencyTrace()['writer.mergeBeforeJob']?.count ?? 0) >= 1, 'no merge step after a move');
      assert.equal((await store.searchMessages('b', { terms: ['due7'], limit: 5 })).length, 1);
    } finally {
      await store.close();
      stopLatencyTrace();
    }
  });
});

describe('sqlite store: the writer commits the batches queued together in one transaction', () => {
  it('takes every batch queued when it starts into one commit; a batch that fails there fails alone', async () => {
    const { startLatencyTrace, stopLatencyTrace, takeLatencyTrace } = await import('../../../src/server/core/latency-trace.js');
    // The trace counts the jobs of each transaction; the writer learns of it when it starts.
    startLatencyTrace();
    const store = fileStore('natter-coalesce-');
    try {
      await store.createGroup({ id: 'q', name: 'Q', createdAt: 1 }, ['a']);
      const k = groupKey('q');
      const noSender = draft(k, 'a');
      delete (noSender.message as Partial<typeof noSender.message>).sender;
      const seqsOf = (settled: PromiseSettledResult<Awaited<ReturnType<Store['commitMessages']>>>[]) =>
        settled.flatMap((s) => (s.status === 'fulfilled' ? s.value.map((o) => (o as { message: { seq: number } }).message.seq) : []));
      // 40 batches in one turn.
      const first = await Promise.allSettled(Array.from({ length: 40 }, () => store.commitMessages([draft(k, 'a')])));
      assert.deepEqual(seqsOf(first), Array.from({ length: 40 }, (_, i) => i + 1));
      const jobs = takeLatencyTrace()['writer.jobsPerTransaction'];
      assert.ok(jobs && jobs.max > 1 && jobs.count < 40, `transactions took several batches (${jobs?.count} for 40, most ${jobs?.max} in one)`);
      // 40 more, the 20th of which SQLite refuses (NOT NULL): the others commit all the same.
      const second = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => store.commitMessages(i === 19 ? [draft(k, 'a'), noSender] : [draft(k, 'a')])));
      assert.deepEqual(second.map((s) => s.status), second.map((_, i) => (i === 19 ? 'rejected' : 'fulfilled')));
      assert.deepEqual(seqsOf(second), Array.from({ length: 39 }, (_, i) => i + 41));
      assert.equal((await store.getConversation('a', k))?.lastSeq, 79);
    } finally {
      await store.close();
      stopLatencyTrace();
    }
  });

  it('answers the batches of one transaction in one reply, each with its own outcomes (their acks then go out in one turn)', async () => {
    const { startLatencyTrace, stopLatencyTrace, takeLatencyTrace } = await import('../../../src/server/core/latency-trace.js');
    startLatencyTrace();
    const file = freshFile('natter-one-reply-');
    const store = createSqliteStore(file);
    // Holds the write lock while the batches are posted: the writer answers none of them before
    // all are queued (this thread reads a reply already there when it posts a job, and two read
    // in one task would settle as one run), and they take two transactions at most.
    const lock = new Database(file, { timeout: 0 });
    try {
      await store.createGroup({ id: 'q', name: 'Q', createdAt: 1 }, ['a']);
      const k = groupKey('q');
      // Batches of 1, 2 and 3 drafts by turns, posted in one turn.
      const order: string[] = [];
      lock.exec('BEGIN IMMEDIATE');
      const batches = Array.from({ length: 30 }, (_, i) =>
        store.commitMessages(Array.from({ length: (i % 3) + 1 }, () => draft(k, 'a'))).then((outcomes) => {
          order.push('settled');
          // Runs before the next batch settles only if that batch's reply is another message.
          queueMicrotask(() => order.push('after'));
          return outcomes;
        }),
      );
      lock.exec('ROLLBACK');
      const outcomes = await Promise.all(batches);
      // Each batch has its own drafts' seqs, in the order posted.
      assert.deepEqual(outcomes.map((o) => o.length), batches.map((_, i) => (i % 3) + 1));
      assert.deepEqual(outcomes.flat().map((o) => (o as { message: { seq: number } }).message.seq), Array.from({ length: 60 }, (_, i) => i + 1));
      const transactions = takeLatencyTrace()['writer.jobsPerTransaction']!;
      assert.ok(transactions.count < 30, `several batches a transaction (${transactions.count} for 30)`);
      // A run of batches settled with nothing in between is one reply: as many as transactions.
      const replies = order.filter((x, i) => x === 'settled' && order[i - 1] !== 'settled').length;
      assert.equal(replies, transactions.count, order.join(' '));
    } finally {
      lock.close();
      await store.close();
      stopLatencyTrace();
    }
  });
});

describe('sqlite store: the latency trace of the writer', () => {
  it('counts a move before a transaction of several jobs once, not once a job', async () => {
    const { startLatencyTrace, stopLatencyTrace, takeLatencyTrace } = await import('../../../src/server/core/latency-trace.js');
    startLatencyTrace();
    const file = freshFile('natter-trace-move-');
    const store = createSqliteStore(file);
    // Another connection to the file, never waiting for a lock: it sees when the writer holds the
    // write lock (its BEGIN IMMEDIATE is refused) and where the search index's watermark is.
    const probe = new Database(file, { timeout: 0 });
    const markOf = probe.prepare('SELECT last_row FROM search_mark').pluck();
    const writerHoldsLock = (): boolean => {
      try {
        probe.exec('BEGIN IMMEDIATE');
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_BUSY') return true;
        throw err;
      }
      probe.exec('ROLLBACK');
      return false;
    };
    try {
      await store.createGroup({ id: 't', name: 'T', createdAt: 1 }, ['a']);
      const k = groupKey('t');
      // More rows than PENDING_MAX (2,000): once the writer has answered their commit, its next
      // write is the move of 2,000 of them into the index (twenty new words each: it takes a
      // while). Ten batches posted while that move holds the write lock (the watermark not raised
      // yet) are on the writer's port when it comes back to it: they commit together, after the
      // move. This thread waits for the move to start, posts, then checks the move was still
      // running; only a thread descheduled for the move's whole length misses it (then again).
      let forced = false;
      for (let attempt = 0; attempt < 5 && !forced; attempt++) {
        const words = (i: number) => Array.from({ length: 20 }, (_, j) => `w${attempt}x${i}x${j}`).join(' ');
        const before = markOf.get() as number;
        await store.commitMessages(Array.from({ length: 2500 }, (_, i) => draft(k, 'a', { elem: { type: 'text', text: words(i) } })));
        takeLatencyTrace();
        const until = Date.now() + 10_000;
        while (!writerHoldsLock() && markOf.get() === before) assert.ok(Date.now() < until, 'the writer never moved');
        const batches = Promise.all(Array.from({ length: 10 }, () => store.commitMessages([draft(k, 'a')])));
        forced = markOf.get() === before;
        await batches;
        if (!forced) continue;
        const trace = takeLatencyTrace();
        assert.deepEqual({ count: trace['writer.jobsPerTransaction']?.count, max: trace['writer.jobsPerTransaction']?.max }, { count: 1, max: 10 }, 'the ten batches in one transaction');
        assert.equal(trace['writer.moveBeforeJob']?.count, 1, 'one move, one sample');
      }
      assert.ok(forced, 'the batches were posted while the writer moved');
    } finally {
      probe.close();
      await store.close();
      stopLatencyTrace();
    }
  });
});

describe('sqlite store: the writer\'s replies read as the next job is posted', () => {
  it('settles a commit answered while the event loop was busy in the task that posts the next job, not after the next poll', async () => {
    const store = fileStore('natter-replies-');
    try {
      const k = await groupOfA(store);
      await store.commitMessages([draft(k, 'a')]);
      // The writer answers while this thread is busy (as reading a long poll phase of frames);
      // whether it got a CPU in that time is the machine's: tried up to five times.
      let settledInTask = false;
      for (let attempt = 0; attempt < 5 && !settledInTask; attempt++) {
        let settled = false;
        const first = store.commitMessages([draft(k, 'a')]).then(() => void (settled = true));
        const until = Date.now() + 300;
        while (Date.now() < until);
        const next = store.commitMessages([draft(k, 'a')]);
        // This task's microtasks only: no poll phase comes between.
        for (let i = 0; i < 50; i++) await null;
        settledInTask = settled;
        await Promise.all([first, next]);
      }
      assert.ok(settledInTask, 'the first commit settled before the event loop polled again');
    } finally {
      await store.close();
    }
  });
});
