/*
 * natter-sw.js — Natter's service worker for Web Push (SPEC §10). Serve this one file from your
 * site's own origin (e.g. at /natter-sw.js) and name it in the widget: `service-worker="/natter-sw.js"`
 * (or `data-service-worker` on the script tag). It shows a push as a notification, one per
 * conversation (a newer one replaces the older), and a click focuses a page of the site that
 * runs the widget, opening that conversation, or opens the site's start page (the scope) with
 * `#natter-open=<conversation>` so the widget there opens it.
 *
 * If your site has a service worker already, add these listeners to it instead
 * (`importScripts('/natter-sw.js')` works too).
 */
/* global self, clients */
const NATTER_PREFIX = 'natter:';

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  if (!data || data.v !== 1 || typeof data.conversationId !== 'string') return;
  event.waitUntil(
    self.registration.showNotification(String(data.title || 'New message').slice(0, 200), {
      body: String(data.body || '').slice(0, 500),
      tag: NATTER_PREFIX + data.conversationId,
      renotify: true,
      timestamp: typeof data.time === 'number' ? data.time : Date.now(),
      data: { natter: true, conversationId: data.conversationId, messageId: data.messageId },
    }),
  );
});

/** Focuses a window of the site and asks its widget to open the conversation, or opens one. */
async function openConversation(conversationId) {
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true });
  const scope = self.registration.scope;
  const mine = windows.filter((w) => w.url.startsWith(scope));
  const target = mine.find((w) => w.focused) || mine.find((w) => w.visibilityState === 'visible') || mine[0];
  if (target) {
    target.postMessage({ type: 'natter:open', conversationId });
    await target.focus();
    return;
  }
  await clients.openWindow(`${scope}#natter-open=${encodeURIComponent(conversationId)}`);
}

self.addEventListener('notificationclick', (event) => {
  const data = event.notification.data;
  if (!data || !data.natter) return;
  event.notification.close();
  event.waitUntil(openConversation(data.conversationId));
});

// The browser renewed the subscription: the pages of the site store the new one with the server
// the next time the widget starts (it compares what it stored), so nothing is lost meanwhile but
// pushes the old endpoint no longer receives.
self.addEventListener('pushsubscriptionchange', (event) => {
  const old = event.oldSubscription;
  if (!old || !old.options || !old.options.applicationServerKey) return;
  event.waitUntil(
    self.registration.pushManager.subscribe(old.options).then(async () => {
      for (const w of await clients.matchAll({ type: 'window', includeUncontrolled: true })) w.postMessage({ type: 'natter:resubscribe' });
    }),
  );
});

// A page of the site may act out a click on one of these notifications (tests, and pages that
// list notifications themselves): the same as the person clicking it.
self.addEventListener('message', (event) => {
  const msg = event.data;
  if (!msg || msg.type !== 'natter:click-notification' || typeof msg.tag !== 'string') return;
  event.waitUntil(
    self.registration.getNotifications({ tag: msg.tag }).then(async (shown) => {
      const n = shown[0];
      if (!n || !n.data || !n.data.natter) return;
      n.close();
      await openConversation(n.data.conversationId);
    }),
  );
});
