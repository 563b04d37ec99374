import type { FastifyRequest } from 'fastify';

/** Query parameters that carry credentials: never written to a request log. */
const SECRET_PARAMS = new Set(['ticket', 'token', 'access_token', 'key', 'api_key', 'apikey', 'secret', 'password', 'authorization']);
const REDACTED = '[REDACTED]';

/** `url` with the value of every credential-carrying query parameter replaced by `[REDACTED]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const redacted = query.split('&').map((pair) => {
    const name = pair.split('=', 1)[0]!;
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: judged as written.
    }
    return SECRET_PARAMS.has(decoded.trim().toLowerCase()) ? `${name}=${REDACTED}` : pair;
  });
  return `${url.slice(0, q + 1)}${redacted.join('&')}${hash < 0 ? '' : url.slice(hash)}`;
}

/** Fastify's default request serializer, with the URL's credentials redacted. */
function serializeRequest(req: FastifyRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * The fastify logger setting for NATTER_LOG / `logger`: off stays off; otherwise request lines
 * carry no file ticket, token or key from the query string, and any headers a custom
 * serializer logs lose `Authorization` and `Cookie`.
 */
export function requestLogSetting(setting: boolean | object): boolean | object {
  if (setting === false) return false;
  const base = (setting === true ? {} : setting) as { serializers?: Record<string, unknown>; redact?: unknown };
  return {
    ...base,
    serializers: { ...base.serializers, req: serializeRequest },
    redact: base.redact ?? {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'],
      censor: REDACTED,
    },
  };
}
