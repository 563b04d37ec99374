import { loadOnce } from '../load-once.js';

/**
 * Web Push's subscribing code (`./push-subscribe.ts`, with the client's `push-actions.ts`): only a
 * page with a service worker whose visitor allowed notifications runs it, so it is fetched then
 * (in the script tag it comes with the features loaded on first use), not with the panel.
 */
export const loadPushSubscribe = loadOnce(() => import('./push-subscribe.js'));
