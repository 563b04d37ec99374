/**
 * Floor peer for the server benchmark: the least a durable chat server can do, as issues 9 and
 * 23 describe it. A bare `ws` server that commits to SQLite once per event-loop turn (every send
 * read in the turn, one transaction, one fsync), serialises each message once for all its
 * recipients (the WebSocket frame, header included, is built once and the same bytes go to
 * every socket), and corks every socket it writes to during the commit's fan-out, so each
 * socket gets one `writev` per turn. No tokens, no frame validation, no cursors, no unread
 * counts, no read models: what Natter does on top of this is what the two rows' difference
 * costs. Natter's gateway writes the same way (src/server/ws/turn-writer.ts), so the floor is
 * never heavier than Natter at the socket.
 *
 * It speaks just enough of Natter's protocol for the same load generator: the client names
 * itself in the URL (`?user=u1&group=room0&peer=u0`), gets `sync.done` at once, sends
 * `message.send` frames (`group:<room>` or `p2p:<peer>`), and receives `message.ack` and
 * `message.new` (with the text elem). Ack after the commit, then fan-out, as Natter does.
 *
 * SQLite: better-sqlite3 in WAL mode, synchronous=FULL (durable before the ack), one table
 * with a UNIQUE client id (a resend is acked as a duplicate, not stored twice), on the event
 * loop's own connection. Run as a child process: prints `ready <port>` on stdout.
 *
 * `BARE_ROWS=natter` (the `bare-rows` target): the same server storing Natter's rows instead, with
 * Natter's own commit code on the event loop (`commitOnThisThread`, the writer thread's source):
 * Natter's schema, the message as Natter serialises it, a seq a conversation, the idempotency and
 * id indexes, a 1:1 chat's memberships, the search index's words. Everything else is the floor's.
 * What this row costs above the floor is the storage SPEC §2 asks for; what Natter costs above it,
 * the rest of Natter (tokens, checks, the writer thread's hand-over, read models, fan-out).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import Database from 'better-sqlite3';
import { WebSocketServer, type WebSocket } from 'ws';
import { textFrame } from '../../src/server/ws/turn-writer.js';
import { createSqliteStore } from '../../src/server/store/sqlite-store.js';
import { commitOnThisThread } from '../../src/server/store/sqlite-writer.js';
import { newMessageId } from '../../src/server/core/message-id.js';
import { groupKey, p2pKey } from '../../src/server/core/conversation-key.js';
import type { ConversationId } from '../../src/protocol/ids.js';

const dir = mkdtempSync(join(tmpdir(), 'bare-bench-'));
const file = join(dir, 'chat.db');
const natterRows = process.env.BARE_ROWS === 'natter';
// Natter's schema, made by its store (then closed: this connection commits with its code).
if (natterRows) await createSqliteStore(file).close();
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');

interface Client {
  ws: WebSocket;
  /** The TCP socket under `ws`: frames are written to it straight, corked for a turn's fan-out. */
  socket: Socket;
  user: string;
  rooms: Map<string, string>;
}
interface Send {
  from: Client;
  room: string;
  conversationId: string;
  clientMsgId: string;
  text: string;
}

const members = new Map<string, Set<Client>>();
let batch: Send[] = [];

type Commit = (sends: Send[]) => { id: number | string; duplicate: boolean }[];

function floorRows(): Commit {
  db.exec(`CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, client_id TEXT UNIQUE, room TEXT, sender TEXT, text TEXT)`);
  const insert = db.prepare('INSERT INTO messages (client_id, room, sender, text) VALUES (?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING RETURNING id').pluck();
  const existing = db.prepare('SELECT id FROM messages WHERE client_id = ?').pluck();
  return db.transaction((sends: Send[]) =>
    sends.map((s) => {
      const id = insert.get(s.clientMsgId, s.room, s.from.user, s.text) as number | undefined;
      return id === undefined ? { id: existing.get(s.clientMsgId) as number, duplicate: true } : { id, duplicate: false };
    }),
  );
}

