/**
 * Child process of the server benchmark: holds a share of the clients and sends at a share of
 * the offered rate. Each message's text carries its step and send time (epoch ms), so a
 * delivery can be timed in whichever process receives it. Messages from the parent:
 *   {type: 'connect', kind, url, clients}   -> {type: 'connected'}   (kind: natter, bare, socketio)
 *   {type: 'step', step, rate, seconds, p2pShare, group, changeShare?, tickMs?} -> (sends for `seconds`) {type: 'sent'}
 *
 * With `changeShare` (Natter only), that share of the operations are changes to the sender's
 * latest acked message instead of sends, half reactions (👍 on, then off) and half edits. A
 * change's id carries its step and send time (`c<step>x<ms>x…`); every member's device gets its
 * event (the sender's too), counted as a delivery like a message.
 *   {type: 'progress'}                      -> {type: 'progress', delivered, expected}
 *   {type: 'report'}                        -> {type: 'report', ...counts, acks, deliveries, cpu, loopDelayP99}
 *
 * The generator shares the machine with the server it measures, so it spends as little as it
 * can per frame, the same way for every server: one `ws` socket per client (the library the
 * servers use too), frames written as strings, and the two hot frames it receives (the ack of
 * its own send, another client's message) read by position, not parsed: the ack's id and the
 * text's send time are all it needs. Every other frame is parsed. For Socket.IO the client
 * speaks Engine.IO 4 / Socket.IO 5 packets itself (`42[...]` events, `43<n>[...]` acks,
 * ping/pong), the same wire frames socket.io-client sends, without its per-packet parser.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
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
  /** A change to this client's latest acked message (Natter); how many devices get its event, or 0 when none is acked yet. */
  change?(changeId: string, edit: boolean, text: string): number;
}

const now = () => performance.timeOrigin + performance.now();
let step = -1;
let stepTag = '';
let stepTagBytes = Buffer.alloc(0);
let changeTagBytes = Buffer.from('"clientMsgId":"c-x');
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

const TEXT_KEY = Buffer.from('"text":"');

/**
 * Counts a delivery whose frame holds `"text":"<stepTag><sendTime> …"` (the first "text" key of
 * either server's message frame is the message's: nothing before it in the frame is user text).
 * A frame of an earlier step, or without a text, is not counted.
 */
function onDeliverFrame(frame: Buffer): void {
  // A change event: its clientMsgId is the change's id, `c<step>x<send ms>x…` (before its text).
  const change = frame.indexOf(changeTagBytes);
  if (change >= 0) {
    const timeStart = change + changeTagBytes.length;
    delivered++;
    deliveries.push(now() - Number(frame.toString('latin1', timeStart, frame.indexOf(0x78 /* x */, timeStart))));
    return;
  }
  const at = frame.indexOf(TEXT_KEY);
  if (at < 0) return;
  const start = at + TEXT_KEY.length;
  if (frame.compare(stepTagBytes, 0, stepTagBytes.length, start, start + stepTagBytes.length) !== 0) return;
  const timeStart = start + stepTagBytes.length;
  const timeEnd = frame.indexOf(0x20, timeStart);
  delivered++;
  deliveries.push(now() - Number(frame.toString('latin1', timeStart, timeEnd)));
}

/** True when `frame` starts with `prefix` (both ASCII). */
function startsWith(frame: Buffer, prefix: Buffer): boolean {
  return frame.length >= prefix.length && frame.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

const NATTER_ACK = Buffer.from('{"type":"message.ack","clientMsgId":"');
const NATTER_CHANGE_ACK = Buffer.from('{"type":"change.ack","changeId":"');
const NATTER_NEW = Buffer.from('{"type":"message.new",');
const ACK_CONVERSATION = Buffer.from('"conversationId":"');
const ACK_ID = Buffer.from('"id":"');

/** The string value that starts right after `key` in `frame`, from `from` on. */
function valueAfter(frame: Buffer, key: Buffer, from: number): string {
  const start = frame.indexOf(key, from) + key.length;
  return frame.toString('latin1', start, frame.indexOf(0x22, start));
}

function connectNatter(url: string, c: LoadClient, group: number): Promise<Sender> {
  const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
  /** This client's latest acked message, which its changes go to; and whether its 👍 is on. */
  let latest: { conversationId: string; id: string } | undefined;
  let reacted = false;
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'session.open', protocol: PROTOCOL_VERSION, token: c.token, cursors: {} })));
    ws.on('message', (data: Buffer) => {
      if (startsWith(data, NATTER_ACK)) {
        const start = NATTER_ACK.length;
        const clientMsgId = data.toString('latin1', start, data.indexOf(0x22, start));
        // Only the acks of sends timed here (not of a bare peer's frames) name a message to change.
        if (sentAt.has(clientMsgId) && data.indexOf(ACK_ID) > 0) {
          latest = { conversationId: valueAfter(data, ACK_CONVERSATION, start), id: valueAfter(data, ACK_ID, start) };
          reacted = false;
        }
        return onAck(clientMsgId);
      }
      if (startsWith(data, NATTER_CHANGE_ACK)) {
        const start = NATTER_CHANGE_ACK.length;
        return onAck(data.toString('latin1', start, data.indexOf(0x22, start)));
      }
      // The server never sends a client its own message back (one connection per user here).
      if (startsWith(data, NATTER_NEW)) return onDeliverFrame(data);
      const f = JSON.parse(String(data));
      if (f.type === 'sync.done') {
        // Strings put together, as JSON.stringify would write them: ids and texts need no escaping.
        const send = (conversationId: string, id: string, text: string) =>
          ws.send(`{"type":"message.send","clientMsgId":"${id}","conversationId":"${conversationId}","elem":{"type":"text","text":"${text}"}}`);
        const change = (changeId: string, edit: boolean, text: string) => {
          if (!latest) return 0;
          const body = edit ? `{"kind":"edit","text":"${text}"}` : `{"kind":"reaction","emoji":"👍","on":${(reacted = !reacted)}}`;
          ws.send(`{"type":"change.send","changeId":"${changeId}","conversationId":"${latest.conversationId}","messageId":"${latest.id}","change":${body}}`);
          return latest.conversationId.startsWith('group:') ? group : 2;
        };
        resolve({ sendGroup: (id, text) => send(`group:${c.group}`, id, text), sendPair: (id, text) => send(`p2p:${c.peer}`, id, text), change });
      } else if (f.type === 'message.error' || f.type === 'error') console.error(`natter error: ${f.name} ${f.message}`);
    });
  });
}

