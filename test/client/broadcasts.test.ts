import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryStorage, type ChatClient } from '../../src/client/index.js';
import type { Broadcast } from '../../src/protocol/index.js';
import { collect, connectClient, synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer({ broadcastsPerMinute: 100 });
const { uid, connect, track } = ctx;

const events = (client: ChatClient) => collect<Broadcast>(client, 'broadcast');

async function broadcast(body: object): Promise<{ id: string }> {
  const res = await ctx.srv.admin('POST', '/v1/broadcasts', body);
  assert.equal(res.status, 201);
  return (await res.json()) as { id: string };
}

describe('client broadcasts against the real server', () => {
  test('a live broadcast lands in $broadcasts newest first and fires `broadcast` once; a withdrawal removes it', async () => {
    const alice = await connect(uid('alice'));
    const seen = events(alice);
    await synced(alice);
    const first = await broadcast({ content: 'first' });
    await until(() => alice.$broadcasts.get().length === 1, 'the first broadcast');
    const second = await broadcast({ content: 'second', from: 'Ops' });
    await until(() => alice.$broadcasts.get().length === 2, 'the second broadcast');
    assert.deepEqual(alice.$broadcasts.get().map((b) => [b.id, b.content, b.from]), [[second.id, 'second', 'Ops'], [first.id, 'first', undefined]]);
    assert.deepEqual(seen.map((b) => b.id), [first.id, second.id]);

    assert.equal((await ctx.srv.admin('DELETE', `/v1/broadcasts/${first.id}`)).status, 204);
    await until(() => alice.$broadcasts.get().length === 1, 'the withdrawal');
    assert.equal(alice.$broadcasts.get()[0]!.id, second.id);
  });

  test('after a reload the device still holds the broadcasts the server sent it once, without a new event', async () => {
    const user = uid('bob');
    const storage = createMemoryStorage();
    const token = await ctx.srv.token(user);
    const first = connectClient(ctx.srv, token, { storage });
    await synced(first);
    const { id } = await broadcast({ content: 'keep me', offline: true });
    await until(() => first.$broadcasts.get().some((b) => b.id === id), 'the live broadcast');
    await first.close();

    const second = track(connectClient(ctx.srv, token, { storage }));
    const seen = events(second);
    await synced(second);
    assert.ok(second.$broadcasts.get().some((b) => b.id === id));
    assert.deepEqual(seen, []);
  });
});
