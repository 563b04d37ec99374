import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * Which proxies in front of the server are trusted to say who the client is
 * (`NATTER_TRUST_PROXY`, option `trustProxy`): a hop count, or addresses, CIDR ranges and the
 * names `loopback`, `linklocal`, `uniquelocal`. Same meaning as fastify's `trustProxy`.
 */
export type ProxyTrustSetting = number | readonly string[];

/** `(address, hop)`: whether the address `hop` steps from the server is a trusted proxy (fastify's shape). */
export type ProxyTrust = (address: string, hop: number) => boolean;

const NAMED: Record<string, [string, number, 'ipv4' | 'ipv6'][]> = {
  loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  linklocal: [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']],
  uniquelocal: [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']],
};

/** An IPv4 address carried in IPv6 (`::ffff:10.0.0.1`, as dual-stack sockets report it) as IPv4. */
export function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * The key a per-address cap counts `address` under: an IPv4 address as it is, an IPv6 address by
 * its /64 (`2001:db8:0:1::/64`). One subscriber, one data centre host, is routinely given a whole
 * /64, 2^64 addresses to pick from, so counting each IPv6 address alone caps nobody. An IPv4
 * address carried in IPv6 (`::ffff:10.0.0.1`) is IPv4; a zone (`%eth0`) is dropped; what is no IP
 * address (a malformed `X-Forwarded-For` entry a trusted proxy passed on) is its own key.
 */
export function capKey(address: string): string {
  const a = plain(address);
  const zone = a.indexOf('%');
  const ip = zone < 0 ? a : a.slice(0, zone);
  if (isIP(ip) !== 6) return a;
  const [head = '', tail] = ip.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${all.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/**
 * Compiles the setting; throws a TypeError naming a bad entry. Undefined trusts nobody: the
 * client is the TCP peer and `X-Forwarded-For` is ignored. A hop count trusts that many proxies
 * whatever their address, so use it only when the server cannot be reached but through them.
 */
export function compileProxyTrust(setting: ProxyTrustSetting | undefined): ProxyTrust {
  if (setting === undefined) return () => false;
  if (typeof setting === 'number') {
    if (!Number.isInteger(setting) || setting < 1) throw new TypeError('trustProxy: a hop count must be a positive integer.');
    return (_address, hop) => hop < setting;
  }
  const list = new BlockList();
  for (const raw of setting) {
    const entry = raw.trim();
    const named = NAMED[entry];
    if (named) {
      for (const [net, prefix, type] of named) list.addSubnet(net, prefix, type);
      continue;
    }
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address);
    const bits = prefix === undefined ? (type === 4 ? 32 : 128) : Number(prefix);
    if (type === 0 || !Number.isInteger(bits) || bits < 0 || bits > (type === 4 ? 32 : 128) || (prefix !== undefined && !/^\d+$/.test(prefix))) {
      throw new TypeError(`trustProxy: "${entry}" is not an IP address, a CIDR range, loopback, linklocal or uniquelocal.`);
    }
    list.addSubnet(address, bits, type === 4 ? 'ipv4' : 'ipv6');
  }
  return (address) => {
    const a = plain(address);
    const type = isIP(a);
    return type !== 0 && list.check(a, type === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client's address: the TCP peer, or, while each hop is trusted, the next address of
 * `X-Forwarded-For` from the right (the entry the trusted proxy appended). Entries left of the
 * first untrusted hop are whatever the client wrote, so they are never believed.
 */
export function clientAddress(req: IncomingMessage, trust: ProxyTrust): string {
  const peer = plain(req.socket.remoteAddress ?? '');
  if (!trust(peer, 0)) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : header ?? '').split(',');
  let client = peer;
  for (let hop = 1, i = forwarded.length - 1; i >= 0; i--) {
    const address = plain(forwarded[i]!.trim());
    if (address === '') continue;
    client = address;
    if (!trust(address, hop++)) break;
  }
  return client;
}
