import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { TurnWriter, textFrame } from '../../../src/server/ws/turn-writer.js';

/**
 * The gateway writes server frames itself (one write per socket per turn, frame bytes shared by
 * every socket of a fan-out). A real `ws` client on the other end must read exactly the texts
 * sent, in order, at every length encoding, and nothing may follow a close frame.
 */
describe('frames written straight to the socket', () => {
  let http: Server;
  let wss: WebSocketServer;
  let url: string;
  /** The next server-side connection, with its raw socket. */
  let accepted: Array<(c: { ws: WebSocket; socket: Duplex }) => void> = [];

  before(async () => {
    http = createServer();
    wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => accepted.shift()?.({ ws, socket })));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    wss.close();
    await new Promise((r) => http.close(r));
  });

  async function pair() {
    const server = new Promise<{ ws: WebSocket; socket: Duplex }>((r) => accepted.push(r));
    const client = new WebSocket(url);
    const received: string[] = [];
    client.on('message', (data, isBinary) => {
      assert.equal(isBinary, false);
      received.push(String(data));
    });
    await new Promise((r) => client.once('open', r));
    return { ...(await server), client, received };
  }

  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(cond(), 'timed out');
  };

  it('delivers texts of every length encoding, multi-byte ones included, in order', async () => {
    const { ws, socket, client, received } = await pair();
    const writer = new TurnWriter(64 * 1024);
    // 7-bit, 16-bit and 64-bit lengths, at their edges; "é" and "😀" are 2 and 4 bytes.
    const texts = ['', 'x'.repeat(125), 'y'.repeat(126), 'é'.repeat(32_767) + 'z', 'w'.repeat(65_535), '😀'.repeat(16_384), 'v'.repeat(200_000)];
    for (const t of texts) writer.write(ws, socket, textFrame(t));
    await until(() => received.length === texts.length);
    assert.deepEqual(received.map((r) => r.length), texts.map((t) => t.length));
    assert.deepEqual(received, texts);
    client.close();
  });

  it('holds a turn\'s frames for one write, and reports them as backlog meanwhile', async () => {
    const { ws, socket, client, received } = await pair();
    const writer = new TurnWriter(64 * 1024);
    let writes = 0;
    const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
    socket.write = ((chunk: Buffer) => (writes++, write(chunk))) as typeof socket.write;
    const backlog = [writer.write(ws, socket, textFrame('one')), writer.write(ws, socket, textFrame('two'))];
    assert.deepEqual(backlog, [5, 10], 'held bytes count as backlog (2-byte header each)');
    assert.equal(writes, 0, 'nothing written before the turn ends');
    await until(() => received.length === 2);
    assert.equal(writes, 1);
    assert.deepEqual(received, ['one', 'two']);
    client.close();
  });

  it('writes what a socket holds before a close frame, and nothing after one', async () => {
    const { ws, socket, client, received } = await pair();
    const writer = new TurnWriter(64 * 1024);
    const closed = new Promise<number>((r) => client.once('close', (code) => r(code)));
    writer.write(ws, socket, textFrame('last words'));
    writer.release(socket);
    ws.close(4401, 'bye');
    writer.write(ws, socket, textFrame('after the close'));
    assert.equal(await closed, 4401);
    assert.deepEqual(received, ['last words']);
  });
});
