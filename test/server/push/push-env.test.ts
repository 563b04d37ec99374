import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pushFromEnv } from '../../../src/server/push/push-env.js';

test('Web Push is off by default, on with NATTER_PUSH=1, VAPID keys or dev mode, and reads its settings', () => {
  assert.equal(pushFromEnv({}, false), undefined);
  assert.equal(pushFromEnv({ NATTER_PUSH: '0' }, true), undefined);
  assert.deepEqual(pushFromEnv({ NATTER_PUSH: '1' }, false), {});
  assert.deepEqual(pushFromEnv({}, true), {});
  assert.deepEqual(
    pushFromEnv({ NATTER_VAPID_PUBLIC_KEY: 'pub', NATTER_VAPID_PRIVATE_KEY: 'priv', NATTER_VAPID_SUBJECT: 'mailto:ops@site.example', NATTER_PUSH_PREVIEW: '0', NATTER_PUSH_TTL: '3600', NATTER_PUSH_ALLOW_LOOPBACK: '1' }, false),
    { vapidPublicKey: 'pub', vapidPrivateKey: 'priv', vapidSubject: 'mailto:ops@site.example', preview: false, ttlSeconds: 3600, allowLoopback: true },
  );
  assert.throws(() => pushFromEnv({ NATTER_PUSH: '1', NATTER_PUSH_TTL: '1h' }, false), TypeError);
});
