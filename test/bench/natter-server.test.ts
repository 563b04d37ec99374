import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reusableBuild, startNatterServer } from '../../bench/lib/natter-server.js';
import { freePort } from '../../bench/lib/spawn.js';

const SERVER_MAIN = new URL('../../src/server/main.ts', import.meta.url).pathname;

describe('startNatterServer (bench:server, bench:flood)', () => {
  it('never talks to a server it did not start: a port taken by a stranger before the child binds it is given up for another', async (t) => {
    // The stranger answers everything with 200, /healthz and admin routes alike: only where
    // the requests go can tell it from ours.
    let strangerRequests = 0;
    const stranger = createServer((req, res) => (strangerRequests++, req.resume(), res.writeHead(200, { 'content-type': 'application/json' }).end('{}')));
    stranger.listen(0, '127.0.0.1');
    await once(stranger, 'listening');
    const taken = (stranger.address() as AddressInfo).port;
    let picks = 0;
    // The server's own main under tsx: what is tested is the harness, not the benchmark's compile.
    const pickPort = () => (picks++ === 0 ? Promise.resolve(taken) : freePort());
    // The stranger closes whatever happens: left listening, it keeps the test file alive (a failed start hung to the file's timeout).
    t.after(() => void stranger.close());
    const server = await startNatterServer({}, ['--import', 'tsx'], undefined, { pickPort, entry: () => SERVER_MAIN });
    try {
      assert.notEqual(server.port, taken);
      assert.equal(picks, 2);
      await server.admin('PUT', '/v1/users/u1', { name: 'u1' });
      const user = await server.admin('GET', '/v1/users/u1');
      assert.equal(user['name'], 'u1');
      assert.equal(strangerRequests, 0);
    } finally {
      await server.stop();
    }
  });
});

describe('reusableBuild (bench:smoke after npm run build)', () => {
  it("runs the checkout's fresh dist/ for a smoke run only, never a stale one nor another tree's", (t) => {
    const root = mkdtempSync(join(tmpdir(), 'natter-bench-reuse-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const touch = (path: string, secondsAgo: number) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), '');
      const at = Date.now() / 1000 - secondsAgo;
      utimesSync(join(root, path), at, at);
    };
    touch('src/server/main.ts', 300);
    touch('dist/server/main.js', 100);
    assert.equal(reusableBuild(root, { smoke: true, self: root }), join(root, 'dist/server/main.js'));
    // Measured figures stay on the benchmark's own tsc build (dist/'s protocol modules are vite's).
    assert.equal(reusableBuild(root, { smoke: false, self: root }), undefined);
    // A --baseline tree is compiled as before, built or not.
    assert.equal(reusableBuild(root, { smoke: true, self: join(root, 'other') }), undefined);
    touch('src/protocol/frames.ts', 10);
    assert.equal(reusableBuild(root, { smoke: true, self: root }), undefined, 'a source edited after the build');
  });
});
