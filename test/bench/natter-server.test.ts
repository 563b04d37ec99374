import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startNatterServer } from '../../bench/lib/natter-server.js';
import { freePort } from '../../bench/lib/spawn.js';

describe('startNatterServer (bench:server, bench:flood)', () => {
  it('never talks to a server it did not start: a port taken by a stranger before the child binds it is given up for another', async () => {
    // The stranger answers everything with 200, /healthz and admin routes alike: only where
    // the requests go can tell it from ours.
    let strangerRequests = 0;
    const stranger = createServer((req, res) => (strangerRequests++, req.resume(), res.writeHead(200, { 'content-type': 'application/json' }).end('{}')));
    stranger.listen(0, '127.0.0.1');
    await once(stranger, 'listening');
    const taken = (stranger.address() as AddressInfo).port;
    let picks = 0;
    const server = await startNatterServer({}, [], undefined, () => (picks++ === 0 ? Promise.resolve(taken) : freePort()));
    try {
      assert.notEqual(server.port, taken);
      assert.equal(picks, 2);
      await server.admin('PUT', '/v1/users/u1', { name: 'u1' });
      const user = await server.admin('GET', '/v1/users/u1');
      assert.equal(user['name'], 'u1');
      assert.equal(strangerRequests, 0);
    } finally {
      await server.stop();
      stranger.close();
    }
  });
});
