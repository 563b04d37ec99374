import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { verifySignature } from '../../../src/server/webhooks/signature.js';

export interface Received {
  id: string;
  type: string;
  time: number;
  data: any;
  attempt: number;
  /** The signature checked out against the receiver's secret. */
  verified: boolean;
  /** What the receiver answered (0: held open, never answered). */
  status: number;
  raw: string;
  /** The request path (a node can be told apart by the URL it was given). */
  path: string;
}

/**
 * A webhook receiver on 127.0.0.1: records every request (with its signature checked against
 * `secret`), and answers what `respond` says: a status, or `hold` to leave the request open.
 */
export async function startReceiver(secret: string) {
  const requests: Received[] = [];
  let respond: (r: Received) => number | 'hold' = () => 200;
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw);
      const r: Received = {
        id: body.id, type: body.type, time: body.time, data: body.data, attempt: Number(req.headers['x-natter-attempt']),
        verified: verifySignature(secret, raw, req.headers['x-natter-signature'] as string | undefined, Math.floor(Date.now() / 1000)),
        status: 0, raw, path: req.url ?? '',
      };
      requests.push(r);
      const answer = respond(r);
      if (answer === 'hold') return void held.push(res);
      r.status = answer;
      if (answer >= 300 && answer < 400) res.setHeader('location', '/elsewhere');
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    /** Requests answered 2xx. */
    accepted: () => requests.filter((r) => r.status >= 200 && r.status < 300),
    set respond(f: (r: Received) => number | 'hold') {
      respond = f;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The shared guard's poll (test/guard.ts), for the tests that import it from here. */
export { until } from '../../guard.js';
