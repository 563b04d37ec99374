/**
 * The in-browser server (`src/local`) in Node, which has MessageChannel too: the real ChatCore
 * over the memory store behind the MessagePort gateway, and the real client over the
 * WebSocket-like port transport. The browser side (SharedWorker, tabs) is `e2e/local-demo.e2e.ts`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createChatClient, createMemoryStorage, type ChatClient, type ChatMessage } from '../../src/client/index.js';
import { connectLocalPort, type LocalServerConnection, type LocalSocket } from '../../src/local/client.js';
import { createLocalServer, type LocalServer } from '../../src/local/local-server.js';
import { PROTOCOL_VERSION } from '../../src/protocol/index.js';
import { synced, until } from '../client/real-server.js';

let server: LocalServer;
let control: MessagePort;
let local: LocalServerConnection;
const clients: ChatClient[] = [];

before(async () => {
  server = createLocalServer();
  const channel = new MessageChannel();
  server.accept(channel.port2);
  control = channel.port1;
  local = await connectLocalPort(control, 'in-page');
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  control.close();
});

function client(user: string): ChatClient {
  const c = createChatClient({ url: local.url, WebSocket: local.WebSocket, getToken: () => local.token(user), storage: createMemoryStorage() });
  clients.push(c);
  return c;
}

/** A raw socket of the port transport, with the frames it received. */
async function rawSocket(): Promise<{ socket: LocalSocket; frames: Record<string, unknown>[]; closed: Promise<{ code: number; reason: string }> }> {
  const socket = new local.WebSocket(local.url);
  const frames: Record<string, unknown>[] = [];
  socket.addEventListener('message', (e) => frames.push(JSON.parse((e as MessageEvent<string>).data) as Record<string, unknown>));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener('close', (e) => resolve({ code: (e as CloseEvent).code, reason: (e as CloseEvent).reason })),
  );
  await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  return { socket, frames, closed };
}

describe('the in-browser server over MessagePorts', () => {
  test('is a dev-mode server: seeded demo users, a token for any id', async () => {
    const { core } = await server.ready;
    assert.equal((await core.store.getUser('alice'))?.name, 'Alice');
    assert.equal(await core.store.isGroupMember('demo', 'carol'), true);
    const token = await local.token('dave');
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    // The dev token route seats a new user in the demo group, as the Node server's does.
    assert.equal(await core.store.isGroupMember('demo', 'dave'), true);
    await assert.rejects(local.token('not a valid id!'), /./);
  });

  test('two clients chat through the same core: acked once, delivered once', async () => {
    const alice = client('alice');
    const bob = client('bob');
    const inbox: ChatMessage[] = [];
    bob.addEventListener('message', (e) => {
      const m = (e as CustomEvent<ChatMessage>).detail;
      // The demo group's "created" notification arrives too; this test is about the 1:1 chat.
      if (m.conversationId === 'p2p:alice') inbox.push(m);
    });
    await Promise.all([synced(alice), synced(bob)]);
    assert.equal(alice.$me.get()?.name, 'Alice');

    const sent = await alice.send('p2p:bob', 'hello over a port');
    assert.equal(sent.status, 'sent');
    assert.equal(sent.seq, 1);
    await until(() => inbox.length === 1, 'bob receives');
    assert.equal(inbox[0].elem.type === 'text' && inbox[0].elem.text, 'hello over a port');
    assert.equal(inbox[0].conversationId, 'p2p:alice');

    const reply = await bob.send('p2p:alice', 'and back');
    assert.equal(reply.seq, 2);
    await until(() => alice.messages('p2p:bob').get().length === 2, 'alice holds both');
  });

  test('refuses what the WebSocket gateway refuses, in the same frames', async () => {
    const { socket, frames, closed } = await rawSocket();
    socket.send('not json');
    await until(() => frames.length === 1, 'an answer to garbage');
    assert.equal(frames[0].type, 'error');
    assert.equal(frames[0].name, 'BAD_FRAME');

    // A send the client can still identify gets message.error with its clientMsgId.
    socket.send(JSON.stringify({ type: 'message.send', clientMsgId: 'client-msg-1', conversationId: 'p2p:bob', elem: { type: 'text', text: 5 } }));
    await until(() => frames.length === 2, 'an answer to a bad send');
    assert.equal(frames[1].type, 'message.error');
    assert.equal(frames[1].clientMsgId, 'client-msg-1');

    // Anything but session.open first is UNAUTHENTICATED (from the core), with the reqId.
    socket.send(JSON.stringify({ type: 'history.fetch', reqId: 'r1', conversationId: 'p2p:bob', limit: 5 }));
    await until(() => frames.length === 3, 'an answer before the session');
    assert.equal(frames[2].name, 'UNAUTHENTICATED');
    assert.equal(frames[2].reqId, 'r1');

    // A wrong token is refused and the socket stays open for another try.
    socket.send(JSON.stringify({ type: 'session.open', protocol: PROTOCOL_VERSION, token: 'x.y.z', cursors: {} }));
    await until(() => frames.length === 4, 'an answer to a bad token');
    assert.equal(frames[3].name, 'TOKEN_INVALID');
    socket.send(JSON.stringify({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await local.token('carol'), cursors: {} }));
    await until(() => frames.some((f) => f.type === 'sync.done'), 'the session after a good token');
    assert.equal(frames[4].type, 'session.ready');

    const { gateway, core } = await server.ready;
    const before = gateway.connections;
    assert.equal(core.registry.isOnline('carol'), true);
    socket.close(1000, 'bye');
    assert.deepEqual(await closed, { code: 1000, reason: 'bye' });
    await until(() => gateway.connections === before - 1 && !core.registry.isOnline('carol'), 'the server to forget the socket');
  });

  test('a frame whose handler throws or rejects is answered INTERNAL with its reqId, and the port goes on', async () => {
    const { core } = await server.ready;
    const original = core.handleFrame.bind(core);
    // Fault injection: the real core, made to fail for frames the test marks.
    core.handleFrame = ((conn, frame) => {
      if (frame.type === 'ping' && frame.reqId === 'throw') throw new Error('injected synchronous bug');
      if (frame.type === 'ping' && frame.reqId === 'reject') return Promise.reject(new Error('injected asynchronous bug'));
      return original(conn, frame);
    }) as typeof core.handleFrame;
    const quiet = console.error;
    console.error = () => {};
    try {
      const { socket, frames } = await rawSocket();
      for (const reqId of ['throw', 'reject']) {
        socket.send(JSON.stringify({ type: 'ping', reqId }));
        await until(() => frames.some((f) => f.reqId === reqId), `an answer to ${reqId}`);
        const answer = frames.find((f) => f.reqId === reqId)!;
        assert.deepEqual([answer.type, answer.name], ['error', 'INTERNAL']);
      }
      // The port goes on: the next frame reaches the core (a ping before session.open is UNAUTHENTICATED there).
      socket.send(JSON.stringify({ type: 'ping', reqId: 'after' }));
      await until(() => frames.some((f) => f.reqId === 'after'), 'an answer after the failures');
      assert.equal(frames.find((f) => f.reqId === 'after')!.name, 'UNAUTHENTICATED');
      socket.close(1000, 'bye');
    } finally {
      core.handleFrame = original;
      console.error = quiet;
    }
  });

  test('a frame over the payload cap closes the socket with 1009, as ws does', async () => {
    const { socket, closed } = await rawSocket();
    socket.send('x'.repeat(1024 * 1024 + 1));
    assert.equal((await closed).code, 1009);
  });
});
