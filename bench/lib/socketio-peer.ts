/** Starts the Socket.IO peer server (bench/peers/socketio-server.ts) and connects clients to it. */
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { ROOT } from './bundle.js';
import { startPeer } from './spawn.js';

export interface PeerMessage {
  room: string;
  text: string;
  clientOffset: string;
  sender: string;
  id: number;
}

export interface SocketIoServer {
  port: number;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

export async function startSocketIoServer(options: { persist: boolean; sync?: 'FULL' | 'NORMAL' }): Promise<SocketIoServer> {
  const peer = await startPeer(join(ROOT, 'bench/peers/socketio-server.ts'), {
    PERSIST: options.persist ? '1' : '0',
    SYNC: options.sync ?? 'FULL',
  });
  return { ...peer, url: `http://127.0.0.1:${peer.port}` };
}

/** Connects one Socket.IO client (websocket transport only, as the tutorial's clients end up). */
export function openSocketIo(
  url: string,
  auth: { user: string; rooms: string[]; serverOffset?: number },
  onMessage?: (m: PeerMessage) => void,
): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
  if (onMessage) socket.on('chat message', onMessage);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Sends `count` messages to `room` with at most `window` unacked; resolves when all are acked. */
export function sendManySocketIo(socket: Socket, room: string, count: number, window = 500): Promise<void> {
  return new Promise((done, fail) => {
    let sent = 0;
    let acks = 0;
    const prefix = `bulk-${Math.random().toString(36).slice(2)}-`;
    const pump = () => {
      while (sent < count && sent - acks < window) {
        const i = sent++;
        socket.emit('chat message', { room, text: `message ${i}`, clientOffset: prefix + i }, (r: { error?: string }) => {
          if (r.error) return fail(new Error(r.error));
          if (++acks === count) done();
          else pump();
        });
      }
    };
    pump();
  });
}
