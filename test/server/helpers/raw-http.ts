/** HTTP written by hand on a raw TCP connection: for what no well-behaved client sends. */
import { connect } from 'node:net';
import { GUARD_MS } from '../../guard.js';

/** Writes `raw` on a fresh TCP connection to `url`'s port and reads until the server closes it (or `ms` pass: then what came). */
export function rawRequest(url: string, raw: string, ms = GUARD_MS): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`${data}(still open after ${ms} ms)`);
    }, ms);
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

/** A POST to `path` that declares a 1,000-byte JSON body and sends one byte of it. */
export function unfinishedPost(path: string, auth?: string): string {
  return `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${auth ? `Authorization: Bearer ${auth}\r\n` : ''}Content-Length: 1000\r\n\r\n{`;
}
