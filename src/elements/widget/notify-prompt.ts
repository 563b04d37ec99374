/**
 * The small prompt in `<chat-widget>`'s panel that asks whether to turn on notifications (SPEC
 * §10). The browser's permission dialog opens only from its button (a gesture); "Not now" is
 * remembered on this device. With a service worker named, turning on also subscribes the
 * device to Web Push.
 */
import { html, nothing } from 'lit';
import type { ChatClient } from '../../client/types.js';
import { notifyStrings } from '../i18n/notify.js';
import { loadPushSubscribe } from '../notify/load-push-subscribe.js';

const DISMISSED = 'natter:notify-dismissed';

export interface PromptHost {
  readonly client: ChatClient | undefined;
  readonly quiet: boolean;
  readonly serviceWorker: string;
  requestUpdate(): void;
}

function dismissed(): boolean {
  try {
    return globalThis.localStorage?.getItem(DISMISSED) === '1';
  } catch {
    return false;
  }
}

/** The prompt, while the permission is still to be asked and the person has not said "Not now". */
export function renderNotifyPrompt(host: PromptHost) {
  if (host.quiet || !host.client || typeof Notification === 'undefined' || Notification.permission !== 'default' || dismissed()) return nothing;
  const t = notifyStrings();
  const allow = async () => {
    const answer = await Notification.requestPermission();
    host.requestUpdate();
    if (answer === 'granted' && host.serviceWorker && host.client) await (await loadPushSubscribe()).subscribePush(host.client, host.serviceWorker);
  };
  const later = () => {
    try {
      globalThis.localStorage?.setItem(DISMISSED, '1');
    } catch {
      // Storage blocked: asked again next visit.
    }
    host.requestUpdate();
  };
  return html`<div part="notify-prompt" role="group" aria-label=${t.enable}>
    <span>${t.enablePrompt}</span>
    <button part="notify-allow" type="button" @click=${() => void allow().catch((err: unknown) => console.warn('[natter] notifications:', err))}>${t.allow}</button>
    <button part="notify-dismiss" type="button" @click=${later}>${t.notNow}</button>
  </div>`;
}
