import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  assertPublicTarget,
  checkTargetUrl,
  guardedAgents,
  isPublicAddress,
  TargetRefusedError,
} from '../../../src/server/net/public-target.js';

const refused = (reason: string) => (err: unknown) =>
  err instanceof TargetRefusedError && err.reason === reason;

describe('public-target: which addresses are public', () => {
  const privateOnes = [
    '127.0.0.1', '127.8.9.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1',
    '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.1',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1',
    'ff02::1', '2001:db8::1',
    // IPv4-compatible (deprecated): tunnelled to the IPv4 address inside where sit is up; ipaddr.js called the hex form unicast.
    '::127.0.0.1', '::7f00:1', '::10.0.0.1', '::a00:1', '::a9fe:a9fe',
  ];
  for (const address of privateOnes) {
    it(`refuses ${address}`, () => assert.equal(isPublicAddress(address), false));
  }
  for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '::808:808']) {
    it(`accepts ${address}`, () => assert.equal(isPublicAddress(address), true));
  }
  it('loopback only with the switch, and never other private ranges', () => {
    assert.equal(isPublicAddress('127.0.0.1', { allowLoopback: true }), true);
    assert.equal(isPublicAddress('::1', { allowLoopback: true }), true);
    assert.equal(isPublicAddress('::7f00:1', { allowLoopback: true }), true);
    assert.equal(isPublicAddress('::a00:1', { allowLoopback: true }), false);
    assert.equal(isPublicAddress('10.0.0.1', { allowLoopback: true }), false);
  });
  it('garbage is not an address', () => assert.equal(isPublicAddress('not-an-ip'), false));
});

describe('public-target: URL checks', () => {
  it('https on 443 only by default', () => {
    assert.equal(checkTargetUrl('https://push.example.com/x').hostname, 'push.example.com');
    assert.throws(() => checkTargetUrl('http://push.example.com/x'), refused('scheme'));
    assert.throws(() => checkTargetUrl('https://push.example.com:8443/x'), refused('port'));
    assert.throws(() => checkTargetUrl('file:///etc/passwd'), refused('scheme'));
    assert.throws(() => checkTargetUrl('javascript:alert(1)'), refused('scheme'));
    assert.throws(() => checkTargetUrl('nonsense'), refused('scheme'));
  });
  it('credentials in the URL are refused', () => {
    assert.throws(() => checkTargetUrl('https://user:pw@push.example.com/'), refused('credentials'));
  });
  it('literal private addresses, in every spelling, are refused before any lookup', () => {
    for (const url of [
      'https://127.0.0.1/', 'https://[::1]/', 'https://10.0.0.1/', 'https://169.254.169.254/',
      'https://[::ffff:7f00:1]/', 'https://2130706433/', 'https://0x7f.1/', 'https://[fe80::1]/',
      'https://[::127.0.0.1]/', 'https://0177.0.0.1/', 'https://127.1/', 'https://[64:ff9b::a00:1]/',
    ]) {
      assert.throws(() => checkTargetUrl(url), refused('address'), url);
    }
  });
  it('configured ports and schemes are honoured', () => {
    const policy = { protocols: ['http:', 'https:'], ports: [80, 443, 8080] };
    assert.equal(checkTargetUrl('http://example.com:8080/', policy).port, '8080');
  });
});

describe('public-target: names are checked on the address connected to', () => {
  let server: http.Server;
  let port: number;
  before(async () => {
    server = http.createServer((_req, res) => res.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (agent: http.Agent, host: string) =>
    new Promise<string>((resolve, reject) => {
      const req = http.get({ host, port, path: '/', agent }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
    });

  it('a name resolving to loopback is refused at connect time', async () => {
    const agents = guardedAgents();
    await assert.rejects(get(agents.http, 'localhost'), refused('address'));
    agents.http.destroy();
  });
  it('the same request goes through with the test switch', async () => {
    const agents = guardedAgents({ allowLoopback: true });
    assert.equal(await get(agents.http, 'localhost'), 'reached');
    agents.http.destroy();
  });
  it('assertPublicTarget resolves names and refuses private ones', async () => {
    await assert.rejects(assertPublicTarget('https://localhost/'), refused('address'));
    await assert.rejects(assertPublicTarget('https://no-such-host.invalid/'), refused('unresolvable'));
    const ok = await assertPublicTarget(`http://localhost:${port}/`, {
      allowLoopback: true,
      protocols: ['http:'],
      ports: [port],
    });
    assert.equal(ok.port, String(port));
  });
});
