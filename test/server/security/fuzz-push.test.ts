/**
 * Fuzzing of the Web Push routes (SPEC §10): structure-aware mutations (test/protocol/frame-mutations.ts)
 * of valid subscription bodies, truncated and random JSON. Every answer is 2xx or a 4xx
 * {code, name, message} of the error table, never 5xx, and nothing but a valid subscription is
 * stored. Endpoints are loopback literals (the switch is on), so nothing leaves the machine.
 * No time bound of its own (see fuzz.test.ts): the runner's --test-timeout catches a hang.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ERRORS, type ErrorName } from '../../../src/protocol/index.js';
import { mutate, mutation } from '../../protocol/frame-mutations.js';
import { fakeBrowser, loopbackCert } from '../helpers/push-receiver.js';
import { createUsers, startServer, type TestServer } from '../helpers/test-server.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 42);
const RUNS = Number(process.env['FUZZ_PUSH'] ?? 600);

describe('push route fuzzing', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ push: { allowLoopback: true, agentOptions: { ca: loopbackCert().cert }, maxSubscriptionsPerUser: 5 }, uploadsPerMinute: 1_000_000 });
    await createUsers(t, 'alice');
  });
  after(() => t.stop());

  it(`answers ${RUNS} fuzzed subscription bodies with 2xx or a 4xx {code, name, message}, never 5xx`, async () => {
    const valid = fakeBrowser().subscription('https://127.0.0.1:9/push/a', 'device-1') as unknown as Record<string, unknown>;
    const hostile = ['https://10.0.0.1/x', 'http://127.0.0.1:9/x', 'https://169.254.169.254/', 'javascript:alert(1)', 'https://[::ffff:10.0.0.1]/', 'https://0.0.0.0:9/'];
    const bodies: Record<string, unknown>[] = [valid, { endpoint: 'https://127.0.0.1:9/push/a' }, { ...valid, expirationTime: null }, ...hostile.map((endpoint) => ({ ...valid, endpoint }))];
    const body = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(fc.nat({ max: bodies.length - 1 }), mutation).map(([i, m]) => mutate(bodies[i]!, m)) },
      { weight: 2, arbitrary: fc.tuple(fc.nat({ max: bodies.length - 1 }), fc.nat()).map(([i, cut]) => JSON.stringify(bodies[i]).slice(0, cut % 200)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
      { weight: 1, arbitrary: fc.constantFrom('', '{"endpoint":', '{"__proto__":{"endpoint":"https://127.0.0.1:9/x"}}', '[' .repeat(5000)) },
    );
    const headers = { authorization: `Bearer ${await t.token('alice')}`, 'content-type': 'application/json' };
    const problems: string[] = [];
    const names = new Set<string>();
    for (const [payload, del] of fc.sample(fc.tuple(body, fc.boolean()), { seed: SEED, numRuns: RUNS })) {
      const res = await fetch(`${t.url}/v1/push/subscriptions`, { method: del ? 'DELETE' : 'POST', headers, body: payload });
      const raw = await res.text();
      if (res.status >= 500) problems.push(`${payload.slice(0, 100)} -> ${res.status} ${raw.slice(0, 200)}`);
      else if (res.status >= 400) {
        const json = JSON.parse(raw) as { code: number; name: ErrorName; message: string };
        names.add(json.name);
        if (ERRORS[json.name]?.status !== res.status || ERRORS[json.name]?.code !== json.code || typeof json.message !== 'string') problems.push(`${payload.slice(0, 100)} -> ${res.status} ${raw.slice(0, 200)}`);
      }
    }
    assert.deepEqual(problems.slice(0, 10), []);
    for (const name of ['BAD_REQUEST', 'PUSH_ENDPOINT_REFUSED', 'PUSH_KEYS_INVALID']) assert.ok(names.has(name), `some body was refused ${name}`);
    const stored = await t.server.store.pushSubscriptionsOf(['alice']);
    assert.ok(stored.length <= 5);
    for (const s of stored) assert.match(s.endpoint, /^https:\/\/127\.0\.0\.1:\d+\//);
    assert.equal((await t.rest('GET', '/healthz', undefined, null)).status, 200);
  });
});
