/**
 * Child process of the connections benchmark: opens the idle connections it is given and holds
 * them. Several of these share the load so the generator is never the limit.
 * Messages from the parent: {type: 'open', kind, url, clients: [{user, token?, rooms}]}; answers
 * {type: 'opened', count, failed, ms}; {type: 'count'} answers {type: 'count', open}.
 */
import type WebSocket from 'ws';
import type { Socket } from 'socket.io-client';
import { openNatterSocket } from './natter-socket.js';
import { openSocketIo } from './socketio-peer.js';
import { pool } from './natter-server.js';

interface OpenRequest {
  type: 'open';
  kind: 'natter' | 'socketio';
  url: string;
  clients: { user: string; token?: string; rooms: string[] }[];
}

const natterSockets: WebSocket[] = [];
const ioSockets: Socket[] = [];

process.on('message', async (msg: OpenRequest | { type: 'count' }) => {
  if (msg.type === 'count') {
    const open = natterSockets.filter((w) => w.readyState === 1).length + ioSockets.filter((s) => s.connected).length;
    process.send!({ type: 'count', open });
    return;
  }
  const t0 = performance.now();
  let failed = 0;
  let firstError = '';
  await pool(msg.clients, 50, async (c) => {
    try {
      if (msg.kind === 'natter') natterSockets.push((await openNatterSocket(msg.url, c.token!)).ws);
      else ioSockets.push(await openSocketIo(msg.url, { user: c.user, rooms: c.rooms }));
    } catch (e) {
      failed++;
      firstError ||= String(e);
    }
  });
  process.send!({ type: 'opened', count: msg.clients.length - failed, failed, firstError, ms: performance.now() - t0 });
});
process.on('disconnect', () => process.exit(0));
