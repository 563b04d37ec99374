/**
 * A bare protocol client for load generation: one `ws` socket speaking Natter's frames without
 * the SDK's stores, so the generator spends as little CPU per message as possible.
 * (The sync and render benchmarks use the real SDK; this is for the load around it.)
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';

export interface NatterSocket {
  ws: WebSocket;
  send(frame: Record<string, unknown>): void;
  /** Sends `count` text messages to `conversationId`, at most `window` unacked; resolves when all are acked. */
  sendMany(conversationId: string, count: number, window?: number, text?: (i: number) => string): Promise<void>;
  close(): void;
}

export interface NatterSocketHandlers {
  /** Every frame after `sync.done` (and before it, for `message.*`). */
  onFrame?(frame: Record<string, any>): void;
}

/** Opens a session and resolves once the server's catch-up is done (`sync.done`). */
export function openNatterSocket(wsUrl: string, token: string, handlers: NatterSocketHandlers = {}, cursors: Record<string, number> = {}): Promise<NatterSocket> {
  const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
  const acked = new Set<(id: string) => void>();
  return new Promise((resolve, reject) => {
    let ready = false;
    ws.once('error', reject);
    ws.once('close', (code, reason) => {
      if (!ready) reject(new Error(`closed before sync.done: ${code} ${reason}`));
    });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'session.open', protocol: PROTOCOL_VERSION, token, cursors })));
    ws.on('message', (data) => {
      const f = JSON.parse(String(data));
      if (f.type === 'message.ack') for (const cb of acked) cb(f.clientMsgId);
      else if (f.type === 'message.error') reject(new Error(`send failed: ${f.name} ${f.message}`));
      else if (f.type === 'error') reject(new Error(`server error: ${f.name} ${f.message}`));
      handlers.onFrame?.(f);
      if (f.type === 'sync.done' && !ready) {
        ready = true;
        resolve(socket);
      }
    });
    const socket: NatterSocket = {
      ws,
      send: (frame) => ws.send(JSON.stringify(frame)),
      sendMany(conversationId, count, window = 500, text = (i) => `message ${i}`) {
        return new Promise((done) => {
          let sent = 0;
          let acks = 0;
          const prefix = `bulk-${Math.random().toString(36).slice(2)}-`;
          const pump = () => {
            while (sent < count && sent - acks < window) {
              ws.send(JSON.stringify({ type: 'message.send', clientMsgId: prefix + sent, conversationId, elem: { type: 'text', text: text(sent) } }));
              sent++;
            }
          };
          const onAck = (id: string) => {
            if (!id.startsWith(prefix)) return;
            acks++;
            if (acks === count) {
              acked.delete(onAck);
              done();
            } else pump();
          };
          acked.add(onAck);
          pump();
        });
      },
      close: () => ws.close(),
    };
  });
}
