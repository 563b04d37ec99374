/**
 * Failover: 3 natter-server processes over the real PostgreSQL (a fresh schema) and Redis (a
 * random prefix) behind a real nginx (round robin, no sticky sessions). 50 devices of the real
 * client SDK send 1:1 and group messages continuously for 30 s while one node at a time is
 * killed with SIGKILL and restarted; they also react to and edit group messages (SPEC §9). Every
 * device must end holding every acked message of its conversations exactly once, in seq order,
 * showing every change as the server has it, and PostgreSQL must hold each send and each change
 * exactly once. Files too live on no node's disk: a file uploaded on the first node just before
 * its SIGKILL is fetched whole and by ranges from the other two while it is down (and from all
 * three at the end), and an upload cut off by that SIGKILL never becomes a file.
 *
 *   CLUSTER_RUN_MS (30000), CLUSTER_KILL_EVERY_MS (6000) and CLUSTER_SETTLE_MS (90000, the
 *   deadline for every device to hold everything once sending stopped) tune the run.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { test } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import { createChatClient, createMemoryStorage, type ChatClient, type ChatMessage } from '../../src/client/index.js';
import type { ConversationId, Message } from '../../src/protocol/index.js';
import { signUserToken } from '../../src/server/core/auth.js';
import { dropRedisKeys, freshSchema, REDIS_URL, requirePostgres, requireRedis, uniqueName } from '../server/helpers/services.js';
import { requireNginx, startLocalCluster, type LocalCluster } from './lib/local-cluster.js';

await requirePostgres();
await requireRedis();
requireNginx();

const SECRET = 'cluster-secret-0123456789abcdef';
const ADMIN_KEY = 'cluster-admin-key-0123456789';
const USERS = 25;
const DEVICES_PER_USER = 2;
const GROUP_SIZE = 5;
const RUN_MS = Number(process.env['CLUSTER_RUN_MS'] ?? 30_000);
const KILL_EVERY_MS = Number(process.env['CLUSTER_KILL_EVERY_MS'] ?? 6_000);

const user = (i: number) => `u${String(i).padStart(2, '0')}`;
const groupOf = (i: number) => Math.floor(i / GROUP_SIZE);

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('3 nodes behind nginx: 50 devices keep every acked message exactly once in seq order while nodes are SIGKILLed and restarted', { timeout: 300_000 }, async () => {
  const db = await freshSchema();
  const redisPrefix = `${uniqueName('natter_test')}:`;
  let cluster: LocalCluster | undefined;
  let passed = false;
  const devices: { user: string; index: number; client: ChatClient; events: Map<string, number[]>; storage: ReturnType<typeof createMemoryStorage> }[] = [];
  try {
    cluster = await startLocalCluster({
      nodes: 3,
      env: {
        NATTER_SECRET: SECRET, NATTER_ADMIN_KEY: ADMIN_KEY, NATTER_DATABASE_URL: db.url, NATTER_REDIS_URL: REDIS_URL,
        NATTER_REDIS_PREFIX: redisPrefix, NATTER_SEND_RATE_PER_MINUTE: '1000000',
      },
    });
    const lb = cluster;
    const rest = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(lb.url + path, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      assert.ok(res.ok, `${method} ${path} -> ${res.status}`);
      return res.json() as Promise<unknown>;
    };
    for (let i = 0; i < USERS; i++) await rest('PUT', `/v1/users/${user(i)}`, { name: user(i) });
    for (let g = 0; g * GROUP_SIZE < USERS; g++) {
      const members = Array.from({ length: GROUP_SIZE }, (_, k) => user(g * GROUP_SIZE + k));
      await rest('POST', '/v1/groups', { id: `g${g}`, name: `Group ${g}`, members });
    }

    const secret = new TextEncoder().encode(SECRET);
    for (let i = 0; i < USERS; i++) {
      for (let d = 0; d < DEVICES_PER_USER; d++) {
        const storage = createMemoryStorage();
        const client = createChatClient({
          url: lb.wsUrl,
          getToken: () => signUserToken(secret, user(i), { now: Date.now() }),
          WebSocket,
          storage,
          backoff: { minDelayMs: 100, maxDelayMs: 2000 },
        });
        const events = new Map<string, number[]>();
        client.addEventListener('message', (e) => {
          const m = (e as CustomEvent<ChatMessage>).detail;
          if (m.seq > 0) (events.get(m.conversationId) ?? events.set(m.conversationId, []).get(m.conversationId)!).push(m.seq);
        });
        devices.push({ user: user(i), index: i, client, events, storage });
      }
    }
    await until(() => devices.every((d) => d.client.$sync.get() === 'synced'), 'every device to sync', 60_000);
    // Round robin without stickiness spreads the devices over all three nodes.
    const perNode = await Promise.all(lb.nodes.map((n) => sessions(n.url)));
    assert.ok(perNode.every((n) => n > 0), `sessions per node: ${perNode.join('/')}`);

    const files = crossNodeFiles(secret, db.url);

    // Senders: every device, continuously, to its group or a peer of its group.
    const sent = new Map<string, string>(); // clientMsgId -> canonical conversation
    const canonical = (me: string, id: ConversationId) => (id.startsWith('group:') ? id : `p2p:${[me, id.slice(4)].sort().join('|')}`);
    // Sends whose own send() promise resolved: acked within the client's ack timeout (10 s), a
    // resend after a reconnect included. The others failed (TIMEOUT) and went again from the outbox.
    let ackedInTime = 0;
    let changes = 0;
    let sending = true;
    const senders = devices.map(async (device, di) => {
      const peers = Array.from({ length: GROUP_SIZE }, (_, k) => user(groupOf(device.index) * GROUP_SIZE + k)).filter((u) => u !== device.user);
      const mine = new Set<string>();
      for (let i = 0; sending; i++) {
        const to: ConversationId = Math.random() < 0.5 ? `group:g${groupOf(device.index)}` : `p2p:${peers[Math.floor(Math.random() * peers.length)]}`;
        const text = `d${di} m${i}`;
        // Failures stay in the outbox and are sent again on reconnect; the end state is checked.
        device.client.send(to, text).then(() => ackedInTime++, () => undefined);
        const find = () => device.client.messages(to).get().find((m) => m.elem.type === 'text' && m.elem.text === text);
        await until(() => find() !== undefined, 'a send to show in its thread', 10_000).catch((err: unknown) => {
          const all = device.client.messages(to).get();
          console.error(`device ${di} -> ${to}: ${text} not shown; ${device.client.$connection.get()}/${device.client.$sync.get()}; last: ${all.slice(-4).map((m) => `${m.seq}:${m.status}:${m.elem.type === 'text' ? m.elem.text : m.elem.type}`).join(' | ')}`);
          throw err;
        });
        sent.set(find()!.clientMsgId, canonical(device.user, to));
        mine.add(find()!.clientMsgId);
        // A change now and then: a reaction toggled on any held group message, or an edit of one
        // this device sent and found already (the user's other device must not rename a message
        // this one is still looking for by its text).
        if (Math.random() < 0.3) {
          const g = `group:g${groupOf(device.index)}` as ConversationId;
          const held = device.client.messages(g).get().filter((m) => m.status === 'sent' && m.elem.type === 'text');
          const m = held[Math.floor(Math.random() * held.length)];
          if (m) {
            changes++;
            const change = mine.has(m.clientMsgId) && Math.random() < 0.3
              ? device.client.edit(g, m.id, `${text} edited ${changes}`)
              : device.client.react(g, m.id, ['👍', '🎉', '❤️'][Math.floor(Math.random() * 3)]!, Math.random() < 0.7);
            change.catch(() => undefined); // retried by the outbox; the end state is checked
          }
        }
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 400));
      }
    });

    // Chaos: one node at a time, SIGKILL then restart, until the run is over — and at least once
    // per node: on a loaded machine a restart can take most of an interval, so the run stretches
    // past RUN_MS rather than kill fewer nodes.
    let kills = 0;
    const started = Date.now();
    for (let n = 0; kills < lb.nodes.length || Date.now() - started + KILL_EVERY_MS <= RUN_MS; n = (n + 1) % lb.nodes.length) {
      await new Promise((r) => setTimeout(r, Math.max(0, started + (kills + 1) * KILL_EVERY_MS - Date.now())));
      // The first node killed gets a whole upload and one still streaming in just before.
      const uploading = kills === 0 ? await files.beforeKill(lb.nodes[n]!.url) : undefined;
      await lb.nodes[n]!.kill();
      if (uploading) await files.whileDown(uploading, lb.nodes.filter((_, i) => i !== n).map((node) => node.url).concat(lb.url));
      kills++;
      await lb.nodes[n]!.start();
    }
    await new Promise((r) => setTimeout(r, Math.max(0, started + RUN_MS - Date.now())));
    sending = false;
    await Promise.all(senders);
    const runSeconds = (Date.now() - started) / 1000;
    assert.ok(kills >= lb.nodes.length, `only ${kills} kills`);

    // Settle: every send acked (outboxes empty), every device holding every message.
    await until(() => devices.every((d) => allOwnSent(d.client)), 'every send to be acknowledged', 90_000).catch(async (err: unknown) => {
      for (const [i, d] of devices.entries()) {
        const stuck = d.client.$conversations.get().flatMap((c) => d.client.messages(c.id).get().filter((m) => m.status !== 'sent'));
        if (stuck.length > 0) console.error(`device ${i} (${d.user}): ${d.client.$connection.get()}/${d.client.$sync.get()}, unsent ${stuck.map((m) => `${m.conversationId} ${m.status} ${m.error?.name ?? ''}`).join('; ')}, outbox ${(await d.storage.loadOutbox()).map((e) => `${e.change ? e.change.change.kind : 'send'}:${e.state}:${e.error?.name ?? ''}`).join(',')}`);
      }
      throw err;
    });
    const expected = new Map<string, Set<string>>();
    for (const [cmid, conv] of sent) (expected.get(conv) ?? expected.set(conv, new Set()).get(conv)!).add(cmid);
    const viewsOf = (d: (typeof devices)[number]): ConversationId[] => {
      const peers = Array.from({ length: GROUP_SIZE }, (_, k) => user(groupOf(d.index) * GROUP_SIZE + k)).filter((u) => u !== d.user);
      return [`group:g${groupOf(d.index)}`, ...peers.map((p) => `p2p:${p}` as ConversationId)];
    };
    const want = (d: (typeof devices)[number], id: ConversationId) => expected.get(canonical(d.user, id)) ?? new Set<string>();
    await until(
      () => devices.every((d) => viewsOf(d).every((id) => committed(d.client, id).length === want(d, id).size)),
      'every device to hold every message',
      Number(process.env['CLUSTER_SETTLE_MS'] ?? 90_000),
    ).catch((err: unknown) => {
      for (const [i, d] of devices.entries()) {
        for (const id of viewsOf(d)) {
          const have = committed(d.client, id).length;
          if (have !== want(d, id).size) {
            const seqs = committed(d.client, id).map((m) => m.seq);
            const all = d.client.messages(id).get();
            const missing = [...want(d, id)].filter((cm) => !all.some((m) => m.clientMsgId === cm)).length;
            console.error(`device ${i} (${d.user}) ${id}: holds ${have}/${want(d, id).size}, ${d.client.$connection.get()}/${d.client.$sync.get()}, seqs ${ranges(seqs)}, statuses ${[...new Set(all.map((m) => m.status))]}, absent ${missing}`);
          }
        }
      }
      throw err;
    });

    for (const d of devices) {
      for (const id of viewsOf(d)) {
        const msgs = committed(d.client, id);
        const seqs = msgs.map((m) => m.seq);
        assert.deepEqual(new Set(msgs.map((m) => m.clientMsgId)), want(d, id), `${d.user} ${id}: exactly the sent messages`);
        assert.equal(new Set(seqs).size, seqs.length, `${d.user} ${id}: no duplicate seq`);
        // Nothing is hidden, so 1:1 seqs are gapless; a group's changes take seqs of their own.
        if (id.startsWith('p2p:')) assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `${d.user} ${id}: gapless, in seq order`);
        else assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${d.user} ${id}: in seq order`);
        const ev = d.events.get(id) ?? [];
        assert.deepEqual(ev, [...ev].sort((a, b) => a - b), `${d.user} ${id}: message events in seq order`);
        assert.equal(new Set(ev).size, ev.length, `${d.user} ${id}: each message event once`);
      }
    }

    // Every change committed (outboxes empty), and every device shows each group as the server pages it.
    await until(async () => (await Promise.all(devices.map((d) => d.storage.loadOutbox()))).every((o) => o.length === 0), 'every change to be committed', 90_000);
    const shape = (m: Message) => ({ id: m.id, elem: m.elem, edited: m.edited, reactions: (m.reactions ?? []).map((r) => [r.emoji, r.count, r.me === true]).sort() });
    const serverShapes = async (u: string, g: ConversationId) => {
      // Straight to a node (every node serves the same data), page by page back to the start.
      const messages: Message[] = [];
      for (let before: number | undefined; ;) {
        const res = await fetch(`${lb.nodes[0]!.url}/v1/users/${u}/conversations/${g}/messages?limit=200${before === undefined ? '' : `&before=${before}`}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        assert.ok(res.ok, `history of ${u} ${g}: HTTP ${res.status}`);
        const page = (await res.json()) as { messages: Message[]; hasMore: boolean; fromSeq: number };
        messages.unshift(...page.messages);
        if (!page.hasMore) break;
        before = page.fromSeq;
      }
      return JSON.stringify(messages.filter((m) => m.elem.type === 'text').map(shape));
    };
    await until(async () => {
      for (const d of devices) {
        const g = `group:g${groupOf(d.index)}` as ConversationId;
        if (JSON.stringify(committed(d.client, g).map(shape)) !== (await serverShapes(d.user, g))) return false;
      }
      return true;
    }, 'every device to show every change as the server has it', 60_000);

    // Every node, the restarted uploader too, serves the file; the cut-off upload left no file.
    await files.atEnd(lb.nodes.map((node) => node.url));

    // PostgreSQL holds each send and each change exactly once, and the one uploaded file.
    // Read first, then checked: a client left open on a failed check kept the file's process alive.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    // One query at a time: a pg client queues concurrent ones, which pg deprecates (gone in pg 9).
    const read = async () => [
      await c.query<{ key: string; size: string }>('SELECT key, size FROM natter_file_blobs'),
      await c.query('SELECT 1 FROM natter_file_uploads'),
      Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM natter_file_chunks JOIN natter_file_uploads USING (upload)')).rows[0]!.n),
      await c.query<{ client_msg_id: string; n: string }>(
        `SELECT client_msg_id, count(*) AS n FROM messages WHERE sender <> 'system' AND body::jsonb->'elem'->>'type' <> 'change' GROUP BY sender, client_msg_id`,
      ),
      await c.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE body::jsonb->'elem'->>'type' = 'change' GROUP BY sender, client_msg_id`),
    ] as const;
    const [blobs, uploads, cutChunks, { rows }, { rows: changeRows }] = await read().finally(() => c.end());
    assert.deepEqual(blobs.rows, [{ key: files.uploaded()!.id, size: String(files.bytes.length) }], 'the whole upload is stored, the cut-off one is not');
    assert.equal(uploads.rowCount, 1, 'the cut-off upload waits for the sweep');
    assert.ok(cutChunks >= 1, 'its first chunks were stored as they streamed in, before the kill');
    assert.equal(rows.length, sent.size, 'every send stored');
    assert.ok(rows.every((r) => Number(r.n) === 1 && sent.has(r.client_msg_id)), 'each send stored once, and nothing else');
    assert.equal(changeRows.length, changes, 'every change stored');
    assert.ok(changeRows.every((r) => Number(r.n) === 1), 'each change stored once');

    console.log(
      `cluster failover: ${devices.length} clients (${USERS} users x ${DEVICES_PER_USER} devices) over 3 nodes behind nginx, ` +
        `sessions per node at start ${perNode.join('/')}; ${sent.size} messages sent in ${runSeconds.toFixed(1)} s, ` +
        `${ackedInTime} acked within the ack timeout (resolved by their send()), all ${sent.size} acked in the end; ${changes} changes (reactions, edits), each stored once and shown alike on every device; ${kills} SIGKILLs with restart; every device checked; ` +
        `a ${files.bytes.length}-byte upload to the first node killed served whole and by ranges by the other nodes while it was down`,
    );
    passed = true;
  } finally {
    await Promise.all(devices.map((d) => d.client.close()));
    // Failed: keeps nginx's error.log and prints its tail.
    await cluster?.stop(!passed);
    await db.drop();
    await dropRedisKeys(redisPrefix);
  }
});

/**
 * The cross-node upload: `beforeKill` uploads a file (several 256 KiB chunks) to a node and
 * starts a second upload there that is still streaming when the node is killed; `whileDown`
 * fetches the file, whole and by ranges (across a chunk boundary, a suffix), from the other
 * nodes and through nginx, each with a ticket that node issues; `atEnd` does so on every node.
 */
