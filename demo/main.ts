/**
 * The Natter demo: logs in as `?user=<id>` (default alice) through a dev-mode server's token
 * route and wires the elements together. Which server (shown in the header):
 * - `?server=https://host:port`: that server;
 * - `?server=local`: the in-browser server;
 * - neither: the origin that served the page when it is a Natter server (its `/healthz` answers
 *   Natter's JSON), else the in-browser server, so the static build works from any CDN.
 * The in-browser server is the real server core with a memory store, in a SharedWorker shared by
 * this origin's tabs (two tabs chat as two users), or, without SharedWorker, inside this page.
 */
import '../src/elements/define.js';
import { createChatClient, createMemoryStorage } from '../src/client/index.js';
import { connectLocalServer, type LocalServerConnection, type LocalServerMode } from '../src/local/client.js';
import type { ChatClient, ConnectionState, SyncState } from '../src/client/types.js';
import type { CustomElem } from '../src/protocol/elems.js';
import { isConversationId, parseConversationId, p2pConversation, ID_PATTERN, type ConversationId } from '../src/protocol/ids.js';
import { initials, hueOf } from '../src/elements/format.js';
import { resolveLocale } from '../src/elements/i18n/locale.js';
import { DEMO_STRINGS } from './strings.js';

const DEMO_USERS = ['alice', 'bob', 'carol'];

const params = new URLSearchParams(location.search);
// `?lang=zh-CN` shows the elements' Simplified Chinese strings (they follow the nearest `lang`);
// `?lang=ar` lays the page out right to left as well, as an Arabic page would be.
if (params.get('lang')) document.documentElement.lang = params.get('lang')!;
if (params.get('lang') === 'ar') document.documentElement.dir = 'rtl';
/** The page's own words, in the language the elements speak here. */
const t = DEMO_STRINGS[resolveLocale(document.documentElement)];
localizePage();
const userId = params.get('user')?.trim() || 'alice';
const serverParam = params.get('server')?.trim() || '';
const endpoints = serverEndpoints(serverParam === 'local' ? null : serverParam);
let client: ChatClient;

const $ = <T extends Element>(selector: string) => document.querySelector<T>(selector)!;
const session = $<HTMLElementTagNameMap['chat-session']>('#session');
const list = $<HTMLElementTagNameMap['conversation-list']>('#list');
const thread = $<HTMLElementTagNameMap['chat-thread']>('#thread');
const composer = $<HTMLElementTagNameMap['message-composer']>('#composer');
const app = $<HTMLElement>('#app');
const title = $<HTMLElement>('#title');
const groupInfo = $<HTMLButtonElement>('#group-info');
const leftNotice = $<HTMLElement>('#left-notice');
const problem = $<HTMLElement>('#problem');

/** `?server=` may be an http(s) or ws(s) base URL; the token route and socket hang off it. */
function serverEndpoints(server: string | null): { http: string; ws: string } {
  const base = new URL(server || location.origin, location.href);
  if (base.protocol === 'ws:') base.protocol = 'http:';
  if (base.protocol === 'wss:') base.protocol = 'https:';
  const path = base.pathname.replace(/\/ws\/?$/, '').replace(/\/$/, '');
  const http = `${base.origin}${path}`;
  const ws = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${path}/ws`;
  return { http, ws };
}

async function fetchToken(): Promise<string> {
  const res = await fetch(`${endpoints.http}/v1/dev/token?user=${encodeURIComponent(userId)}`);
  if (!res.ok) throw new Error(`the token route answered ${res.status} ${res.statusText}`);
  const body = (await res.json()) as { userId: string; token: string };
  return body.token;
}

/** Is the origin that served the page a Natter server? Its `/healthz` says so (even a 503 one). */
async function sameOriginServer(): Promise<boolean> {
  try {
    const res = await fetch(new URL('/healthz', location.origin), { cache: 'no-store', signal: AbortSignal.timeout(3000) });
    if (!(res.headers.get('content-type') ?? '').includes('application/json')) return false;
    const body = (await res.json()) as { ok?: unknown; store?: unknown };
    return typeof body.ok === 'boolean' && typeof body.store === 'string';
  } catch {
    return false;
  }
}

/** The page's words in `t` (index.html holds the English, for a page that runs no script). */
function localizePage(): void {
  document.title = t.title;
  for (const el of document.querySelectorAll<HTMLElement>('[data-t]')) el.textContent = t[el.dataset.t as keyof typeof t];
  for (const el of document.querySelectorAll<HTMLElement>('[data-t-label]')) el.setAttribute('aria-label', t[el.dataset.tLabel as keyof typeof t]);
  for (const el of document.querySelectorAll<HTMLInputElement>('[data-t-placeholder]')) el.placeholder = t[el.dataset.tPlaceholder as keyof typeof t];
  const [before, after] = t.empty.split('{bob}');
  const bob = document.createElement('code');
  bob.textContent = 'bob';
  document.querySelector('#empty')?.replaceChildren(before ?? '', bob, after ?? '');
}

const MODE_TEXT: Record<LocalServerMode, string> = {
  'shared-worker': t.sharedWorker,
  'in-page': t.inPage,
};

function renderMode(mode: 'server' | LocalServerMode): void {
  const el = $<HTMLElement>('#mode');
  el.dataset.mode = mode;
  if (mode === 'server') {
    el.textContent = t.server.replace('{host}', new URL(endpoints.http).host);
    el.title = endpoints.ws;
  } else {
    el.textContent = MODE_TEXT[mode];
    el.title = t.noServer;
  }
}

function showProblem(text: string): void {
  problem.textContent = text;
  problem.hidden = false;
}

function renderSwitchLinks(): void {
  const links = $<HTMLElement>('#switch-links');
  const others = DEMO_USERS.filter((u) => u !== userId);
  links.replaceChildren(
    ...others.map((u) => {
      const a = document.createElement('a');
      const next = new URLSearchParams(params);
      next.set('user', u);
      a.href = `?${next}${location.hash}`;
      a.target = '_blank';
      a.rel = 'noopener';
      a.textContent = u;
      return a;
    }),
  );
}

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  idle: t.idle,
  connecting: t.connecting,
  online: t.online,
  offline: t.offline,
  closed: t.closed,
};

function renderState(connection: ConnectionState, sync: SyncState): void {
  const state = $<HTMLElement>('#state');
  state.dataset.state = connection;
  const syncing = connection === 'online' && sync === 'syncing' ? ` · ${t.syncing}` : '';
  $<HTMLElement>('#state-text').textContent = CONNECTION_TEXT[connection] + syncing;
}

function openConversation(id: ConversationId, { focus = true } = {}): void {
  list.selected = id;
  thread.conversation = id;
  composer.conversation = id;
  app.dataset.view = 'thread';
  if (location.hash.slice(1) !== id) history.replaceState(null, '', `${location.search}#${id}`);
  renderTitle(client);
  if (focus) void focusThread();
}

