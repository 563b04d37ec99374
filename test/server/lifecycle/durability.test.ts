/**
 * Durability of the embedded default: the real server (its build or `src/server/main.ts`, SQLite)
 * runs as a child process while several clients send without pause. Killed with SIGKILL mid-run
 * and restarted on the same data dir, it holds every acked message exactly once (seqs without
 * gaps), and resends of the unacked ones never duplicate. Stopped with SIGTERM, it drains: the
 * acks clients received equal the messages it stored.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { signUserToken } from '../../../src/server/core/auth.js';
import { freePort, spawnNode, waitForLine } from '../../../bench/lib/spawn.js';
import { serverMain } from '../helpers/server-main.js';

const SECRET = 'durability-secret-0123456789';
const ADMIN_KEY = 'durability-admin-key-0123456789';
const USERS = ['u0', 'u1', 'u2', 'u3'];
const WINDOW = 8;
const counts = { sent: 0, acked: 0, checked: 0, kills: 0, sigterms: 0, resent: 0 };
after(() =>
  console.log(`# durability: ${counts.sent} sends, ${counts.acked} acks, faults injected: ${counts.kills} SIGKILL + ${counts.sigterms} SIGTERM, ${counts.resent} unacked resent, ${counts.checked} stored messages checked`),
);

interface Node {
  child: ChildProcess;
  url: string;
  wsUrl: string;
}

async function startNode(dataDir: string): Promise<Node> {
  const port = await freePort();
  const { entry, nodeArgs } = serverMain();
  const child = spawnNode(entry, {
    PORT: String(port), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_SECRET: SECRET, NATTER_ADMIN_KEY: ADMIN_KEY,
    NATTER_SEND_RATE_PER_MINUTE: '1000000',
  }, nodeArgs);
  await waitForLine(child, /listening on/, 60_000);
  return { child, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws` };
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

/** One user sending to the next user in the ring, WINDOW sends in flight, until stopped. */
class Sender {
  readonly sent = new Map<string, string>();
  readonly acked = new Set<string>();
  readonly refused = new Map<string, string>();
  #n = 0;
  #inFlight = 0;
  #running = true;
  #ws!: WebSocket;

  constructor(readonly user: string, readonly to: string, readonly tag: string) {}

  async connect(wsUrl: string): Promise<void> {
    this.#ws = new WebSocket(wsUrl);
    const ws = this.#ws;
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.on('error', () => undefined);
    const synced = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        const f = JSON.parse(String(data)) as { type: string; clientMsgId?: string; name?: string };
        if (f.type === 'sync.done') resolve();
        if (f.type === 'message.ack' && f.clientMsgId && this.sent.has(f.clientMsgId)) {
          this.acked.add(f.clientMsgId);
          this.#inFlight--;
          this.#pump();
        } else if (f.type === 'message.error' && f.clientMsgId) {
          this.refused.set(f.clientMsgId, f.name ?? '');
          this.#inFlight--;
        }
      });
    });
    ws.send(JSON.stringify({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await signUserToken(new TextEncoder().encode(SECRET), this.user, { now: Date.now() }) }));
    await synced;
  }

  start(): void {
    this.#running = true;
    for (let i = 0; i < WINDOW; i++) this.#pump();
  }

  #pump(): void {
    if (!this.#running || this.#inFlight >= WINDOW || this.#ws.readyState !== WebSocket.OPEN) return;
    const clientMsgId = `${this.tag}${this.user}x${(this.#n++).toString().padStart(6, '0')}`;
    const text = `${this.user} ${clientMsgId}`;
    this.sent.set(clientMsgId, text);
    this.#inFlight++;
    counts.sent++;
    this.#ws.send(JSON.stringify({ type: 'message.send', clientMsgId, conversationId: `p2p:${this.to}`, elem: { type: 'text', text } }));
  }

  /** Sends again, with the same clientMsgId, every send that got no ack; resolves when all are acked. */
  async resendUnacked(): Promise<number> {
    const missing = [...this.sent].filter(([id]) => !this.acked.has(id));
    this.#running = false;
    await Promise.all(missing.map(([clientMsgId, text]) => new Promise<void>((resolve) => {
      const onMessage = (data: unknown) => {
        const f = JSON.parse(String(data)) as { type: string; clientMsgId?: string };
        if (f.type === 'message.ack' && f.clientMsgId === clientMsgId) {
          this.#ws.off('message', onMessage);
          resolve();
        }
      };
      this.#ws.on('message', onMessage);
      this.#ws.send(JSON.stringify({ type: 'message.send', clientMsgId, conversationId: `p2p:${this.to}`, elem: { type: 'text', text } }));
    })));
    return missing.length;
  }

  close(): void {
    this.#running = false;
    this.#ws.close();
  }
}

