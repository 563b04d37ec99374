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

/** Options that are properties of `<chat-widget>` of the same name, set when given. */
const PROPERTIES = ['server', 'token', 'tokenUrl', 'conversation', 'theme', 'position', 'serviceWorker', 'sound', 'quiet'] as const;
/** Options that are boolean attributes of `<chat-widget>`, set (empty) when true. */
const FLAG_ATTRIBUTES = { hideGroups: 'hide-groups', hideProfiles: 'hide-profiles', hidePresence: 'hide-presence', hideContacts: 'hide-contacts' } as const;
/** Options read from `data-*` attributes of the same name (`data-token-url` is `tokenUrl`) as text, when not empty. */
const DATA_TEXT = ['token', 'tokenUrl', 'conversation', 'locale', 'id', 'serviceWorker', 'formatting'] as const;
/** Options read from `data-*` attributes as flags (see `flag`). */
const DATA_FLAGS = ['hideGroups', 'sound', 'quiet', 'hideProfiles', 'hidePresence', 'hideContacts'] as const;

/** Appends a configured `<chat-widget>` to the page's body (once the body exists) and returns it. */
function mount(options: MountOptions, parent?: HTMLElement): ChatWidget {
  // Until its chunk registers the tag this is a plain element; the properties set now are taken
  // over when it upgrades (Lit keeps properties set before the upgrade).
  const widget = document.createElement('chat-widget');
  widget.id = options.id || 'natter-widget';
  for (const key of PROPERTIES) if (options[key]) (widget as unknown as Record<string, unknown>)[key] = options[key];
  if (options.locale) widget.lang = options.locale;
  for (const key of Object.keys(FLAG_ATTRIBUTES) as (keyof typeof FLAG_ATTRIBUTES)[]) if (options[key]) widget.setAttribute(FLAG_ATTRIBUTES[key], '');
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
  const options: MountOptions = { server: data.server, theme: data.theme === 'light' || data.theme === 'dark' ? data.theme : '' };
  for (const key of DATA_TEXT) if (data[key]) options[key] = data[key];
  for (const key of DATA_FLAGS) if (flag(data[key])) options[key] = true;
  const position = POSITIONS.find((p) => p === data.position);
  if (position) options.position = position;
  return options;
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
