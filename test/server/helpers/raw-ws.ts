import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A WebSocket at the byte level, for what a well-behaved client library refuses to do: send a
 * frame header announcing a huge payload, or invalid UTF-8 in a text frame.
 */
export async function rawUpgrade(wsUrl: string): Promise<{ socket: Socket; read(): Buffer }> {
  const url = new URL(wsUrl);
  const socket = connect(Number(url.port), url.hostname);
  let buffered = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString();
      buffered = buffered.subarray(end + 4);
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      else resolve();
    };
    socket.on('data', onData);
  });
  socket.on('data', (chunk: Buffer) => (buffered = Buffer.concat([buffered, chunk])));
  return { socket, read: () => buffered };
}

/** A masked client frame header (FIN set) announcing `length` payload bytes, with its mask. */
export function frameHeader(opcode: number, length: number): Buffer {
  const mask = randomBytes(4);
  if (length < 126) return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | length]), mask]);
  if (length < 65536) {
    const h = Buffer.alloc(4);
    h[0] = 0x80 | opcode;
    h[1] = 0x80 | 126;
    h.writeUInt16BE(length, 2);
    return Buffer.concat([h, mask]);
  }
  const h = Buffer.alloc(10);
  h[0] = 0x80 | opcode;
  h[1] = 0x80 | 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return Buffer.concat([h, mask]);
}

/** A complete masked client frame. */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const header = frameHeader(opcode, payload.length);
  const mask = header.subarray(header.length - 4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
  return Buffer.concat([header, body]);
}

/** The close code of the first close frame (opcode 8) the server sent, if any yet. */
export function closeCodeIn(bytes: Buffer): number | undefined {
  let i = 0;
  while (i + 2 <= bytes.length) {
    const opcode = bytes[i]! & 0x0f;
    let len = bytes[i + 1]! & 0x7f;
    let off = i + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(off));
      off += 8;
    }
    if (opcode === 8 && off + 2 <= bytes.length) return bytes.readUInt16BE(off);
    i = off + len;
  }
  return undefined;
}
