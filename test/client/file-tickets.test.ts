/**
 * `client.fileUrl` puts each file's own ticket on its URL (issue 15): asked for in one batch
 * (`POST /v1/files/tickets`) for everything asked in a tick, `$fileTickets` changing when they
 * arrive. A copied URL opens that one file, not every file the user can read.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ChatClient } from '../../src/client/index.js';
import { connectClient, startServer, synced, until, type TestServer } from './real-server.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
let srv: TestServer;
const clients: ChatClient[] = [];
/** The ids of every batch the clients asked for (the real fetch, watched). */
const batches: string[][] = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  if (String(input).endsWith('/v1/files/tickets')) batches.push((JSON.parse(String(init?.body)) as { files: string[] }).files);
  return realFetch(input, init);
};

before(async () => {
  srv = await startServer();
  await srv.admin('PUT', '/v1/users/alice', { name: 'Alice' });
  await srv.admin('PUT', '/v1/users/bob', { name: 'Bob' });
  await srv.admin('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob'] });
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await srv.stop();
});

async function uploadAs(user: string): Promise<string> {
  const res = await fetch(`${srv.httpUrl}/v1/uploads?conversationId=group:g&name=a.png`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await srv.token(user)}`, 'content-type': 'image/png' },
    body: PNG,
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { url: string }).url;
}

test('fileUrl gives each file its own ticket, fetched in one batch, and a ticket opens its file only', async () => {
  const [one, two] = [await uploadAs('alice'), await uploadAs('alice')];
  const alice = connectClient(srv, await srv.token('alice'));
  clients.push(alice);
  await synced(alice);
  let changes = 0;
  const unlisten = alice.$fileTickets.listen(() => changes++);
  // Not known yet: nothing to fetch until the tickets arrive (both asked in the same tick).
  assert.equal(alice.fileUrl(one), '');
  assert.equal(alice.fileUrl(two), '');
  await until(() => changes > 0, 'the tickets to arrive');
  unlisten();
  const id = (url: string) => new URL(url).pathname.split('/')[3]!;
  assert.deepEqual(batches.at(-1), [id(one), id(two)], 'one batch for both files');
  const [u1, u2] = [alice.fileUrl(one), alice.fileUrl(two)];
  const [t1, t2] = [new URL(u1).searchParams.get('ticket'), new URL(u2).searchParams.get('ticket')];
  assert.ok(t1 && t2);
  assert.notEqual(t1, t2);
  assert.equal(alice.fileUrl(one), u1, 'cached: the same URL while the ticket is fresh');
  assert.equal((await fetch(u1)).status, 200);
  assert.equal((await fetch(u2)).status, 200);
  // The URL of one file, with its ticket put on another file's URL, opens nothing.
  const leaked = new URL(two);
  leaked.searchParams.set('ticket', t1);
  const res = await fetch(leaked);
  assert.deepEqual([res.status, ((await res.json()) as { name: string }).name], [401, 'TOKEN_INVALID']);
  // Other URLs are left as they are.
  assert.equal(alice.fileUrl('https://cdn.example.com/cat.png'), 'https://cdn.example.com/cat.png');
});

test('a file the user may not read gets no ticket, and is not asked for again at every render', async () => {
  const hidden = await uploadAs('alice'); // uploaded to group:g, never sent: bob may not read it
  const mine = await uploadAs('bob');
  const bob = connectClient(srv, await srv.token('bob'));
  clients.push(bob);
  await synced(bob);
  let changes = 0;
  const unlisten = bob.$fileTickets.listen(() => changes++);
  assert.equal(bob.fileUrl(hidden), '');
  await until(() => changes === 1, 'the answer');
  assert.equal(bob.fileUrl(hidden), '', 'still none: the server gave none');
  // The next render asks for a new file: its batch does not carry the refused one again.
  assert.equal(bob.fileUrl(mine), '');
  await until(() => changes === 2, 'the second answer');
  unlisten();
  assert.deepEqual(batches.at(-1), [new URL(mine).pathname.split('/')[3]]);
  assert.match(bob.fileUrl(mine), /\?ticket=/);
});

test("a device clock an hour ahead of the server's still gets (and keeps) its tickets", async () => {
  // The server's clock 59.5 minutes behind the device's: by the device's clock a new ticket's
  // expiresAt is 30 s away, too close to hand out were it trusted.
  const behind = await startServer({ clock: () => Date.now() - 59.5 * 60_000 });
  const client = connectClient(behind, await behind.token('dan'));
  try {
    await synced(client);
    await behind.admin('POST', '/v1/groups', { id: 'h', name: 'H', members: ['dan'] });
    const res = await fetch(`${behind.httpUrl}/v1/uploads?conversationId=group:h&name=a.png`, {
      method: 'POST', headers: { authorization: `Bearer ${await behind.token('dan')}`, 'content-type': 'image/png' }, body: PNG,
    });
    const { url } = (await res.json()) as { url: string };
    const before = batches.length;
    assert.equal(client.fileUrl(url), '');
    await until(() => client.fileUrl(url) !== '', 'the ticket to be handed out');
    assert.equal((await fetch(client.fileUrl(url))).status, 200);
    assert.equal(batches.length, before + 1, 'asked once, not again at each render');
  } finally {
    await client.close();
    await behind.stop();
  }
});
