/**
 * Abuse limits at the WebSocket edge: open connections per user and per IP, and a client that
 * stops reading (a slow consumer) is cut once its unsent backlog passes the bound instead of
 * making the server buffer without end.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import { TestSocket } from '../helpers/ws-client.js';

const counts = { connectionsTried: 0, refused: 0, historyRequests: 0 };
after(() => console.log(`# abuse: ${counts.connectionsTried} connections tried, ${counts.refused} refused, ${counts.historyRequests} history requests from a paused reader`));

/** Resolves with the HTTP status of a refused upgrade, or 101. */
function upgradeStatus(wsUrl: string): Promise<{ status: number; ws?: WebSocket; body?: any }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

async function until(predicate: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('connection limits', () => {
  it('refuses a user\'s session past maxConnectionsPerUser with TOO_MANY_CONNECTIONS and close 4429, and admits one again after another closes', async () => {
    const t = await startServer({ maxConnectionsPerUser: 3 });
    try {
      const open: TestSocket[] = [];
      for (let i = 0; i < 3; i++) open.push(await t.login('alice'));
      counts.connectionsTried += 4;
      const extra = await t.connect();
      extra.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('alice') });
      const err = await extra.next('error');
      assert.deepEqual([err.code, err.name], [5002, 'TOO_MANY_CONNECTIONS']);
      assert.equal((await extra.closedBy()).code, 4429);
      counts.refused++;
      assert.equal(t.server.core.registry.of('alice')?.size, 3);
      // Another user is not affected by alice's count.
      (await t.login('bob')).close();
      open[0]!.close();
      await until(() => t.server.core.registry.of('alice')?.size === 2, 'a slot to free');
      counts.connectionsTried++;
      (await t.login('alice')).close();
    } finally {
      await t.stop();
    }
  });

  it('answers an upgrade past maxConnectionsPerIp with HTTP 429 TOO_MANY_CONNECTIONS, and upgrades again once one closes', async () => {
    const t = await startServer({ maxConnectionsPerIp: 5 });
    try {
      const open: WebSocket[] = [];
      for (let i = 0; i < 5; i++) {
        counts.connectionsTried++;
        const res = await upgradeStatus(t.wsUrl);
        assert.equal(res.status, 101);
        open.push(res.ws!);
      }
      counts.connectionsTried++;
      const refused = await upgradeStatus(t.wsUrl);
      counts.refused++;
      assert.deepEqual([refused.status, refused.body.name, refused.body.code], [429, 'TOO_MANY_CONNECTIONS', 5002]);
      const gone = open.pop()!;
      await new Promise((r) => {
        gone.once('close', r);
        gone.close();
      });
      // The server side of the TCP socket closes a moment after the client sees the close frame.
      const deadline = Date.now() + 5000;
      let status = 0;
      while (status !== 101 && Date.now() < deadline) {
        counts.connectionsTried++;
        const again = await upgradeStatus(t.wsUrl);
        status = again.status;
        again.ws?.close();
      }
      assert.equal(status, 101);
      for (const ws of open) ws.close();
    } finally {
      await t.stop();
    }
  });
});

describe('slow consumers', () => {
  let t: TestServer;
  after(() => t?.stop());

  it('cuts a client that stops reading once its backlog passes maxBufferedBytes, keeps serving others, and does not grow memory with it', async () => {
    const maxBufferedBytes = 256 * 1024;
    t = await startServer({ maxBufferedBytes, sendsPerMinute: 10_000 });
    await createUsers(t, 'alice', 'bob');
    // 200 messages of ~7 KB: each history page is ~1.5 MB of output the reader must take.
    const alice = await t.login('alice');
    for (let i = 0; i < 200; i++) alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text(`${i} ${'x'.repeat(7000)}`) });
    for (let i = 0; i < 200; i++) await alice.next('message.ack', undefined, 20_000);

    const slow = await t.login('bob');
    // Stop reading: the kernel buffers fill, then the server's own buffer would grow.
    const tcp = (slow.ws as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 60 && t.server.core.registry.isOnline('bob'); i++) {
      counts.historyRequests++;
      slow.send({ type: 'history.fetch', reqId: `h${i}`, conversationId: 'p2p:alice', limit: 200 });
      await new Promise((r) => setImmediate(r));
    }
    await until(() => !t.server.core.registry.isOnline('bob'), 'the slow consumer to be cut');
    const grown = process.memoryUsage().rss - rssBefore;
    // 60 pages would be ~90 MB if buffered; cutting at 256 KiB (plus kernel buffers) keeps it small.
    assert.ok(grown < 48 * 1024 * 1024, `RSS grew ${(grown / 1048576).toFixed(1)} MiB`);
    // Others are still served.
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('still here') });
    await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    alice.close();
    tcp.resume();
  });
});
