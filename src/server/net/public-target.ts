import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Guards requests the server makes to URLs that came from users (push endpoints, link
 * previews): only public addresses, checked on the address the socket actually connects to
 * (the agents below resolve through {@link guardedLookup}), so a name that resolves to a private
 * address, or re-resolves to one after a first check (DNS rebinding), is refused at connect time.
 * Nothing here follows redirects: `http.request` never does, and callers must not either.
 */
export interface TargetPolicy {
  /** Allow loopback addresses (127.0.0.0/8, ::1): tests only, behind an explicit switch. */
  readonly allowLoopback?: boolean;
  /** Allowed schemes; default `['https:']`. */
  readonly protocols?: readonly string[];
  /** Allowed ports; default the scheme's own (443 for https, 80 for http). */
  readonly ports?: readonly number[];
}

/** The target is not one the policy allows; `reason` is stable for logs and tests. */
export class TargetRefusedError extends Error {
  readonly code = 'TARGET_REFUSED';
  constructor(readonly reason: 'scheme' | 'port' | 'credentials' | 'address' | 'unresolvable', detail: string) {
    super(`target refused (${reason}): ${detail}`);
    this.name = 'TargetRefusedError';
  }
}

const DEFAULT_PORT: Record<string, number> = { 'https:': 443, 'http:': 80 };

/**
 * Whether an address is a public unicast one: not private, loopback, link-local, unique-local,
 * carrier-grade NAT, multicast, reserved, unspecified, documentation, or an IPv4 address mapped
 * or translated into IPv6 (or IPv4-compatible) that is one of those.
 */
export function isPublicAddress(address: string, policy: TargetPolicy = {}): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  // IPv4-compatible IPv6 (::/96, deprecated by RFC 4291): ipaddr.js reads `::127.0.0.1` as the IPv4
  // address but calls `::7f00:1` (the same, as URLs and resolvers write it) unicast, and a host with
  // automatic tunnelling (sit) sends it to the IPv4 address inside: judged as that address.
  if (range === 'unicast' && parsed.kind() === 'ipv6') {
    const parts = (parsed as ipaddr.IPv6).parts;
    if (parts.slice(0, 6).every((part) => part === 0)) return isPublicAddress(`${parts[6]! >> 8}.${parts[6]! & 255}.${parts[7]! >> 8}.${parts[7]! & 255}`, policy);
  }
  if (range === 'unicast') return true;
  return policy.allowLoopback === true && range === 'loopback';
}

/**
 * Checks a URL's scheme, port and literal address against the policy and returns it parsed.
 * A host name is checked later, when it is resolved ({@link guardedLookup}).
 */
export function checkTargetUrl(raw: string, policy: TargetPolicy = {}): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefusedError('scheme', 'not a URL');
  }
  const protocols = policy.protocols ?? ['https:'];
  if (!protocols.includes(url.protocol)) throw new TargetRefusedError('scheme', url.protocol);
  if (url.username !== '' || url.password !== '') throw new TargetRefusedError('credentials', url.host);
  const port = url.port === '' ? DEFAULT_PORT[url.protocol] : Number(url.port);
  const ports = policy.ports ?? [DEFAULT_PORT[url.protocol]];
  if (port === undefined || !ports.includes(port)) throw new TargetRefusedError('port', String(port));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !isPublicAddress(host, policy)) throw new TargetRefusedError('address', host);
  return url;
}

/**
 * A `lookup` for `net.connect` / `http.Agent` that resolves every address of the name and
 * refuses the connection when any of them is not public (a name with one private address is
 * refused whole, so the connection cannot land on it by a resolver's ordering).
 */
export function guardedLookup(policy: TargetPolicy = {}): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(new TargetRefusedError('unresolvable', `${hostname}: ${err.code ?? err.message}`));
      if (addresses.length === 0) return callback(new TargetRefusedError('unresolvable', hostname));
      const refused = addresses.find((a) => !isPublicAddress(a.address, policy));
      if (refused) return callback(new TargetRefusedError('address', `${hostname} → ${refused.address}`));
      if (options?.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  }) as LookupFunction;
}

/** HTTP and HTTPS agents that connect through {@link guardedLookup}. */
export function guardedAgents(policy: TargetPolicy = {}, options: http.AgentOptions = {}): {
  http: http.Agent;
  https: https.Agent;
} {
  const lookup = guardedLookup(policy);
  return {
    http: new http.Agent({ ...options, lookup }),
    https: new https.Agent({ ...options, lookup }),
  };
}

/**
 * Checks the URL, then resolves its host and checks every address; for a refusal before any
 * request is made (e.g. when a push subscription is stored), not instead of the agents.
 */
export async function assertPublicTarget(raw: string, policy: TargetPolicy = {}): Promise<URL> {
  const url = checkTargetUrl(raw, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return url;
  const lookup = guardedLookup(policy);
  await new Promise<void>((resolve, reject) =>
    lookup(host, { all: true }, (err) => (err ? reject(err) : resolve())),
  );
  return url;
}
