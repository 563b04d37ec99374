/**
 * The admin key check (admin-guard.ts): compared over SHA-256 digests with timingSafeEqual, so
 * a key of another length is refused the same way, and as fast, as one of the right length.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminKeyMatches } from '../../../src/server/http/admin-guard.js';
import { ADMIN_KEY, startServer, type TestServer } from '../helpers/test-server.js';

describe('admin key', () => {
  it('matches only the exact key: not a prefix, a longer key, another of the same length, or nothing', () => {
    assert.equal(adminKeyMatches(ADMIN_KEY, ADMIN_KEY), true);
    for (const wrong of [ADMIN_KEY.slice(0, -1), `${ADMIN_KEY}x`, `${ADMIN_KEY.slice(0, -1)}X`, ADMIN_KEY.toUpperCase(), 'x', '', undefined]) {
      assert.equal(adminKeyMatches(wrong, ADMIN_KEY), false, String(wrong));
    }
    assert.equal(adminKeyMatches(ADMIN_KEY, undefined), false, 'no key configured');
    // Multi-byte text: bytes, not UTF-16 units, are compared.
    assert.equal(adminKeyMatches('ключ-администратора-1', 'ключ-администратора-1'), true);
    assert.equal(adminKeyMatches('ключ-администратора-1', 'ключ-администратора-2'), false);
  });

  describe('over REST', () => {
    let t: TestServer;
    before(async () => {
      t = await startServer();
    });
    after(() => t.stop());

    it('answers ADMIN_REQUIRED to a wrong key of any length, and serves the right one', async () => {
      for (const key of [ADMIN_KEY.slice(0, 8), `${ADMIN_KEY}0`, 'z'.repeat(ADMIN_KEY.length), 'a'.repeat(10_000)]) {
        const res = await t.rest('GET', '/v1/users/alice/conversations', undefined, key);
        assert.deepEqual([res.status, res.body.name], [403, 'ADMIN_REQUIRED'], key.slice(0, 20));
      }
      assert.equal((await t.rest('PUT', '/v1/users/alice', {})).status, 200);
    });
  });
});
