/**
 * Child process of the server benchmark: holds a share of the clients and sends at a share of
 * the offered rate. Each message's text carries its step and send time (epoch ms), so a
 * delivery can be timed in whichever process receives it. Messages from the parent:
 *   {type: 'connect', kind, url, clients}   -> {type: 'connected'}
 *   {type: 'step', step, rate, seconds, p2pShare, group} -> (sends for `seconds`) {type: 'sent'}
 *   {type: 'progress'}                      -> {type: 'progress', delivered, expected}
 *   {type: 'report'}                        -> {type: 'report', ...counts, acks, deliveries, cpu}
 */
import WebSocket from 'ws';
import type { Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { openSocketIo } from './socketio-peer.js';
import { pool } from './natter-server.js';

export interface LoadClient {
  user: string;
  token?: string;
  group: string;
  /** The other side of this user's 1:1 conversation. */
  peer: string;
}

interface Sender {
  sendGroup(id: string, text: string): void;
  sendPair(id: string, text: string): void;
}

const now = () => performance.timeOrigin + performance.now();
let step = -1;
let stepTag = '';
let acks: number[] = [];
let deliveries: number[] = [];
let delivered = 0;
let expected = 0;
let sent = 0;
const sentAt = new Map<string, number>();
const senders: Sender[] = [];

function onAck(id: string): void {
  const t = sentAt.get(id);
  if (t === undefined) return;
  sentAt.delete(id);
  acks.push(now() - t);
}

function onDeliver(text: string): void {
  // text = `<stepTag> <sendTime> …`
  if (!text.startsWith(stepTag)) return;
  delivered++;
  deliveries.push(now() - Number(text.slice(stepTag.length, text.indexOf(' ', stepTag.length))));
}

function connectNatter(url: string, c: LoadClient): Promise<Sender> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'session.open', protocol: PROTOCOL_VERSION, token: c.token, cursors: {} })));
    ws.on('message', (data) => {
      const f = JSON.parse(String(data));
      if (f.type === 'message.ack') onAck(f.clientMsgId);
      else if (f.type === 'message.new') {
        if (f.message.sender !== c.user && f.message.elem.type === 'text') onDeliver(f.message.elem.text);
      } else if (f.type === 'sync.done') {
        const send = (conversationId: string, id: string, text: string) =>
          ws.send(JSON.stringify({ type: 'message.send', clientMsgId: id, conversationId, elem: { type: 'text', text } }));
        resolve({ sendGroup: (id, text) => send(`group:${c.group}`, id, text), sendPair: (id, text) => send(`p2p:${c.peer}`, id, text) });
      } else if (f.type === 'message.error' || f.type === 'error') console.error(`natter error: ${f.name} ${f.message}`);
    });
  });
}

async function connectSocketIo(url: string, c: LoadClient): Promise<Sender> {
  const pair = [c.user, c.peer].sort().join('-');
  const socket: Socket = await openSocketIo(url, { user: c.user, rooms: [c.group, pair] }, (m) => onDeliver(m.text));
  const send = (room: string, id: string, text: string) => socket.emit('chat message', { room, text, clientOffset: id }, () => onAck(id));
  return { sendGroup: (id, text) => send(c.group, id, text), sendPair: (id, text) => send(pair, id, text) };
}

const idTail = `${process.pid.toString(16)}${Math.random().toString(16).slice(2)}`.padEnd(20, '0').slice(0, 12);
let idCount = 0;
/**
 * A clientMsgId of the form the Natter client makes (src/client/identity.ts): 32 hex characters,
 * the time in milliseconds first. Here the 80 bits after it are unique per generator process
 * and send rather than random, which costs the generator less; every server gets the same ids.
 */
function clientMsgId(): string {
  return Date.now().toString(16).padStart(12, '0') + idTail + (idCount++).toString(16).padStart(8, '0');
}

async function runStep(rate: number, seconds: number, p2pShare: number, group: number): Promise<void> {
  const start = performance.now();
  let k = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - start) / 1000;
      const due = Math.min(Math.round(rate * seconds), Math.floor(rate * elapsed));
      while (sent < due) {
        const id = clientMsgId();
        const text = `${stepTag}${now()} hello`;
        const sender = senders[k % senders.length]!;
        // Every 1/p2pShare-th send goes to the 1:1 conversation, the rest to the group.
        const toPair = Math.floor((k + 1) * p2pShare) > Math.floor(k * p2pShare);
        sentAt.set(id, now());
        if (toPair) sender.sendPair(id, text);
        else sender.sendGroup(id, text);
        expected += toPair ? 1 : group - 1;
        sent++;
        k++;
      }
      if (elapsed >= seconds) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
}

let cpu0 = process.cpuUsage();
let t0 = performance.now();

process.on('message', async (msg: any) => {
  switch (msg.type) {
    case 'connect': {
      await pool(msg.clients as LoadClient[], 20, async (c) => {
        senders.push(await (msg.kind === 'natter' ? connectNatter(msg.url, c) : connectSocketIo(msg.url, c)));
      });
      process.send!({ type: 'connected' });
      return;
    }
    case 'step':
      step = msg.step;
      stepTag = `s${step}:`;
      acks = [];
      deliveries = [];
      delivered = expected = sent = 0;
      sentAt.clear();
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      await runStep(msg.rate, msg.seconds, msg.p2pShare, msg.group);
      process.send!({ type: 'sent', sent, window: (performance.now() - t0) / 1000 });
      return;
    case 'progress':
      process.send!({ type: 'progress', delivered, expected });
      return;
    case 'report': {
      const cpu = process.cpuUsage(cpu0);
      const elapsed = (performance.now() - t0) / 1000;
      process.send!({
        type: 'report', sent, delivered, expected, elapsed,
        acks: Float64Array.from(acks), deliveries: Float64Array.from(deliveries),
        cpuPercent: ((cpu.user + cpu.system) / 1e6 / elapsed) * 100,
      });
      return;
    }
  }
});
process.on('disconnect', () => process.exit(0));
