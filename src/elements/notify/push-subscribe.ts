/**
 * Web Push for this device (SPEC §10): registers the site's service worker (`natter-sw.js`, served
 * from the site's own origin) and stores the browser's push subscription with the server.
 */
import type { ChatClient } from '../../client/types.js';

/** Registers the service worker at `url` and resolves once it is active (push needs an active worker). */
export async function registerWorker(url: string): Promise<ServiceWorkerRegistration | undefined> {
  if (!('serviceWorker' in navigator)) return undefined;
  const reg = await navigator.serviceWorker.register(url);
  if (reg.active) return reg;
  const worker = reg.installing ?? reg.waiting;
  await new Promise<void>((resolve) => {
    const check = () => {
      if (worker?.state === 'activated' || reg.active) resolve();
    };
    worker?.addEventListener('statechange', check);
    check();
  });
  return reg;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/**
 * Subscribes this browser to Web Push with the server's VAPID key (or takes the subscription it
 * has) and stores it with the server for this device. Needs the Notification permission. Resolves
 * false where the browser has no push (or its push service cannot be reached).
 */
export async function subscribePush(client: ChatClient, workerUrl: string): Promise<boolean> {
  if (typeof PushManager === 'undefined' || Notification.permission !== 'granted') return false;
  const reg = await registerWorker(workerUrl);
  if (!reg) return false;
  const push = await client.webPush();
  try {
    const sub = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(await push.publicKey()) }));
    await push.save(sub.toJSON());
    return true;
  } catch (err) {
    console.warn('[natter] Web Push is not available here:', err);
    return false;
  }
}
