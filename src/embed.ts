/**
 * The script-tag file, `dist/cdn/natter.js`: a small classic script that a page includes with
 * `<script src="…/natter.js" data-server="wss://chat.example.com/ws" data-token-url="/chat-token">`
 * from any path of any CDN. It reads its own `<script>` tag (`document.currentScript`, only set
 * while it first runs), puts a `<chat-widget>` on the page at once and imports the rest as ES
 * module chunks that sit next to it (resolved against its own URL): first the widget's closed
 * state (`./cdn/core.ts`: launcher, unread badge, the client), then, when the widget opens or the
 * page is idle, the panel's elements. Without `data-server` it mounts nothing and registers every
 * element.
 *
 * It imports nothing at run time but its chunks (type imports only), so the build can emit it as
 * a classic script; the build replaces `CORE_FILE` with the core chunk's file name.
 */
import type { ChatWidget, WidgetPosition } from './elements/chat-widget.js';

export interface MountOptions {
  /** WebSocket URL of the server; `https://…` or a page-relative `/ws` also work. */
  server: string;
  token?: string;
  tokenUrl?: string;
  conversation?: string;
  theme?: 'light' | 'dark' | '';
  /** Language of the widget (a tag: `ja`, `es-MX`, `ar` …, see README's Languages); default: the page's. */
  locale?: string;
  /** Corner of the launcher; `bottom-end` (default) and `bottom-start` follow the page's direction. */
  position?: WidgetPosition;
  /** Names the widget's remembered open/closed state. */
  id?: string;
  /** Turns off group actions (New group, Group info): `data-hide-groups`. */
  hideGroups?: boolean;
  /** URL of the site's `natter-sw.js` (its own origin), for Web Push. */
  serviceWorker?: string;
  /** A chime with each notification. */
  sound?: boolean;
  /** No title count, notifications or prompt. */
  quiet?: boolean;
  /** Turns off profile cards: `data-hide-profiles`. */
  hideProfiles?: boolean;
  /** Hides who is online and last seen: `data-hide-presence`. */
  hidePresence?: boolean;
  /** Turns off the Contacts view: `data-hide-contacts`. */
  hideContacts?: boolean;
  /** `off` shows text messages as written, without formatting (bold, lists, code …); the widget's `formatting` attribute. */
  formatting?: string;
}

/** What the script tag exposes as `window.Natter`. */
export interface NatterGlobal {
  /** Appends a configured `<chat-widget>` to the page (or `parent`) and returns it; it upgrades when its chunk is in. */
  mount(options: MountOptions, parent?: HTMLElement): ChatWidget;
  /** Reads the `data-*` attributes of a script tag; undefined when it names no server. */
  optionsFromScript(script: HTMLOrSVGScriptElement | null): MountOptions | undefined;
  /** The widget mounted from the script tag's attributes, if any. */
  widget: ChatWidget | undefined;
  /** Settles when the elements this script registers at once are registered (`<chat-widget>`, or all without `data-server`). */
  ready: Promise<void>;
  /** Registers every element, loading what is not loaded yet. */
  defineAll(): Promise<void>;
}

/** The core chunk's exports (`./cdn/core.ts`). */
interface Core {
  defineAll(): Promise<void>;
}

/** Replaced by the build with `./natter-core-<hash>.js`. */
const CORE_FILE = '__NATTER_CORE_FILE__';

// The same list as `WIDGET_POSITIONS` in chat-widget.ts, which this file must not import (it would
// bring Lit into the one file that has to be small); the type keeps them in step.
const POSITIONS: readonly WidgetPosition[] = ['bottom-end', 'bottom-start', 'bottom-right', 'bottom-left'];

/** Appends a configured `<chat-widget>` to the page's body (once the body exists) and returns it. */
function mount(options: MountOptions, parent?: HTMLElement): ChatWidget {
  // Until its chunk registers the tag this is a plain element; the properties set now are taken
  // over when it upgrades (Lit keeps properties set before the upgrade).
  const widget = document.createElement('chat-widget');
  widget.id = options.id || 'natter-widget';
  widget.server = options.server;
  if (options.token) widget.token = options.token;
  if (options.tokenUrl) widget.tokenUrl = options.tokenUrl;
  if (options.conversation) widget.conversation = options.conversation;
  if (options.theme) widget.theme = options.theme;
  if (options.position) widget.position = options.position;
  if (options.locale) widget.lang = options.locale;
  if (options.hideGroups) widget.setAttribute('hide-groups', '');
  if (options.hideProfiles) widget.setAttribute('hide-profiles', '');
  if (options.hidePresence) widget.setAttribute('hide-presence', '');
  if (options.serviceWorker) widget.serviceWorker = options.serviceWorker;
  if (options.sound) widget.sound = true;
  if (options.quiet) widget.quiet = true;
  if (options.hideContacts) widget.setAttribute('hide-contacts', '');
  if (options.formatting) widget.setAttribute('formatting', options.formatting);
  const attach = () => (parent ?? document.body).append(widget);
  if (parent || document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
  return widget;
}

/** Reads the `data-*` attributes of the script tag; undefined when it names no server. */
function optionsFromScript(script: HTMLOrSVGScriptElement | null): MountOptions | undefined {
  const data = (script as HTMLScriptElement | null)?.dataset;
  if (!data?.server) return undefined;
  const position = POSITIONS.find((p) => p === data.position);
  const theme = data.theme === 'light' || data.theme === 'dark' ? data.theme : '';
  return {
    server: data.server,
    ...(data.token ? { token: data.token } : {}),
    ...(data.tokenUrl ? { tokenUrl: data.tokenUrl } : {}),
    ...(data.conversation ? { conversation: data.conversation } : {}),
    ...(data.locale ? { locale: data.locale } : {}),
    ...(data.id ? { id: data.id } : {}),
    ...(flag(data.hideGroups) ? { hideGroups: true } : {}),
    ...(data.serviceWorker ? { serviceWorker: data.serviceWorker } : {}),
    ...(flag(data.sound) ? { sound: true } : {}),
    ...(flag(data.quiet) ? { quiet: true } : {}),
    ...(flag(data.hideProfiles) ? { hideProfiles: true } : {}),
    ...(flag(data.hidePresence) ? { hidePresence: true } : {}),
    ...(flag(data.hideContacts) ? { hideContacts: true } : {}),
    ...(data.formatting ? { formatting: data.formatting } : {}),
    theme,
    ...(position ? { position } : {}),
  };
}

/** A boolean data attribute: present (empty) or `true`; absent or `false` is off. */
function flag(value: string | undefined): boolean {
  return value !== undefined && value !== 'false';
}

// `currentScript` is only set while a classic script runs for the first time: read it now.
const script = document.currentScript as HTMLScriptElement | null;
const fromScript = optionsFromScript(script);
// The chunks sit next to this file, wherever it is served from (a classic script's own `import()`
// would resolve against it too; an absolute URL leaves no doubt in any browser).
const core = import(/* @vite-ignore */ new URL(CORE_FILE, script?.src || document.baseURI).href) as Promise<Core>;
const widget = fromScript ? mount(fromScript) : undefined;
const defineAll = () => core.then((m) => m.defineAll());

declare global {
  interface Window {
    Natter?: NatterGlobal;
  }
}

// A second copy of the script (registering nothing twice) keeps the first copy's widget.
window.Natter = {
  mount,
  optionsFromScript,
  widget: widget ?? window.Natter?.widget,
  ready: widget ? core.then(() => undefined) : defineAll(),
  defineAll,
};
