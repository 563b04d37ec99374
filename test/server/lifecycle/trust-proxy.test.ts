import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { resolveOptions } from '../../../src/server/options.js';
import { capKey, clientAddress, compileProxyTrust } from '../../../src/server/proxy-trust.js';
import { ADMIN_KEY, SECRET, startServer, type TestServer } from '../helpers/test-server.js';

/** Upgrades with the given X-Forwarded-For; resolves with the HTTP status (101 = open socket). */
function upgrade(wsUrl: string, forwardedFor?: string): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } });
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

/**
 * NATTER_TRUST_PROXY (issue 7): behind a load balancer every socket comes from the proxy, so the
 * per-IP limit and the logs must use the client address the proxy appends to X-Forwarded-For —
 * but only when the TCP peer is a trusted proxy: anyone else can write that header.
 */
describe('trusted proxies and the client address', () => {
  it('reads X-Forwarded-For from the right, only through trusted hops', () => {
    const list = compileProxyTrust(['loopback', '10.0.0.0/8']);
    // Untrusted peer: the header is the client's own words and is ignored.
    assert.equal(clientAddress(request('198.51.100.20', '203.0.113.1'), list), '198.51.100.20');
    // Trusted peer: the entry it appended (the rightmost) is the client.
    assert.equal(clientAddress(request('127.0.0.1', '203.0.113.1'), list), '203.0.113.1');
    // A client prepending a fake address gets nothing from it: the walk stops at the first untrusted hop.
    assert.equal(clientAddress(request('127.0.0.1', '6.6.6.6, 203.0.113.1'), list), '203.0.113.1');
    // Two trusted proxies in a row (nginx -> internal balancer -> node).
    assert.equal(clientAddress(request('::ffff:127.0.0.1', '203.0.113.1, 10.1.2.3'), list), '203.0.113.1');
    // A trusted peer without the header: the peer it is.
    assert.equal(clientAddress(request('::1'), list), '::1');
    const hops = compileProxyTrust(1);
    assert.equal(clientAddress(request('192.0.2.1', '6.6.6.6, 203.0.113.1'), hops), '203.0.113.1');
    assert.equal(clientAddress(request('127.0.0.1', '203.0.113.1'), compileProxyTrust(undefined)), '127.0.0.1');
    assert.equal(clientAddress(request('2001:db8::7', '203.0.113.1'), compileProxyTrust(['2001:db8::/32'])), '203.0.113.1');
  });

  it('refuses settings that name no address', () => {
    for (const trustProxy of [['localhost'], ['10.0.0.0/33'], ['10.0.0.0/'], [''], 0, 1.5] as const) {
      assert.throws(() => resolveOptions({ dataDir: '/tmp/unused', secret: SECRET, trustProxy }), TypeError, JSON.stringify(trustProxy));
    }
  });

  it('counts connections per client behind a trusted proxy', async () => {
    const t = await startServer({ maxConnectionsPerIp: 2, trustProxy: ['loopback'] });
    const open: WebSocket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const res = await upgrade(t.wsUrl, '203.0.113.1');
        assert.equal(res.status, 101);
        open.push(res.ws!);
      }
      assert.equal((await upgrade(t.wsUrl, '203.0.113.1')).status, 429, 'the third from one client is refused');
      // Other clients behind the same proxy have budgets of their own.
      const other = await upgrade(t.wsUrl, '203.0.113.2');
      assert.equal(other.status, 101);
      open.push(other.ws!);
    } finally {
      for (const ws of open) ws.close();
      await t.stop();
    }
  });

  it('groups addresses for the per-address caps: IPv4 by the address, IPv6 by its /64', () => {
    assert.equal(capKey('203.0.113.7'), '203.0.113.7');
    assert.equal(capKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.notEqual(capKey('203.0.113.7'), capKey('203.0.113.8'));
    // Every spelling of one /64 is one key; a neighbouring /64 is another.
    const key = capKey('2001:db8:0:1::1');
    assert.equal(key, '2001:db8:0:1::/64');
    for (const a of ['2001:db8:0:1:ffff:ffff:ffff:ffff', '2001:DB8:0000:0001:abcd::', '2001:db8::1:0:0:0:7', '2001:db8:0:1::1%eth0', '2001:db8:0:1:0:0:192.0.2.1']) assert.equal(capKey(a), key, a);
    for (const a of ['2001:db8:0:2::1', '2001:db8::1', '2001:db9:0:1::1']) assert.notEqual(capKey(a), key, a);
    assert.equal(capKey('::1'), '0:0:0:0::/64');
    assert.equal(capKey('not-an-address'), 'not-an-address');
  });

  it('counts WebSocket connections per IPv6 /64 behind a trusted proxy: another address of the same /64 is the same client', async () => {
    const t = await startServer({ maxConnectionsPerIp: 2, trustProxy: ['loopback'] });
    const open: WebSocket[] = [];
    try {
      for (const client of ['2001:db8:0:1::1', '2001:db8:0:1:dead:beef:0:2']) {
        const res = await upgrade(t.wsUrl, client);
        assert.equal(res.status, 101);
        open.push(res.ws!);
      }
      assert.equal((await upgrade(t.wsUrl, '2001:db8:0:1:ffff:ffff:ffff:fffe')).status, 429, 'a third address of the same /64 is refused');
      const other = await upgrade(t.wsUrl, '2001:db8:0:2::1');
      assert.equal(other.status, 101, 'the next /64 has a budget of its own');
      open.push(other.ws!);
      // A closed connection gives its /64 its place back.
      await new Promise<void>((resolve) => { open[0]!.once('close', () => resolve()); open[0]!.close(); });
      await new Promise((r) => setTimeout(r, 50));
      const again = await upgrade(t.wsUrl, '2001:db8:0:1::9');
      assert.equal(again.status, 101);
      open.push(again.ws!);
    } finally {
      for (const ws of open) ws.close();
      await t.stop();
    }
  });

  it('ignores a spoofed X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const t = await startServer({ maxConnectionsPerIp: 2, trustProxy: ['10.0.0.0/8'] });
    const open: WebSocket[] = [];
    try {
      for (const spoof of ['203.0.113.1', '203.0.113.2']) {
        const res = await upgrade(t.wsUrl, spoof);
        assert.equal(res.status, 101);
        open.push(res.ws!);
      }
      // Each claimed to be someone else, but all came from 127.0.0.1: the limit holds.
      assert.equal((await upgrade(t.wsUrl, '203.0.113.3')).status, 429);
    } finally {
      for (const ws of open) ws.close();
      await t.stop();
    }
  });

  it('logs REST requests with the client address from a trusted proxy, and the peer otherwise', async () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const logged = async (t: TestServer, forwardedFor: string) => {
      await fetch(`${t.url}/healthz`, { headers: { 'x-forwarded-for': forwardedFor, authorization: `Bearer ${ADMIN_KEY}` } });
      const entry = lines.map((l) => JSON.parse(l)).find((e) => e.msg === 'incoming request' && e.req?.url === '/healthz');
      lines.length = 0;
      return entry?.req?.remoteAddress as string | undefined;
    };
    const trusted = await startServer({ trustProxy: ['loopback'], logger: { level: 'info', stream } });
    try {
      assert.equal(await logged(trusted, '203.0.113.9'), '203.0.113.9');
    } finally {
      await trusted.stop();
    }
    const untrusted = await startServer({ trustProxy: ['10.0.0.0/8'], logger: { level: 'info', stream } });
    try {
      assert.equal(await logged(untrusted, '203.0.113.9'), '127.0.0.1');
    } finally {
      await untrusted.stop();
    }
  });
});
