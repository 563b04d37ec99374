import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LIMITS } from '../../../src/protocol/index.js';
import { MAX_ADMIN_KEYS, MAX_CONTAINERS, MAX_KEYS } from '../../../src/server/core/raw-nesting.js';
import { ADMIN_KEY, createUsers, startServer, type TestServer } from '../helpers/test-server.js';

/**
 * JSON request bodies are parsed before a route checks who asks (and for no route at all):
 * a stranger's 1 MiB body of nested `[` held the event loop while JSON.parse built half a
 * million arrays, and one of `[],` a third of a million side by side. They are refused
 * unparsed, 400 BAD_REQUEST, past LIMITS.frameDepth levels or MAX_CONTAINERS arrays and objects.
 */
describe('JSON bodies nesting deeper, or holding more arrays and objects, than a frame may', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(() => t.stop());

  const post = (path: string, body: string, key?: string) =>
    fetch(t.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) }, body });
  const nested = (depth: number) => `{"url":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
  /** `{"url":…}` with `count` arrays and objects in all, spread over keys of at most LIMITS.frameArrayItems each (so every bound checked after a parse passes). */
  const wide = (count: number): string => {
    const lists: string[] = [];
    for (let left = count - 2; left > 0; left -= Math.min(left - 1, LIMITS.frameArrayItems - 1) + 1) {
      lists.push(`"${lists.length}":[${'[],'.repeat(Math.min(left - 1, LIMITS.frameArrayItems - 1))}0]`);
    }
    return `{"url":{${lists.join(',')}}}`;
  };

  it('may be empty under content-type: application/json (many clients send it on every request, a DELETE too): read as no body; a malformed one stays 400 BAD_REQUEST', async () => {
    await createUsers(t, 'emptybody');
    const send = (method: string, path: string, body?: string) =>
      fetch(t.url + path, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, ...(body !== undefined && { body }) });
    for (const body of [undefined, '']) {
      const put = await send('PUT', '/v1/users/emptybody/mute', body);
      assert.equal(put.status, 200, `PUT, body ${JSON.stringify(body)}: ${await put.text()}`);
      const res = await send('DELETE', '/v1/users/emptybody/mute', body);
      assert.equal(res.status, 204, `DELETE, body ${JSON.stringify(body)}: ${await res.text()}`);
    }
    const post = await send('POST', '/v1/tokens', '');
    assert.deepEqual([post.status, (await post.json()).name], [400, 'BAD_REQUEST'], 'a route that needs a body says so');
    for (const body of ['{', ' ', '{"until":']) {
      const res = await send('PUT', '/v1/users/emptybody/mute', body);
      const answer = await res.json();
      assert.deepEqual([res.status, answer.code, answer.name], [400, 1003, 'BAD_REQUEST'], JSON.stringify(body));
    }
  });

  it('are refused 400 BAD_REQUEST before any route looks at them, from a stranger as from the admin; one level less is parsed', async () => {
    for (const [path, key] of [['/v1/previews', undefined], ['/v1/no-such-route', undefined], ['/v1/broadcasts', ADMIN_KEY]] as const) {
      const res = await post(path, nested(LIMITS.frameDepth + 1), key);
      const body = await res.json();
      assert.deepEqual([res.status, body.name, body.message], [400, 'BAD_REQUEST', `The body nests deeper than ${LIMITS.frameDepth} levels.`], path);
    }
    const within = await post('/v1/previews', nested(LIMITS.frameDepth));
    assert.equal((await within.json()).name, 'UNAUTHENTICATED', 'parsed, then refused for want of a token');
  });

  it('are refused 400 BAD_REQUEST holding more than MAX_CONTAINERS arrays and objects, however they spread; as many are parsed, and so is the widest body a route takes', async () => {
    for (const [path, key] of [['/v1/previews', undefined], ['/v1/no-such-route', undefined], ['/v1/broadcasts', ADMIN_KEY]] as const) {
      const res = await post(path, wide(MAX_CONTAINERS + 1), key);
      const body = await res.json();
      assert.deepEqual([res.status, body.name, body.message], [400, 'BAD_REQUEST', `The body holds more than ${MAX_CONTAINERS} arrays and objects.`], path);
    }
    const within = await post('/v1/previews', wide(MAX_CONTAINERS));
    assert.equal((await within.json()).name, 'UNAUTHENTICATED', 'parsed, then refused for want of a token');
    const words = { items: Array.from({ length: 10_000 }, (_, i) => ({ word: `w${i}`, mode: 'mask' })) };
    const res = await fetch(`${t.url}/v1/wordlist`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify(words) });
    assert.equal(res.status, 200, await res.text());
  });

  /** The CPU (ms, user + system) this process spends posting `body` to /v1/previews `n` times, each answered below 500. */
  const cpuFor = async (body: string, n: number): Promise<number> => {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) assert.ok((await post('/v1/previews', body)).status < 500);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  /** The CPU of 6 posts of `flat`, after 2 to warm up, then of 6 posts of `body`. */
  const besideFlat = async (body: string, flat: string): Promise<[number, number]> => {
    await cpuFor(flat, 2);
    const flatMs = await cpuFor(flat, 6);
    return [flatMs, await cpuFor(body, 6)];
  };
  /** `{"url":{…}}` with `count` keys in all, distinct. */
  const keyed = (count: number): string => `{"url":{${Array.from({ length: count - 1 }, (_, i) => `"k${i.toString(36)}":0`).join(',')}}}`;

  it('are refused 400 BAD_REQUEST holding more than MAX_KEYS keys (MAX_ADMIN_KEYS from the admin), unparsed and for the CPU of a flat body (JSON.parse took some 50 ms on 1 MiB of distinct keys)', async () => {
    for (const [path, key, most] of [['/v1/previews', undefined, MAX_KEYS], ['/v1/no-such-route', undefined, MAX_KEYS], ['/v1/broadcasts', ADMIN_KEY, MAX_ADMIN_KEYS]] as const) {
      const res = await post(path, keyed(most + 1), key);
      const body = await res.json();
      assert.deepEqual([res.status, body.name, body.message], [400, 'BAD_REQUEST', `The body holds more than ${most} keys.`], path);
      const within = await (await post(path, keyed(most), key)).json();
      assert.doesNotMatch(within.message, /holds more than/, `${path}: parsed, then answered by the route`);
    }
    const keys: string[] = [];
    for (let i = 0, length = 16; length < 1024 * 1024 - 32; i++) length += keys[keys.push(`"k${i.toString(36)}":0`) - 1]!.length + 1;
    const wide = `{"url":{${keys.join(',')}}}`;
    assert.ok(wide.length < 1024 * 1024 && keys.length > 100_000, `${keys.length} keys in ${wide.length} characters`);
    const flat = `{"url":"${'a'.repeat(wide.length - 10)}"}`;
    const [flatMs, wideMs] = await besideFlat(wide, flat);
    assert.ok(wideMs < flatMs * 2 + 40, `6 bodies of keys took ${wideMs.toFixed(0)} ms of CPU, 6 flat ones ${flatMs.toFixed(0)} ms`);
  });

  it('cost the server no more CPU than flat bodies as long (1 MiB of `[` took JSON.parse a good fraction of a second)', async () => {
    const half = 500_000;
    const deep = `{"url":${'['.repeat(half)}${']'.repeat(half)}}`;
    const flat = `{"url":"${'a'.repeat(2 * half - 2)}"}`;
    const [flatMs, deepMs] = await besideFlat(deep, flat);
    assert.ok(deepMs < flatMs * 2 + 60, `6 deep bodies took ${deepMs.toFixed(0)} ms of CPU, 6 flat ones ${flatMs.toFixed(0)} ms`);
  });
});