/** Every stored message of `user`'s conversation with `peer`, over REST, oldest first. */
async function stored(node: Node, user: string, peer: string): Promise<{ seq: number; clientMsgId?: string; sender: string }[]> {
  const all: { seq: number; clientMsgId?: string; sender: string }[] = [];
  let before: number | undefined;
  for (;;) {
    const res = await fetch(`${node.url}/v1/users/${user}/conversations/p2p:${peer}/messages?limit=200${before ? `&before=${before}` : ''}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    const page = (await res.json()) as { messages: { seq: number; clientMsgId?: string; sender: string }[]; fromSeq: number; hasMore: boolean };
    all.unshift(...page.messages);
    if (!page.hasMore) return all;
    before = page.fromSeq;
  }
}

async function until(predicate: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Checks each ring conversation: seqs 1..n once each, every clientMsgId at most once. */
async function storedBySender(node: Node): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < USERS.length; i++) {
    const [a, b] = [USERS[i]!, USERS[(i + 1) % USERS.length]!];
    const messages = await stored(node, a, b);
    assert.deepEqual(messages.map((m) => m.seq), messages.map((_, k) => k + 1), `${a}↔${b}: seqs without gaps`);
    for (const m of messages) {
      if (m.clientMsgId) seen.set(m.clientMsgId, (seen.get(m.clientMsgId) ?? 0) + 1);
    }
    counts.checked += messages.length;
  }
  return seen;
}

describe('durability (child process, embedded SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'natter-durability-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acked message exactly once across kill -9, and resends never duplicate', { timeout: 180_000 }, async () => {
    let node = await startNode(dataDir);
    const senders = USERS.map((u, i) => new Sender(u, USERS[(i + 1) % USERS.length]!, 'k'));
    await Promise.all(senders.map((s) => s.connect(node.wsUrl)));
    senders.forEach((s) => s.start());
    await until(() => senders.reduce((n, s) => n + s.acked.size, 0) >= 800, '800 acks');
    node.child.kill('SIGKILL');
    counts.kills++;
    await exited(node.child);
    const acked = senders.flatMap((s) => [...s.acked]);
    const sent = senders.flatMap((s) => [...s.sent.keys()]);
    counts.acked += acked.length;
    assert.ok(sent.length > acked.length, 'the kill came while sends were in flight');

    node = await startNode(dataDir);
    try {
      let seen = await storedBySender(node);
      for (const id of acked) assert.equal(seen.get(id), 1, `acked ${id} is stored once`);
      for (const id of sent) assert.ok((seen.get(id) ?? 0) <= 1, `${id} at most once`);
      // The clients resume: each unacked send goes again with its clientMsgId.
      await Promise.all(senders.map((s) => s.connect(node.wsUrl)));
      counts.resent += (await Promise.all(senders.map((s) => s.resendUnacked()))).reduce((a, b) => a + b, 0);
      seen = await storedBySender(node);
      for (const id of sent) assert.equal(seen.get(id), 1, `${id} stored exactly once after resending`);
      senders.forEach((s) => s.close());
    } finally {
      node.child.kill('SIGTERM');
      await exited(node.child);
    }
  });

  it('drains on SIGTERM: the acks clients received equal the messages stored, none twice', { timeout: 180_000 }, async () => {
    let node = await startNode(dataDir);
    const senders = USERS.map((u, i) => new Sender(u, USERS[(i + 1) % USERS.length]!, 't'));
    await Promise.all(senders.map((s) => s.connect(node.wsUrl)));
    const before = await storedBySender(node);
    senders.forEach((s) => s.start());
    await until(() => senders.reduce((n, s) => n + s.acked.size, 0) >= 800, '800 acks');
    node.child.kill('SIGTERM');
    counts.sigterms++;
    assert.equal(await exited(node.child), 0, 'a clean exit');
    const acked = new Set(senders.flatMap((s) => [...s.acked]));
    const sent = senders.flatMap((s) => [...s.sent.keys()]);
    counts.acked += acked.size;
    assert.ok(sent.length > acked.size, 'SIGTERM came while sends were in flight');
    for (const s of senders) for (const name of s.refused.values()) assert.equal(name, 'SHUTTING_DOWN');

    node = await startNode(dataDir);
    try {
      const after = await storedBySender(node);
      const storedNow = sent.filter((id) => after.has(id));
      assert.equal(storedNow.length, acked.size, 'messages stored == acks received');
      for (const id of acked) assert.equal(after.get(id), 1, `acked ${id} stored once`);
      assert.equal(after.size - before.size, acked.size);
    } finally {
      node.child.kill('SIGTERM');
      await exited(node.child);
    }
  });
});
