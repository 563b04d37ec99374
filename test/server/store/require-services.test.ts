/**
 * requirePostgres (test/server/helpers/services.ts), which every PostgreSQL suite awaits first:
 * a server slow to answer is there, only an absent one fails the file.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { POSTGRES_URL, requirePostgres } from '../helpers/services.js';

const SLOW_MS = 4000;

/** A TCP relay to the test PostgreSQL that holds each of its answers back `delayMs` first. */
async function slowRelay(delayMs: number): Promise<{ url: string; server: Server }> {
  const target = new URL(POSTGRES_URL);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream);
    const opened = Date.now();
    upstream.on('data', (chunk: Buffer) => {
      setTimeout(() => client.write(chunk), Math.max(0, opened + delayMs - Date.now()));
    });
    upstream.on('end', () => setTimeout(() => client.end(), Math.max(0, opened + delayMs - Date.now())));
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(POSTGRES_URL);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as { port: number }).port);
  return { url: url.toString(), server };
}

test(`a PostgreSQL that answers only after ${SLOW_MS / 1000} s (a loaded machine) is there`, async () => {
  const { url, server } = await slowRelay(SLOW_MS);
  after(() => server.close());
  const started = Date.now();
  await requirePostgres(url);
  assert.ok(Date.now() - started >= SLOW_MS, 'the answer really came late');
});

test('an absent PostgreSQL fails the suite with where it looked and how to start it', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const url = `postgres://postgres@127.0.0.1:${port}/test`;
  await assert.rejects(requirePostgres(url), (err: Error) => {
    assert.match(err.message, new RegExp(`need a server at ${url.replace(/[/.]/g, '\\$&')} \\(.*ECONNREFUSED`));
    assert.match(err.message, /Start it: pg_ctlcluster/);
    return true;
  });
});
