import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusEvent } from '../../../src/server/core/bus.js';
import { OrderedPublisher } from '../../../src/server/core/ordered-publisher.js';
import { createMemoryBus } from '../../../src/server/bus/memory-bus.js';

const nextPass = () => new Promise((r) => setImmediate(r));

/** A frame event standing for seq `seq` of conversation `key`: what the bus delivered is read back as `key#seq`. */
const event = (key: string, seq: number): BusEvent => ({ kind: 'frame', users: [`${key}#${seq}`], frame: { type: 'ok', reqId: 'x' } });

/** A publisher on the in-process bus, the `key#seq` of each event in the order the bus delivered them, and a deferred event. */
async function setUp(afterTask = false) {
  const bus = createMemoryBus();
  const delivered: string[] = [];
  await bus.subscribe((e) => e.kind === 'frame' && delivered.push(e.users[0]!));
  const publisher = new OrderedPublisher(bus, afterTask);
  const later = (key: string, seq: number) => {
    let settle!: (e: BusEvent) => void;
    const promise = new Promise<BusEvent>((r) => (settle = r));
    return { promise, settle: () => settle(event(key, seq)) };
  };
  return { publisher, delivered, later };
}

describe('OrderedPublisher', { timeout: 10_000 }, () => {
  it('holds an event behind its conversation\'s head from an earlier pass until that head is known, without holding other conversations', async () => {
    const { publisher, delivered, later } = await setUp();
    const head = later('a', 1);
    const published: Promise<BusEvent>[] = [publisher.publish('a', 1, head.promise)];
    await nextPass();
    // A later pass: a ready event behind the waiting head, and one of another conversation.
    published.push(publisher.publish('a', 2, event('a', 2)), publisher.publish('b', 1, event('b', 1)));
    await nextPass();
    assert.deepEqual(delivered, ['b#1']);
    head.settle();
    await Promise.all(published);
    assert.deepEqual(delivered, ['b#1', 'a#1', 'a#2']);
  });

  it('publishes at once an older event that comes before a head still waiting from an earlier pass (a resend), the rest once the head is known', async () => {
    const { publisher, delivered, later } = await setUp();
    const head = later('a', 5);
    const published: Promise<BusEvent>[] = [publisher.publish('a', 5, head.promise), publisher.publish('a', 6, event('a', 6))];
    await nextPass();
    published.push(publisher.publish('a', 4, event('a', 4)));
    await published[2];
    assert.deepEqual(delivered, ['a#4']);
    head.settle();
    await Promise.all(published);
    assert.deepEqual(delivered, ['a#4', 'a#5', 'a#6']);
  });

  it('sorts one pass\'s events of a conversation by seq, whatever order they came in', async () => {
    const { publisher, delivered } = await setUp();
    await Promise.all([3, 1, 2].map((seq) => publisher.publish('a', seq, event('a', seq))));
    assert.deepEqual(delivered, ['a#1', 'a#2', 'a#3']);
  });

  it('after a task (a store answering each transaction in one task, in commit order): publishes its events, sorted, when the task ends, before the rest of the poll phase', async () => {
    const { publisher, delivered } = await setUp(true);
    // A writer's reply: its changes settled before its messages, each a chain of reactions.
    const reply = Promise.resolve();
    let atTheEnd: string[] | undefined;
    await new Promise<void>((done) => {
      // Frames read later in the same poll phase: a callback queued before the reply's events.
      setImmediate(() => {
        atTheEnd = [...delivered];
        done();
      });
      void reply.then(() => publisher.publish('a', 3, event('a', 3)));
      void reply.then(() => Promise.resolve()).then(() => {
        void publisher.publish('a', 2, event('a', 2));
        void publisher.publish('b', 1, event('b', 1));
      });
    });
    assert.deepEqual(atTheEnd, ['a#2', 'a#3', 'b#1']);
  });
});
