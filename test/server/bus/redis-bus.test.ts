import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { BusEvent } from '../../../src/server/core/bus.js';
import { createRedisBus } from '../../../src/server/bus/redis-bus.js';
import { REDIS_URL, requireRedis, uniqueName } from '../helpers/services.js';
import { busContract } from './bus-contract.js';
import { GUARD_MS } from '../../guard.js';

await requireRedis();

// A random prefix is one channel: both nodes of a contract run share it, and no other run does.
busContract('redis', async () => {
  const prefix = `${uniqueName('natter_test')}:`;
  return () => createRedisBus({ url: REDIS_URL, prefix });
});

describe('Redis bus', () => {
  it('keeps deployments with different prefixes apart', async () => {
    const mine = await createRedisBus({ url: REDIS_URL, prefix: `${uniqueName('natter_test')}:` });
    const theirs = await createRedisBus({ url: REDIS_URL, prefix: `${uniqueName('natter_test')}:` });
    const got: BusEvent[] = [];
    await mine.subscribe((e) => got.push(e));
    await theirs.publish({ kind: 'kick', userId: 'theirs', error: { code: 1, name: 'X', message: 'x' } as never });
    const marker: BusEvent = { kind: 'kick', userId: 'mine', error: { code: 1, name: 'X', message: 'x' } as never };
    await mine.publish(marker);
    // Redis delivers in order on the one subscriber connection: once ours arrived, theirs would have.
    const end = Date.now() + GUARD_MS;
    while (got.length === 0 && Date.now() < end) await new Promise((r) => setImmediate(r));
    assert.deepEqual(got.map((e) => (e.kind === 'kick' ? e.userId : '')), ['mine']);
    await mine.close();
    await theirs.close();
  });

  it('publishes the events of one turn as one Redis message; other nodes get each in order, the node itself gets its own objects', async () => {
    const prefix = `${uniqueName('natter_test')}:`;
    const nodeA = await createRedisBus({ url: REDIS_URL, prefix });
    const nodeB = await createRedisBus({ url: REDIS_URL, prefix });
    const raw = new Redis(REDIS_URL);
    const wire: string[] = [];
    raw.on('message', (_: string, text: string) => wire.push(text));
    await raw.subscribe(`${prefix}events`);
    const atA: BusEvent[] = [];
    const atB: BusEvent[] = [];
    await nodeA.subscribe((e) => atA.push(e));
    await nodeB.subscribe((e) => atB.push(e));
    const message = { id: 'm1', conversationId: 'group:g', seq: 7, clientMsgId: 'c-0001', sender: 'u', senderProfile: {}, time: 1, elem: { type: 'text', text: 'hi' } };
    const stored = JSON.stringify(message);
    const events: BusEvent[] = [
      { kind: 'message', key: 'group:g', message: message as never, recipients: ['u', 'v'], json: stored },
      ...Array.from({ length: 30 }, (_, i): BusEvent => ({ kind: 'frame', users: [`u${i}`], frame: { type: 'sync.done' } })),
    ];
    await Promise.all(events.map((e) => nodeA.publish(e)));
    const end = Date.now() + GUARD_MS;
    while ((atB.length < events.length || wire.length < 1) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.equal(wire.length, 1, 'one PUBLISH for the turn');
    assert.equal(atA.length, events.length);
    assert.ok(atA.every((e, i) => e === events[i]), 'the publishing node delivers its own event objects, once, in order');
    const { json: _json, ...withoutJson } = events[0] as Extract<BusEvent, { kind: 'message' }>;
    assert.deepEqual(atB, [withoutJson, ...events.slice(1)], 'another node gets every event in order, without the local json');
    await raw.quit();
    await nodeA.close();
    await nodeB.close();
  });

  it('answers ping while connected and refuses after close', async () => {
    const bus = await createRedisBus({ url: REDIS_URL, prefix: `${uniqueName('natter_test')}:` });
    await bus.ping!();
    await bus.close();
    await assert.rejects(bus.ping!(), /closed/);
  });

  it('reconnects and resubscribes after Redis drops its connections, and logs the outage and the recovery', async () => {
    const prefix = `${uniqueName('natter_test')}:`;
    const logged: string[] = [];
    const logger = { info: (_: unknown, m?: string) => logged.push(`info ${m}`), warn() {}, error: (_: unknown, m?: string) => logged.push(`error ${m}`) };
    const nodeA = await createRedisBus({ url: REDIS_URL, prefix });
    const nodeB = await createRedisBus({ url: REDIS_URL, prefix, logger });
    const got: BusEvent[] = [];
    await nodeB.subscribe((e) => got.push(e));
    // Kill only node B's connections, found by the name that carries this run's prefix.
    const admin = new Redis(REDIS_URL);
    const clients = (await admin.client('LIST')) as string;
    const ids = clients.split('\n').filter((l) => l.includes(` name=${prefix}bus-`)).map((l) => /id=(\d+)/.exec(l)![1]!);
    assert.equal(ids.length, 4, 'two connections per node');
    for (const id of ids) await admin.client('KILL', 'ID', id);
    await admin.quit();
    // Publish until node B hears again: it must come back by itself.
    const end = Date.now() + GUARD_MS;
    for (let i = 0; got.length === 0; i++) {
      if (Date.now() > end) assert.fail('node B did not receive events again after the drop');
      await nodeA.publish({ kind: 'frame', users: [`u${i}`], frame: { type: 'sync.done' } });
      await new Promise((r) => setTimeout(r, 20));
    }
    await nodeB.ping!();
    assert.ok(logged.includes('error redis: connection lost, reconnecting'), logged.join('; '));
    assert.ok(logged.includes('info redis: reconnected'), logged.join('; '));
    await nodeA.close();
    await nodeB.close();
  });

  it('reports a cut subscription (onCut) before it reports it live again (onGap)', async () => {
    const prefix = `${uniqueName('natter_test')}:`;
    const bus = await createRedisBus({ url: REDIS_URL, prefix });
    const heard: string[] = [];
    bus.onCut!(() => heard.push('cut'));
    const live = new Promise<void>((resolve) => bus.onGap!(() => resolve(void heard.push('gap'))));
    const admin = new Redis(REDIS_URL);
    const clients = (await admin.client('LIST')) as string;
    const [id] = clients.split('\n').filter((l) => l.includes(` name=${prefix}bus-sub`)).map((l) => /id=(\d+)/.exec(l)![1]!);
    await admin.client('KILL', 'ID', id!);
    await admin.quit();
    await live;
    assert.deepEqual(heard, ['cut', 'gap']);
    await bus.close();
  });

  it('fails to start with a clear message when Redis is unreachable', async () => {
    await assert.rejects(createRedisBus({ url: 'redis://127.0.0.1:1' }), /Redis at .* is unreachable/);
  });
});
