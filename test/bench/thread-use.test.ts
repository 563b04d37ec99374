import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync } from 'node:fs';
import { GROUPS, groupThreads, PLATFORM_THREADS, threadDelta, threadSamples, type ThreadSample } from '../../bench/lib/thread-use.js';

const PID = 100;
const thread = (tid: number, start: number, user = 0, kernel = 0, writeCalls = 0, readCalls = 0): ThreadSample => ({ tid, start, user, kernel, writeCalls, readCalls, written: writeCalls * 10 });

describe("bench:server's thread groups (bench/lib/thread-use.ts)", () => {
  it('groups by start time: the main thread, the platform threads after it, the busiest later thread as the writer, the rest', () => {
    // Thread ids wrapped after the platform's threads: start times, not ids, give the order.
    const step = [
      thread(PID, 1, 0.5, 0.25, 300, 200),
      ...Array.from({ length: PLATFORM_THREADS }, (_, i) => thread(PID + 1 + i, 2, 0.01)),
      thread(7, 5, 0, 0, 0, 1), // the inspector's signal thread
      thread(9, 6, 0.2, 0.1, 500, 3), // the SQLite writer
      thread(8, 6, 0.001, 0.03, 80, 80), // the checkpointer, started in the same tick: after by id
    ];
    const { groups, threads } = groupThreads(PID, step);
    assert.deepEqual(GROUPS.map((g) => groups[g].threads), [1, PLATFORM_THREADS, 1, 2]);
    assert.deepEqual([groups.loop.user, groups.loop.kernel, groups.loop.writeCalls, groups.loop.readCalls], [0.5, 0.25, 300, 200]);
    assert.ok(Math.abs(groups.platform.user - PLATFORM_THREADS * 0.01) < 1e-12);
    assert.deepEqual([groups.writer.user, groups.writer.kernel, groups.writer.writeCalls, groups.writer.written], [0.2, 0.1, 500, 5000]);
    assert.deepEqual([groups.rest.writeCalls, groups.rest.readCalls], [80, 81]);
    assert.deepEqual(
      threads.map((t) => t.label),
      ['event loop', ...Array.from({ length: PLATFORM_THREADS }, (_, i) => `V8 platform ${i + 1}`), 'other +1', 'other +2', 'SQLite writer (the busiest other thread)'],
    );
  });

  it('has no writer when no later thread used CPU in the step', () => {
    const { groups } = groupThreads(PID, [thread(PID, 1, 1), ...Array.from({ length: PLATFORM_THREADS }, (_, i) => thread(PID + 1 + i, 2)), thread(PID + 9, 3, 0, 0, 4)]);
    assert.equal(groups.writer.threads, 0);
    assert.deepEqual([groups.rest.threads, groups.rest.writeCalls], [1, 4]);
  });

  it('counts a step from its first sample; a thread started in the step, or an id used again, from zero', () => {
    const before = [thread(PID, 1, 1, 1, 10, 10), thread(PID + 1, 2, 5, 5, 50, 50)];
    const after = [thread(PID, 1, 1.5, 1.25, 14, 11), thread(PID + 1, 900, 0.5, 0, 2, 0), thread(PID + 2, 901, 0.25, 0, 1, 1)];
    assert.deepEqual(
      threadDelta(before, after).map((t) => [t.tid, t.user, t.kernel, t.writeCalls, t.readCalls, t.written]),
      [[PID, 0.5, 0.25, 4, 1, 40], [PID + 1, 0.5, 0, 2, 0, 20], [PID + 2, 0.25, 0, 1, 1, 10]],
    );
  });

  it("reads this process's threads from /proc: the main thread's write calls are its own", () => {
    const fd = openSync('/dev/null', 'w');
    const before = threadSamples(process.pid);
    for (let i = 0; i < 20; i++) writeSync(fd, 'x');
    closeSync(fd);
    const delta = threadDelta(before, threadSamples(process.pid));
    const main = delta.find((t) => t.tid === process.pid)!;
    assert.ok(main.writeCalls >= 20, `main thread write calls: ${main.writeCalls}`);
    assert.ok(delta.length > PLATFORM_THREADS, `threads: ${delta.length}`);
    for (const t of delta) assert.ok(t.start > 0 && t.user >= 0 && t.kernel >= 0 && t.readCalls >= 0, JSON.stringify(t));
  });
});
