import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freshSchema, POSTGRES_URL, requirePostgres } from '../helpers/services.js';
import { ADMIN_KEY, cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';

await requirePostgres();

/**
 * A TCP relay in front of the real PostgreSQL that the test can cut and restore: the node loses
 * its database exactly as it would on a network failure (established connections reset, new
 * ones refused), while PostgreSQL itself keeps running for everyone else.
 */
async function relay(target: URL): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  const open = new Set<Socket>();
  let down = false;
  const server: Server = createServer((inbound) => {
    if (down) return void inbound.destroy();
    const outbound = connect(Number(target.port || 5432), target.hostname);
    for (const s of [inbound, outbound]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut() {
      down = true;
      for (const s of open) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function metric(t: TestServer, series: string): Promise<number> {
  const body = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }).then((r) => r.text());
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return Number(line?.slice(series.length + 1));
}

describe('a node that loses PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshSchema>>;
  let link: Awaited<ReturnType<typeof relay>>;
  let node: TestServer;
  const logged: string[] = [];
  before(async () => {
    db = await freshSchema();
    link = await relay(new URL(POSTGRES_URL));
    const url = new URL(db.url);
    url.host = `127.0.0.1:${link.port}`;
    const logger = { level: 'error', stream: { write: (line: string) => logged.push(line) } };
    node = await startServer({ databaseUrl: url.toString(), logger });
    await createUsers(node, 'alice', 'bob');
  });
  after(async () => {
    await node?.stop();
    await link?.close();
    await db?.drop();
  });

  it('refuses sends with UNAVAILABLE, reports it on /healthz, in the logs and metrics, and commits the resend once it is back', async () => {
    const alice = await node.login('alice');
    link.cut();
    const clientMsgId = cmid();
    const send = { type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('through the outage') } as const;
    alice.send(send);
    const refused = await alice.next('message.error', (f) => f.clientMsgId === clientMsgId);
    assert.deepEqual([refused.name, refused.code], ['UNAVAILABLE', 9001]);
    const health = await node.rest('GET', '/healthz', undefined, null);
    assert.deepEqual([health.status, health.body], [503, { ok: false, store: 'unavailable', bus: 'ok' }]);
    assert.equal(await metric(node, 'natter_store_up'), 0);
    assert.ok((await metric(node, 'natter_store_errors_total{operation="read"}')) >= 1);
    assert.ok((await metric(node, 'natter_send_errors_total{error="UNAVAILABLE"}')) >= 1);
    assert.ok(logged.some((l) => l.includes('send failed before commit')), 'the failure is logged');

    // The pool opens new connections by itself once PostgreSQL is reachable again.
    link.restore();
    const deadline = Date.now() + 15_000;
    while ((await node.rest('GET', '/healthz', undefined, null)).status !== 200) {
      assert.ok(Date.now() < deadline, 'the node reports the store healthy again');
      await new Promise((r) => setTimeout(r, 100));
    }
    alice.send(send);
    const ack = await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    assert.equal(ack.duplicate, undefined, 'nothing was committed during the outage');
    alice.send(send);
    assert.equal((await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId)).duplicate, true);
    const page = await node.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages');
    assert.deepEqual(page.body.messages.map((m: { clientMsgId: string }) => m.clientMsgId), [clientMsgId]);
    alice.close();
  });
});
