/**
 * Peer for the server benchmark: a Socket.IO 4 chat server doing the same fan-out with rooms,
 * persisting like the Socket.IO tutorial (https://socket.io/docs/v4/tutorial/step-7): one
 * INSERT per message with a UNIQUE client offset, ack after the insert, then emit to the room.
 * SQLite runs through better-sqlite3 in WAL mode with synchronous=NORMAL, the same durability
 * setting Natter uses. `PERSIST=0` drops the database to measure fan-out alone.
 * Run as a child process: prints `ready <port>` on stdout.
 */
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Server } from 'socket.io';

const persist = process.env.PERSIST !== '0';
const db = persist ? new Database(join(mkdtempSync(join(tmpdir(), 'sio-bench-')), 'chat.db')) : undefined;
db?.pragma('journal_mode = WAL');
db?.pragma('synchronous = NORMAL');
db?.exec(`CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT, client_offset TEXT UNIQUE, room TEXT, sender TEXT, content TEXT)`);
const insert = db?.prepare('INSERT INTO messages (client_offset, room, sender, content) VALUES (?, ?, ?, ?)');

const http = createServer();
const io = new Server(http, { serveClient: false, transports: ['websocket'] });

io.on('connection', (socket) => {
  const user = String(socket.handshake.auth.user);
  const room = String(socket.handshake.auth.room);
  socket.join(room);
  socket.on('chat message', (msg: { text: string; clientOffset: string; t: number }, ack: (r: unknown) => void) => {
    let id: number | bigint = 0;
    if (insert) {
      try {
        id = insert.run(msg.clientOffset, room, user, msg.text).lastInsertRowid;
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return ack({ duplicate: true });
        return ack({ error: String(e) });
      }
    }
    socket.to(room).emit('chat message', { ...msg, sender: user, id: Number(id) });
    ack({ id: Number(id) });
  });
});

http.listen(0, '127.0.0.1', () => {
  const addr = http.address();
  process.stdout.write(`ready ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));
