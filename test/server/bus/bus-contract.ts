import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bus, BusEvent } from '../../../src/server/core/bus.js';
import { GUARD_MS } from '../../guard.js';

const frameEvent = (i: number): BusEvent => ({ kind: 'frame', users: [`u${i}`], frame: { type: 'sync.done' } });

/** Waits until `check` passes or the deadline ends (a networked bus delivers asynchronously). */
async function eventually(check: () => boolean, ms = GUARD_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * The behaviour every Bus adapter must have. `factory` makes a bus attached to one shared
 * channel per call of `channel()`, so two buses made from one channel act as two nodes.
 */
export function busContract(name: string, channel: () => Promise<() => Promise<Bus>>): void {
  describe(`Bus contract: ${name}`, () => {
    let nodeA: Bus;
    let nodeB: Bus;
    before(async () => {
      const make = await channel();
      nodeA = await make();
      nodeB = await make();
    });
    after(async () => {
      await nodeA.close();
      await nodeB.close();
    });

    it('delivers every event, in publish order, to subscribers on every node (the publisher too)', async () => {
      const onA: BusEvent[] = [];
      const onB: BusEvent[] = [];
      const offA = await nodeA.subscribe((e) => onA.push(e));
      const offB = await nodeB.subscribe((e) => onB.push(e));
      for (let i = 0; i < 20; i++) await nodeA.publish(frameEvent(i));
      await eventually(() => onA.length === 20 && onB.length === 20);
      assert.deepEqual(onB, onA);
      assert.deepEqual(onA.map((e) => (e.kind === 'frame' ? e.users[0] : '')), Array.from({ length: 20 }, (_, i) => `u${i}`));
      await offA();
      await offB();
    });

    it('carries message events intact as plain JSON', async () => {
      const got: BusEvent[] = [];
      const off = await nodeB.subscribe((e) => got.push(e));
      const event: BusEvent = {
        kind: 'message', key: 'p2p:a|b', recipients: ['a', 'b'], origin: 'conn-1',
        message: { id: 'm1', conversationId: 'p2p:b', seq: 7, clientMsgId: 'client-msg-1', sender: 'a', senderProfile: { name: 'A' }, time: 5, elem: { type: 'text', text: 'hi' } },
      };
      await nodeA.publish(event);
      await eventually(() => got.length === 1);
      assert.deepEqual(JSON.parse(JSON.stringify(got[0])), event);
      await off();
    });

    it('stops delivering to a subscriber after it unsubscribes, and keeps delivering to others', async () => {
      const kept: BusEvent[] = [];
      const dropped: BusEvent[] = [];
      const offKept = await nodeB.subscribe((e) => kept.push(e));
      const offDropped = await nodeB.subscribe((e) => dropped.push(e));
      await nodeA.publish(frameEvent(1));
      await eventually(() => kept.length === 1 && dropped.length === 1);
      await offDropped();
      await nodeA.publish(frameEvent(2));
      await eventually(() => kept.length === 2);
      assert.equal(dropped.length, 1);
      await offKept();
    });

    it('keeps delivering to other subscribers when one handler throws', async () => {
      const got: BusEvent[] = [];
      const offBad = await nodeB.subscribe(() => {
        throw new Error('handler bug');
      });
      const offGood = await nodeB.subscribe((e) => got.push(e));
      await nodeA.publish(frameEvent(3));
      await eventually(() => got.length === 1);
      await offBad();
      await offGood();
    });
  });
}