function crossNodeFiles(secret: Uint8Array, databaseUrl: string) {
  const owner = user(0);
  const bytes = randomBytes(3 * 256 * 1024 + 4321);
  let uploaded: { id: string; url: string } | undefined;
  const token = () => signUserToken(secret, owner, { now: Date.now() });
  const path = '/v1/uploads?conversationId=group:g0&name=photo.png';

  const fetchAll = async (nodeUrls: string[]) => {
    const f = uploaded!;
    for (const nodeUrl of nodeUrls) {
      const asked = await fetch(`${nodeUrl}/v1/files/ticket?file=${f.id}`, { headers: { authorization: `Bearer ${await token()}` } });
      assert.equal(asked.status, 200, `a ticket from ${nodeUrl}`);
      const fileUrl = `${nodeUrl}${new URL(f.url).pathname}?ticket=${encodeURIComponent(((await asked.json()) as { ticket: string }).ticket)}`;
      const whole = await fetch(fileUrl);
      assert.equal(whole.status, 200, `the file from ${nodeUrl}`);
      assert.ok(Buffer.from(await whole.arrayBuffer()).equals(bytes), `the file's bytes from ${nodeUrl}`);
      for (const [range, start, end] of [['bytes=262000-262999', 262000, 262999], [`bytes=-5000`, bytes.length - 5000, bytes.length - 1]] as const) {
        const part = await fetch(fileUrl, { headers: { range } });
        assert.equal(part.status, 206, `${range} from ${nodeUrl}`);
        assert.equal(part.headers.get('content-range'), `bytes ${start}-${end}/${bytes.length}`);
        assert.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(start, end + 1)), `${range} bytes from ${nodeUrl}`);
      }
    }
  };

  return {
    bytes,
    uploaded: () => uploaded,
    async beforeKill(nodeUrl: string): Promise<{ cut: Promise<unknown> }> {
      const res = await fetch(`${nodeUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${await token()}`, 'content-type': 'image/png' }, body: bytes });
      assert.equal(res.status, 201, `upload to ${nodeUrl}: ${res.status}`);
      uploaded = (await res.json()) as { id: string; url: string };
      // A second upload, declared larger than what is sent: its first chunks are stored when the node dies.
      const u = new URL(nodeUrl + path);
      const tok = await token();
      const cut = new Promise<unknown>((resolve) => {
        const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'image/png', 'content-length': String(4 * 1024 * 1024) } });
        req.on('error', resolve);
        req.on('response', (r) => resolve(new Error(`the cut-off upload was answered ${r.statusCode}`)));
        req.write(randomBytes(600 * 1024));
      });
      // The node stores as it reads: the kill comes once its first chunk is in PostgreSQL (a fixed
      // 1.5 s was not always enough on a loaded machine: the upload's row was not there yet).
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        const stored = async () => Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM natter_file_chunks JOIN natter_file_uploads USING (upload)')).rows[0]!.n);
        await until(async () => (await stored()) >= 1, "the cut-off upload's first chunk to be stored", 30_000);
      } finally {
        await c.end();
      }
      return { cut };
    },
    async whileDown(uploading: { cut: Promise<unknown> }, otherUrls: string[]) {
      const outcome = (await uploading.cut) as NodeJS.ErrnoException;
      assert.ok(outcome.code === 'ECONNRESET' || outcome.code === 'EPIPE', `the cut-off upload failed with the connection: ${outcome.message}`);
      await fetchAll(otherUrls);
    },
    atEnd: fetchAll,
  };
}

async function sessions(nodeUrl: string): Promise<number> {
  const body = await fetch(`${nodeUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }).then((r) => r.text());
  return Number(/^natter_sessions (\d+)/m.exec(body)?.[1] ?? NaN);
}

/** Committed user messages (the group's creation notice is left out). */
function committed(client: ChatClient, id: ConversationId): ChatMessage[] {
  return client.messages(id).get().filter((m) => m.status === 'sent' && m.elem.type !== 'system');
}

function allOwnSent(client: ChatClient): boolean {
  return client.$conversations.get().every((c) => client.messages(c.id).get().every((m) => m.status === 'sent'));
}

function ranges(seqs: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < seqs.length; i++) {
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1] === seqs[j]! + 1) j++;
    out.push(i === j ? `${seqs[i]}` : `${seqs[i]}-${seqs[j]}`);
    i = j;
  }
  return out.join(',');
}
