/**
 * Peer for the benchmarks: a Socket.IO 4 chat server doing the same fan-out with rooms,
 * persisting like the Socket.IO tutorial (https://socket.io/docs/v4/tutorial/step-7): one
 * INSERT per message with a UNIQUE client offset, ack after the insert, then emit to the room.
 * Recovery as in the tutorial's step 8: a client that connects with `auth.serverOffset` gets
 * every stored message after it (`SELECT … WHERE id > ?`), one emit each.
 *
 * SQLite runs through better-sqlite3 in WAL mode with synchronous=FULL by default, the setting
 * Natter's embedded store uses (a commit is on disk before the ack); `SYNC=NORMAL` relaxes it.
 * `PERSIST=0` drops the database to measure fan-out alone.
 * Clients join the rooms listed in `auth.rooms`; a message names its `room` (membership checked).
 * Run as a child process: prints `ready <port>` on stdout.
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Server } from 'socket.io';

const persist = process.env.PERSIST !== '0';
const dir = persist ? mkdtempSync(join(tmpdir(), 'sio-bench-')) : undefined;
const db = dir ? new Database(join(dir, 'chat.db')) : undefined;
db?.pragma('journal_mode = WAL');
db?.pragma(`synchronous = ${process.env.SYNC === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
db?.exec(`CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT, client_offset TEXT UNIQUE, room TEXT, sender TEXT, content TEXT)`);
const insert = db?.prepare('INSERT INTO messages (client_offset, room, sender, content) VALUES (?, ?, ?, ?)');
const since = db?.prepare('SELECT id, client_offset, room, sender, content FROM messages WHERE id > ?');

interface Row {
  id: number;
  client_offset: string;
  room: string;
  sender: string;
  content: string;
}

const http = createServer();
const io = new Server(http, { serveClient: false, transports: ['websocket'], perMessageDeflate: false });

io.on('connection', (socket) => {
  const user = String(socket.handshake.auth.user);
  const rooms: string[] = socket.handshake.auth.rooms ?? [];
  for (const room of rooms) socket.join(room);
  socket.on('chat message', (msg: { room: string; text: string; clientOffset: string }, ack: (r: unknown) => void) => {
    if (!socket.rooms.has(msg.room)) return ack({ error: 'not a member' });
    let id: number | bigint = 0;
    if (insert) {
      try {
        id = insert.run(msg.clientOffset, msg.room, user, msg.text).lastInsertRowid;
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return ack({ duplicate: true });
        return ack({ error: String(e) });
      }
    }
    socket.to(msg.room).emit('chat message', { ...msg, sender: user, id: Number(id) });
    ack({ id: Number(id) });
  });
  const offset = socket.handshake.auth.serverOffset;
  if (since && typeof offset === 'number') {
    for (const row of since.iterate(offset) as IterableIterator<Row>) {
      if (!socket.rooms.has(row.room)) continue;
      socket.emit('chat message', { room: row.room, text: row.content, clientOffset: row.client_offset, sender: row.sender, id: row.id });
    }
  }
});

http.listen(0, '127.0.0.1', () => {
  const addr = http.address();
  process.stdout.write(`ready ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