/** Socket.IO packets a client receives: Engine.IO type digit, then Socket.IO type digit. */
const SIO_EVENT = Buffer.from('42[');
const SIO_ACK = Buffer.from('43');

function connectSocketIo(url: string, c: LoadClient): Promise<Sender> {
  const pair = [c.user, c.peer].sort().join('-');
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false, skipUTF8Validation: true });
  /** clientOffset of each emit awaiting its ack, by the ack id in its packet. */
  const pending = new Map<number, string>();
  let nextAck = 0;
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data: Buffer) => {
      if (startsWith(data, SIO_ACK)) {
        const n = Number(data.toString('latin1', 2, data.indexOf(0x5b /* [ */, 2)));
        const id = pending.get(n);
        if (id === undefined) return;
        pending.delete(n);
        return onAck(id);
      }
      if (startsWith(data, SIO_EVENT)) return onDeliverFrame(data);
      const packet = String(data);
      if (packet === '2') return ws.send('3'); // Engine.IO ping
      // Engine.IO open: connect to the "/" namespace with the auth payload.
      if (packet.startsWith('0{')) return ws.send(`40${JSON.stringify({ user: c.user, rooms: [c.group, pair] })}`);
      if (packet.startsWith('40')) {
        const send = (room: string, id: string, text: string) => {
          const n = nextAck++;
          pending.set(n, id);
          ws.send(`42${n}["chat message",{"room":"${room}","text":"${text}","clientOffset":"${id}"}]`);
        };
        return resolve({ sendGroup: (id, text) => send(c.group, id, text), sendPair: (id, text) => send(pair, id, text) });
      }
      if (packet.startsWith('44')) reject(new Error(`socket.io connect refused: ${packet}`));
    });
  });
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

/**
 * Sends at `rate` for `seconds`: every `tickMs` the sends due by then, so each tick sends a burst
 * of `rate × tickMs / 1000` frames back to back (the server reads a burst in one turn).
 */
async function runStep(rate: number, seconds: number, p2pShare: number, group: number, changeShare: number, tickMs: number): Promise<void> {
  let changes = 0;
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
        // Every 1/changeShare-th operation is a change (reactions and edits by turns), if the
        // sender has a message acked to change.
        if (sender.change && Math.floor((k + 1) * changeShare) > Math.floor(k * changeShare)) {
          const at = now();
          const changeId = `c${step}x${Math.round(at)}x${clientMsgId().slice(12)}`;
          const devices = sender.change(changeId, changes % 2 === 1, `${stepTag}${at} edited`);
          if (devices > 0) {
            sentAt.set(changeId, at);
            expected += devices;
            changes++;
            sent++;
            k++;
            continue;
          }
        }
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
    }, tickMs);
  });
}

let cpu0 = process.cpuUsage();
let t0 = performance.now();
/**
 * This generator's own event-loop delay over a step: an ack or a delivery is timed when this
 * loop gets to it, so a busy generator adds its delay to every latency it reports.
 */
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

process.on('message', async (msg: any) => {
  switch (msg.type) {
    case 'connect': {
      await pool(msg.clients as LoadClient[], 20, async (c) => {
        senders.push(
          await (msg.kind === 'natter'
            ? connectNatter(msg.url, c, msg.group)
            : msg.kind === 'bare'
              ? connectNatter(`${msg.url}?user=${c.user}&group=${c.group}&peer=${c.peer}`, c, msg.group)
              : connectSocketIo(msg.url, c)),
        );
      });
      process.send!({ type: 'connected' });
      return;
    }
    case 'step':
      step = msg.step;
      stepTag = `s${step}:`;
      stepTagBytes = Buffer.from(stepTag);
      changeTagBytes = Buffer.from(`"clientMsgId":"c${step}x`);
      acks = [];
      deliveries = [];
      delivered = expected = sent = 0;
      sentAt.clear();
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      loopDelay.reset();
      await runStep(msg.rate, msg.seconds, msg.p2pShare, msg.group, msg.changeShare ?? 0, msg.tickMs ?? 10);
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
        // Beyond the sampling resolution: the time the loop was late to a timer, in ms.
        loopDelayP99: Math.max(0, loopDelay.percentile(99) / 1e6 - 5),
      });
      return;
    }
  }
});
process.on('disconnect', () => process.exit(0));
