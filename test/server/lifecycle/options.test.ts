import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChatServer } from '../../../src/server/index.js';
import { createMemoryStore } from '../../../src/server/store/memory-store.js';

const SECRET = 'a-secret-of-enough-length';

describe('createChatServer options', () => {
  const impossible: [string, Parameters<typeof createChatServer>[0]][] = [
    ['no dataDir and no store', { secret: SECRET }],
    ['no secret outside dev mode', { dataDir: '/tmp/x' }],
    ['a short secret', { dataDir: '/tmp/x', secret: 'short' }],
    ['the admin key equal to the secret', { dataDir: '/tmp/x', secret: SECRET, adminKey: SECRET }],
    ['a zero rate limit', { dataDir: '/tmp/x', secret: SECRET, sendsPerMinute: 0 }],
    ['a fractional replay limit', { dataDir: '/tmp/x', secret: SECRET, replayLimit: 1.5 }],
    ['a hard frame cap below LIMITS.frameBytes', { dataDir: '/tmp/x', secret: SECRET, maxPayload: 1000 }],
    ['a static dir that does not exist', { dataDir: '/tmp/x', secret: SECRET, staticDir: '/no/such/dir' }],
  ];
  for (const [what, options] of impossible) {
    it(`throws a TypeError for ${what}`, async () => {
      await assert.rejects(createChatServer(options), TypeError);
    });
  }

  it('runs on an injected store without a data dir, and in dev mode without a secret', async () => {
    const server = await createChatServer({ store: createMemoryStore(), dev: true });
    const { port, url } = await server.listen(0);
    assert.ok(port > 0);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    await server.close();
  });
});
