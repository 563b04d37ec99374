import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { firehose } from '../../bench/lib/firehose.js';

const FRAME = JSON.stringify({ type: 'ping', reqId: 'a000000' });
const MiB = 1 << 20;

describe('firehose writer (bench:flood --firehose, the abuse tests\' flooder)', () => {
  it('yields its event loop while the kernel still takes its frames, and keeps writing across turns until stopped', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    let received = 0;
    wss.on('connection', (s) => s.on('message', (d: Buffer) => (received += d.length)));
    const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: false });
    try {
      await once(ws, 'open');
      let written = 0;
      let stopped = false;
      let firstTurn: number | undefined;
      // Runs right after the writer's first turn: before, that turn wrote until 1 MiB was left
      // unsent, after the kernel's buffers (megabytes on loopback) had filled, the process
      // answering nothing meanwhile: the flood benchmark's attacker missed its parent's IPC for
      // tens of seconds on a loaded machine.
      setImmediate(() => (firstTurn = written));
      firehose(ws, () => ((written += FRAME.length), FRAME), () => stopped);
      const deadline = performance.now() + 60_000;
      while (received < 4 * MiB && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.ok(firstTurn! < MiB, `bytes written before the first yield: ${firstTurn}`);
      assert.ok(received >= 4 * MiB, `bytes the peer read in 60 s: ${received}`);
      stopped = true;
      await new Promise((r) => setImmediate(r));
      const after = written;
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(written, after, 'nothing written once stopped');
    } finally {
      ws.terminate();
      wss.close();
    }
  });
});
