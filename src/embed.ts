/**
 * The script-tag entry, built into `dist/cdn/natter.js` (one classic script, no imports, so it
 * can be served from any path of any CDN). It registers every element; when its own `<script>`
 * tag names a server it also mounts a `<chat-widget>`:
 *
 *   <script src="…/natter.js" data-server="wss://chat.example.com/ws" data-token-url="/chat-token"></script>
 *
 * The build exposes this module as the global `Natter` (`Natter.mount({...})` for pages that
 * want to mount a widget themselves).
 */
import './elements/define.js';
import { WIDGET_POSITIONS, type ChatWidget, type WidgetPosition } from './elements/chat-widget.js';

export interface MountOptions {
  /** WebSocket URL of the server; `https://…` or a page-relative `/ws` also work. */
  server: string;
  token?: string;
  tokenUrl?: string;
  conversation?: string;
  theme?: 'light' | 'dark' | '';
  /** Language of the widget (`en`, `zh-CN`); default: the page's. */
  locale?: string;
  /** Corner of the launcher; `bottom-end` (default) and `bottom-start` follow the page's direction. */
  position?: WidgetPosition;
  /** Names the widget's remembered open/closed state. */
  id?: string;
}

/** Appends a configured `<chat-widget>` to the page's body (once the body exists) and returns it. */
export function mount(options: MountOptions, parent?: HTMLElement): ChatWidget {
  const widget = document.createElement('chat-widget');
  widget.id = options.id || 'natter-widget';
  widget.server = options.server;
  if (options.token) widget.token = options.token;
  if (options.tokenUrl) widget.tokenUrl = options.tokenUrl;
  if (options.conversation) widget.conversation = options.conversation;
  if (options.theme) widget.theme = options.theme;
  if (options.position) widget.position = options.position;
  if (options.locale) widget.lang = options.locale;
  const attach = () => (parent ?? document.body).append(widget);
  if (parent || document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
  return widget;
}

/** Reads the `data-*` attributes of the script tag; undefined when it names no server. */
export function optionsFromScript(script: HTMLOrSVGScriptElement | null): MountOptions | undefined {
  const data = (script as HTMLScriptElement | null)?.dataset;
  if (!data?.server) return undefined;
  const position = WIDGET_POSITIONS.find((p) => p === data.position);
  const theme = data.theme === 'light' || data.theme === 'dark' ? data.theme : '';
  return {
    server: data.server,
    ...(data.token ? { token: data.token } : {}),
    ...(data.tokenUrl ? { tokenUrl: data.tokenUrl } : {}),
    ...(data.conversation ? { conversation: data.conversation } : {}),
    ...(data.locale ? { locale: data.locale } : {}),
    ...(data.id ? { id: data.id } : {}),
    theme,
    ...(position ? { position } : {}),
  };
}

// `currentScript` is only set while a classic script runs for the first time: read it now.
const fromScript = optionsFromScript(document.currentScript);

/** The widget mounted from the script tag's attributes, if any. */
export const widget: ChatWidget | undefined = fromScript ? mount(fromScript) : undefined;
