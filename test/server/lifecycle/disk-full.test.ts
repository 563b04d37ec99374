import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { ChatError } from '../../../src/protocol/index.js';
import { createChatClient, createMemoryStorage, type ChatClient } from '../../../src/client/index.js';
import { createUsers, startServer, type TestServer } from '../helpers/test-server.js';

/**
 * A real full disk: a small tmpfs mounted for the test (needs root or CAP_SYS_ADMIN, as in this
 * project's test containers), filled to the last byte by a filler file that the test deletes to
 * give the space back.
 */
function smallDisk(bytes: number): { dir: string; fill(): void; free(): void; unmount(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'natter-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`disk-full tests mount a tmpfs: run them as root (or with CAP_SYS_ADMIN). ${String(err)}`);
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (let size = chunk.length; size >= 1; ) {
          try {
            writeSync(fd, chunk, 0, size);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
            size = Math.floor(size / 2);
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Files under `dir` (none when it does not exist). */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the SQLite store on a full disk', () => {
  let disk: ReturnType<typeof smallDisk>;
  let t: TestServer;
  let alice: ChatClient;
  before(async () => {
    disk = smallDisk(8 * 1024 * 1024);
    t = await startServer({ dataDir: disk.dir, sendsPerMinute: 100_000 });
    await createUsers(t, 'alice', 'bob');
    alice = createChatClient({ url: t.wsUrl, getToken: () => t.token('alice'), WebSocket, storage: createMemoryStorage(), backoff: { minDelayMs: 20, maxDelayMs: 200 } });
    await until('alice to sync', () => alice.$sync.get() === 'synced');
  });
  after(async () => {
    await alice?.close();
    await t?.stop(false);
    disk?.unmount();
  });

  it('refuses sends with UNAVAILABLE, keeps serving, keeps the message resendable, commits the resend once space is back, and loses nothing', async () => {
    const body = (i: number) => `${i} `.padEnd(7000, 'x');
    const acked: string[] = [];
    for (let i = 0; i < 20; i++) acked.push((await alice.send('p2p:bob', body(i))).clientMsgId);

    disk.fill();
    let refused: ChatError | undefined;
    for (let i = 20; i < 5000 && !refused; i++) {
      try {
        acked.push((await alice.send('p2p:bob', body(i))).clientMsgId);
      } catch (err) {
        refused = err as ChatError;
      }
    }
    assert.ok(refused, 'a send fails once the disk is full');
    assert.deepEqual([refused.name, refused.code], ['UNAVAILABLE', 9001]);
    const failed = alice.messages('p2p:bob').get().filter((m) => m.status === 'failed');
    assert.equal(failed.length, 1, 'the refused message stays in the thread, failed');

    // The server keeps serving: reads work and the committed messages are all there.
    const page = await t.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages?limit=1', undefined);
    assert.equal(page.status, 200);
    assert.equal(page.body.messages[0].clientMsgId, acked.at(-1));
    const bob = createChatClient({ url: t.wsUrl, getToken: () => t.token('bob'), WebSocket, storage: createMemoryStorage(), backoff: { minDelayMs: 20, maxDelayMs: 200 } });
    try {
      await until('bob to sync while the disk is full', () => bob.$sync.get() === 'synced');
      await bob.loadOlder('p2p:alice', 5);
      assert.equal(bob.messages('p2p:alice').get().at(-1)?.clientMsgId, acked.at(-1), 'bob reads the history while the disk is full');
    } finally {
      await bob.close();
    }

    // An upload to the same full disk fails cleanly too, leaving nothing behind.
    const upload = await rawUpload(t, await t.token('alice'), 256 * 1024);
    assert.deepEqual([upload.status, upload.body?.name], [503, 'UNAVAILABLE']);
    assert.deepEqual(filesUnder(join(disk.dir, 'uploads')), [], 'nothing of it is kept');

    disk.free();
    assert.equal((await rawUpload(t, await t.token('alice'), 256 * 1024)).status, 201);
    const resent = await alice.resend(failed[0]!.clientMsgId);
    assert.equal(resent.status, 'sent');
    acked.push(resent.clientMsgId);
    acked.push((await alice.send('p2p:bob', 'after the disk was freed')).clientMsgId);

    const db = new Database(join(disk.dir, 'natter.db'), { readonly: true });
    try {
      assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
      const stored = db.prepare("SELECT client_msg_id FROM messages WHERE sender = 'alice' ORDER BY seq").pluck().all();
      assert.deepEqual(stored, acked, 'every acked message is stored once, in order, the resend included');
    } finally {
      db.close();
    }
  });
});

/** Posts `size` bytes as one declared-length upload; resolves with the answer (the server may close while we write). */
function rawUpload(t: TestServer, token: string, size: number): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(`${t.url}/v1/uploads?conversationId=p2p:bob&name=big.bin`);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: {
      authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(size),
    } });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
      res.on('error', reject);
    });
    req.on('error', () => undefined);
    req.end(Buffer.alloc(size, 3));
  });
}

describe('uploads on a full disk', () => {
  let disk: ReturnType<typeof smallDisk>;
  let t: TestServer;
  before(async () => {
    disk = smallDisk(2 * 1024 * 1024);
    t = await startServer({ uploadDir: disk.dir });
    await createUsers(t, 'alice', 'bob');
  });
  after(async () => {
    await t?.stop();
    disk?.unmount();
  });

  it('fails an upload that does not fit with 503 UNAVAILABLE, leaves no partial file, and gives the space and quota back', async () => {
    const token = await t.token('alice');
    const res = await rawUpload(t, token, 3 * 1024 * 1024);
    assert.deepEqual([res.status, res.body?.name], [503, 'UNAVAILABLE']);
    assert.match(res.body.message, /storage is full/);
    assert.deepEqual(filesUnder(disk.dir), [], 'the partial file is removed');
    const fits = await rawUpload(t, token, 1024 * 1024);
    assert.equal(fits.status, 201);
  });
});
