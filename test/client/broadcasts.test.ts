import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMemoryStorage, type ChatClient } from '../../src/client/index.js';
import type { Broadcast } from '../../src/protocol/index.js';
import { connectClient, startServer, synced, until, type TestServer } from './real-server.js';

let srv: TestServer;
const clients: ChatClient[] = [];
let n = 0;
const uid = (name: string) => `${name}${++n}`;

function track(client: ChatClient): ChatClient {
  clients.push(client);
  return client;
}

function events(client: ChatClient): Broadcast[] {
  const list: Broadcast[] = [];
  client.addEventListener('broadcast', (e) => list.push((e as CustomEvent<Broadcast>).detail));
  return list;
}

async function broadcast(body: object): Promise<{ id: string }> {
  const res = await srv.admin('POST', '/v1/broadcasts', body);
  assert.equal(res.status, 201);
  return (await res.json()) as { id: string };
}

before(async () => {
  srv = await startServer({ broadcastsPerMinute: 100 });
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await srv.stop();
});

describe('client broadcasts against the real server', () => {
  test('a live broadcast lands in $broadcasts newest first and fires `broadcast` once; a withdrawal removes it', async () => {
    const alice = track(connectClient(srv, await srv.token(uid('alice'))));
    const seen = events(alice);
    await synced(alice);
    const first = await broadcast({ content: 'first' });
    await until(() => alice.$broadcasts.get().length === 1, 'the first broadcast');
    const second = await broadcast({ content: 'second', from: 'Ops' });
    await until(() => alice.$broadcasts.get().length === 2, 'the second broadcast');
    assert.deepEqual(alice.$broadcasts.get().map((b) => [b.id, b.content, b.from]), [[second.id, 'second', 'Ops'], [first.id, 'first', undefined]]);
    assert.deepEqual(seen.map((b) => b.id), [first.id, second.id]);

    assert.equal((await srv.admin('DELETE', `/v1/broadcasts/${first.id}`)).status, 204);
    await until(() => alice.$broadcasts.get().length === 1, 'the withdrawal');
    assert.equal(alice.$broadcasts.get()[0]!.id, second.id);
  });

  test('after a reload the device still holds the broadcasts the server sent it once, without a new event', async () => {
    const user = uid('bob');
    const storage = createMemoryStorage();
    const token = await srv.token(user);
    const first = connectClient(srv, token, { storage });
    await synced(first);
    const { id } = await broadcast({ content: 'keep me', offline: true });
    await until(() => first.$broadcasts.get().some((b) => b.id === id), 'the live broadcast');
    await first.close();

    const second = track(connectClient(srv, token, { storage }));
    const seen = events(second);
    await synced(second);
    assert.ok(second.$broadcasts.get().some((b) => b.id === id));
    assert.deepEqual(seen, []);
  });
});
