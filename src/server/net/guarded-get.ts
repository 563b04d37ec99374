import http from 'node:http';
import https from 'node:https';
import { checkTargetUrl, guardedAgents, TargetRefusedError, type TargetPolicy } from './public-target.js';

export interface GuardedGetOptions {
  policy: TargetPolicy;
  /** `Accept`, `User-Agent` and the like. */
  headers: Record<string, string>;
  /** Content types taken (tested on the `Content-Type` header, lower-cased). */
  types: RegExp;
  /** Bytes read at most. */
  maxBytes: number;
  /** Past `maxBytes`: `truncate` keeps what came (an HTML head is at the top), `refuse` fails (a cut picture is no picture). */
  overflow: 'truncate' | 'refuse';
  /** Whole fetch, redirects included. */
  timeoutMs: number;
  /** Redirects followed, each hop checked again. */
  maxRedirects: number;
}

/** What one guarded GET brought: the final URL (after redirects), its content type and bytes. */
export interface GuardedGetResult {
  url: URL;
  type: string;
  body: Buffer;
}

/** The target answered, but not with what was asked for; `reason` is stable for callers and tests. */
export class GuardedGetError extends Error {
  constructor(readonly reason: 'status' | 'type' | 'size' | 'redirects' | 'network', detail: string) {
    super(`fetch failed (${reason}): ${detail}`);
    this.name = 'GuardedGetError';
  }
}

/**
 * The one way the server GETs a URL that came from a user (link previews, their pictures): the
 * URL checked against the policy (scheme, port, credentials, a literal address public), the
 * host's every address checked when the socket connects (`guardedAgents`, so DNS rebinding
 * lands nowhere private), each redirect hop checked again before it is followed, the content
 * type checked before the body is read, at most `maxBytes` read, the whole within `timeoutMs`.
 * A refused target rejects with {@link TargetRefusedError}; anything else with {@link GuardedGetError}.
 */
export async function guardedGet(raw: string, options: GuardedGetOptions): Promise<GuardedGetResult> {
  const agents = guardedAgents(options.policy, { keepAlive: false });
  const deadline = AbortSignal.timeout(options.timeoutMs);
  try {
    let url = checkTargetUrl(raw, options.policy);
    for (let hop = 0; ; hop++) {
      const answer = await getOnce(url, agents, deadline, options);
      if ('body' in answer) return answer;
      if (hop >= options.maxRedirects) throw new GuardedGetError('redirects', `more than ${options.maxRedirects}`);
      url = checkTargetUrl(new URL(answer.location, url).href, options.policy);
    }
  } catch (error) {
    if (error instanceof TargetRefusedError || error instanceof GuardedGetError) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof TargetRefusedError) throw cause;
    throw new GuardedGetError('network', (error as Error).message ?? String(error));
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
}

type Agents = { http: http.Agent; https: https.Agent };

/** One GET: a redirect's target, or the answer's bytes when its status and type are the ones wanted. */
function getOnce(url: URL, agents: Agents, signal: AbortSignal, o: GuardedGetOptions): Promise<{ location: string } | GuardedGetResult> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.get(url, { agent: url.protocol === 'https:' ? agents.https : agents.http, signal, headers: o.headers }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        return resolve({ location: res.headers.location });
      }
      const fail = (reason: GuardedGetError['reason'], detail: string) => {
        res.destroy();
        reject(new GuardedGetError(reason, detail));
      };
      if (status !== 200) return fail('status', String(status));
      const type = String(res.headers['content-type'] ?? '').toLowerCase();
      if (!o.types.test(type)) return fail('type', type || 'none');
      const declared = Number(res.headers['content-length'] ?? 0);
      // A declared length far past what is read is not worth starting (truncating reads a head only).
      if (declared > o.maxBytes * (o.overflow === 'refuse' ? 1 : 8)) return fail('size', `${declared} bytes declared`);
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        const body = Buffer.concat(chunks);
        resolve({ url, type, body: body.length > o.maxBytes ? body.subarray(0, o.maxBytes) : body });
      };
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size <= o.maxBytes) return;
        if (o.overflow === 'refuse') {
          settled = true;
          return fail('size', `more than ${o.maxBytes} bytes`);
        }
        // Enough: stop reading and use what came.
        res.destroy();
        done();
      });
      res.on('end', done);
      res.on('error', (error) => (settled ? undefined : size >= o.maxBytes && o.overflow === 'truncate' ? done() : reject(error)));
    });
    req.on('error', reject);
  });
}