/**
 * Focus into the thread just opened, once the composer has rendered for it (as <chat-widget>
 * does): called at once, it could find no field yet, and focus stayed where it was, e.g. on the
 * New group button the create dialog returned it to, which the narrow layout then hides (focus
 * fell to <body>). In a group one has left (no composer): the Back button when the narrow layout
 * shows it, else the list.
 */
async function focusThread(): Promise<void> {
  await composer.updateComplete;
  if (!composer.hidden) {
    composer.focus();
    return;
  }
  const back = $<HTMLButtonElement>('#back');
  if (back.getClientRects().length > 0) back.focus();
  else list.focus();
}

function renderTitle(c: ChatClient): void {
  const id = thread.conversation;
  if (!isConversationId(id)) {
    title.textContent = t.pick;
    return;
  }
  const summary = c.$conversations.get().find((s) => s.id === id);
  const { type, target } = parseConversationId(id);
  title.textContent = summary?.name || (type === 'group' ? `# ${target}` : target);
  // A group one is no longer in stays readable: no composer, no group panel (SPEC §13).
  groupInfo.hidden = type !== 'group' || !!summary?.left;
  leftNotice.hidden = !summary?.left;
  composer.hidden = !!summary?.left;
}

/** Developer-defined stickers (sent as face elems `{data: key}`), files in `demo/public/stickers/`. */
const STICKERS = [
  { key: 'wave', label: 'Waving smiley' },
  { key: 'thanks', label: 'Thank-you heart' },
  { key: 'party', label: 'Party popper' },
].map((s) => ({ ...s, url: new URL(`stickers/${s.key}.svg`, document.baseURI).href }));

/**
 * The demo's renderer for custom elems of type `poll` (`data`: JSON `{question, options: [{label,
 * votes}]}`), showing how a host page draws its own message types; other custom types fall back
 * to their description.
 */
function renderPoll(elem: CustomElem): Node {
  const { question, options } = JSON.parse(elem.data) as { question: string; options: { label: string; votes: number }[] };
  const total = options.reduce((n, o) => n + o.votes, 0) || 1;
  const box = document.createElement('div');
  box.style.cssText = 'display:grid;gap:.35rem;min-width:12rem';
  const head = document.createElement('strong');
  head.textContent = `📊 ${question}`;
  box.append(head);
  for (const o of options) {
    const line = document.createElement('div');
    const share = Math.round((o.votes / total) * 100);
    line.style.cssText = `display:flex;justify-content:space-between;gap:1rem;padding:.15rem .4rem;border-radius:.3rem;background:linear-gradient(to right, color-mix(in srgb, currentColor 18%, transparent) ${share}%, transparent ${share}%)`;
    const label = document.createElement('span');
    label.textContent = o.label;
    const count = document.createElement('span');
    count.textContent = `${share}%`;
    line.append(label, count);
    box.append(line);
  }
  return box;
}