/** Natter's rows, by Natter's commit: one transaction a turn, as the floor's. */
function natterRowsCommit(): Commit {
  const local = commitOnThisThread(db);
  return (sends) =>
    local
      .commit(sends.map((s) => ({
        key: s.room,
        type: s.room.startsWith('group:') ? 'group' as const : 'p2p' as const,
        message: {
          id: newMessageId(), conversationId: s.conversationId as ConversationId, seq: 0, clientMsgId: s.clientMsgId,
          sender: s.from.user, senderProfile: { name: s.from.user }, time: Date.now(), elem: { type: 'text' as const, text: s.text },
        },
      })))
      .map((o) => (o.status === 'conflict' ? { id: 0, duplicate: true } : { id: o.message.id, duplicate: o.status === 'duplicate' }));
}

const commit = natterRows ? natterRowsCommit() : floorRows();

/** Sockets corked during this flush; uncorked together at its end (one `writev` each). */
const corked = new Set<Socket>();

function write(c: Client, frame: Buffer): void {
  if (!c.socket.writable) return;
  if (!corked.has(c.socket)) {
    c.socket.cork();
    corked.add(c.socket);
  }
  c.socket.write(frame);
}

function flush(): void {
  const sends = batch;
  batch = [];
  const outcomes = commit(sends);
  sends.forEach((s, i) => {
    const { id, duplicate } = outcomes[i]!;
    write(s.from, textFrame(`{"type":"message.ack","clientMsgId":"${s.clientMsgId}","id":${JSON.stringify(id)}${duplicate ? ',"duplicate":true' : ''}}`));
    if (duplicate) return;
    // Serialised once for the whole room: every socket gets the same frame's bytes.
    const frame = textFrame(JSON.stringify({ type: 'message.new', message: { id, room: s.room, sender: s.from.user, elem: { type: 'text', text: s.text } } }));
    for (const c of members.get(s.room) ?? []) if (c !== s.from) write(c, frame);
  });
  for (const socket of corked) socket.uncork();
  corked.clear();
}

const http = createServer();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const q = new URL(req.url ?? '/', 'http://x').searchParams;
  const user = q.get('user')!;
  const peer = q.get('peer')!;
  const pair = [user, peer].sort().join('-');
  // conversationId as the client names it -> room
  const socket = (ws as unknown as { _socket: Socket })._socket;
  // The room a conversation is stored under: Natter's conversation keys for its rows.
  const rooms: [string, string][] = natterRows
    ? [[`group:${q.get('group')}`, groupKey(q.get('group')!)], [`p2p:${peer}`, p2pKey(user, peer)]]
    : [[`group:${q.get('group')}`, `g:${q.get('group')}`], [`p2p:${peer}`, `p:${pair}`]];
  const client: Client = { ws, socket, user, rooms: new Map(rooms) };
  for (const room of client.rooms.values()) {
    let set = members.get(room);
    if (!set) members.set(room, (set = new Set()));
    set.add(client);
  }
  ws.on('close', () => {
    for (const room of client.rooms.values()) members.get(room)?.delete(client);
  });
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as { type: string; clientMsgId: string; conversationId: string; elem: { text: string } };
    if (f.type !== 'message.send') return;
    const room = client.rooms.get(f.conversationId);
    if (!room) return ws.send(`{"type":"message.error","clientMsgId":"${f.clientMsgId}","name":"NOT_MEMBER"}`);
    if (batch.length === 0) setImmediate(flush);
    batch.push({ from: client, room, conversationId: f.conversationId, clientMsgId: f.clientMsgId, text: f.elem.text });
  });
  ws.send('{"type":"sync.done"}');
});

http.listen(0, '127.0.0.1', () => {
  const addr = http.address();
  process.stdout.write(`ready ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