function wire(c: ChatClient): void {
  session.client = c;
  session.stickers = STICKERS;
  c.registerRenderer('poll', renderPoll);
  // For experiments in the console and the whole-product tests (e.g. send options the composer
  // has no control for: `natterDemo.client.send('group:demo', 'hi', {needReadReceipt: true})`).
  Object.assign(window, { natterDemo: { client: c } });
  document.title = `${userId} · ${t.title}`;
  const meName = $<HTMLElement>('#me-name');
  const meAvatar = $<HTMLElement>('#me-avatar');
  const showMe = (name: string, id: string) => {
    meName.textContent = name === id ? id : `${name} (${id})`;
    meAvatar.textContent = initials(name);
    meAvatar.style.setProperty('--hue', String(hueOf(id)));
  };
  showMe(userId, userId);
  c.$me.subscribe((me) => me && showMe(me.name || me.id, me.id));
  c.$connection.subscribe((connection) => {
    renderState(connection, c.$sync.get());
    // A login that failed while the network or server was away (e.g. a reload offline) is
    // explained; once connected, the explanation is stale and would cover the composer.
    if (connection === 'online') problem.hidden = true;
  });
  c.$sync.subscribe((sync) => renderState(c.$connection.get(), sync));
  c.$conversations.subscribe(() => renderTitle(c));

  list.addEventListener('conversation-select', (e) => openConversation(e.detail.conversationId));
  // A search result opened in the list (search of all conversations): open it at the message.
  list.addEventListener('search-result-select', async (e) => {
    openConversation(e.detail.conversationId, { focus: false });
    await thread.updateComplete;
    await thread.jumpTo(e.detail.messageId);
  });
  groupInfo.addEventListener('click', () => void $<HTMLElementTagNameMap['group-panel']>('#group-panel').show(thread.conversation));
  $<HTMLButtonElement>('#back').addEventListener('click', () => {
    app.dataset.view = 'list';
    list.focus();
  });
  $<HTMLFormElement>('#new-chat').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $<HTMLInputElement>('#peer');
    const peer = input.value.trim();
    if (!ID_PATTERN.test(peer)) return;
    if (peer === userId) {
      input.setCustomValidity(t.thatIsYou);
      input.reportValidity();
      return;
    }
    input.value = '';
    openConversation(p2pConversation(peer));
  });
  $<HTMLInputElement>('#peer').addEventListener('input', (e) => (e.target as HTMLInputElement).setCustomValidity(''));

  const fromHash = hashConversation();
  if (fromHash) openConversation(fromHash, { focus: false });
  else app.dataset.view = 'list';
  // A link to another conversation pasted into this tab changes only the hash: no page load.
  addEventListener('hashchange', () => {
    const id = hashConversation();
    if (id && id !== thread.conversation) openConversation(id);
  });
}

/** The conversation the URL's hash names (`#p2p:bob`, `#group:demo`), if it names one. */
function hashConversation(): ConversationId | undefined {
  const id = decodeURIComponent(location.hash.slice(1));
  return isConversationId(id) ? id : undefined;
}

function setupTheme(): void {
  const select = $<HTMLSelectElement>('#theme');
  const apply = (theme: string) => {
    session.theme = theme === 'light' || theme === 'dark' ? theme : '';
    if (theme) document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
  };
  select.value = localStorage.getItem('natter-demo-theme') ?? '';
  apply(select.value);
  select.addEventListener('change', () => {
    localStorage.setItem('natter-demo-theme', select.value);
    apply(select.value);
  });
}

renderSwitchLinks();
setupTheme();

const useLocal = serverParam === 'local' || (!serverParam && !(await sameOriginServer()));
if (useLocal) {
  let local: LocalServerConnection | undefined;
  try {
    local = await connectLocalServer({
      sharedWorker: () => new SharedWorker(new URL('../src/local/worker.ts', import.meta.url), { type: 'module', name: 'natter-local' }),
    });
  } catch (err) {
    showProblem(`Could not start the in-browser server: ${err instanceof Error ? err.message : String(err)}.`);
  }
  if (local) {
    renderMode(local.mode);
    const server = local;
    // Memory storage: the in-browser server forgets everything when its last tab closes, so a
    // cache kept on the device would claim messages (seqs) the next one never sent.
    client = createChatClient({ url: server.url, WebSocket: server.WebSocket, getToken: () => server.token(userId), storage: createMemoryStorage(), storageKey: userId });
    wire(client);
    server.token(userId).catch((err: unknown) => showProblem(`Could not log in as "${userId}": ${err instanceof Error ? err.message : String(err)}.`));
  }
} else {
  renderMode('server');
  // storageKey: the outbox must be found before a token can be fetched (a reload while offline).
  client = createChatClient({ url: endpoints.ws, getToken: fetchToken, storageKey: userId });
  wire(client);
  // Check the server early so a missing one is explained instead of spinning forever.
  fetchToken().catch((err: unknown) => {
    showProblem(
      `Could not log in as "${userId}" at ${endpoints.http}: ${err instanceof Error ? err.message : String(err)}. ` +
        'Start the server (npm start) and open the demo from it, or pass ?server=<url>, or ?server=local for the in-browser server.',
    );
  });
}
