import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { createChatClient, createMemoryStorage, type ChatClientOptions, type ClientStorage } from '../../src/client/index.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import type { ChatSearch } from '../../src/elements/search/chat-search.js';
import type { ConversationId } from '../../src/protocol/ids.js';

const open: ChatClient[] = [];

/** A user id no other test uses (the server lives for the whole run). */
export function uniqueUser(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Fetches a token from the test runner's route (see web-test-runner.config.mjs). */
export async function tokenFor(userId: string, name?: string): Promise<{ token: string; url: string }> {
  const query = new URLSearchParams({ user: userId, ...(name ? { name } : {}) });
  const res = await fetch(`/__natter/token?${query}`);
  if (!res.ok) throw new Error(`token route: ${res.status}`);
  return (await res.json()) as { token: string; url: string };
}

/** A real client logged in to the real server, synced. Closed by `closeClients()`. */
export async function connect(userId: string, name?: string): Promise<ChatClient> {
  const { token, url } = await tokenFor(userId, name);
  const client = createChatClient({ url, token });
  open.push(client);
  await waitUntil(() => client.$sync.get() === 'synced', `${userId} should sync`);
  return client;
}

/**
 * The life of the client an element made itself from `server` + `token` (`<chat-session>`,
 * `<chat-widget>`; `el` is on the page with its first token): moved (removed and inserted in one
 * task), it keeps it open; a new token closes it and makes one that signs in as the new user;
 * removed, it closes that one.
 */
export async function expectOwnClientLife(el: HTMLElement & { client?: ChatClient; token: string; updateComplete: Promise<boolean> }): Promise<void> {
  const old = el.client!;
  await waitUntil(() => old.$connection.get() === 'online', 'the element should connect');

  document.body.prepend(el);
  await Promise.resolve();
  expect(el.client).to.equal(old);
  expect(old.$connection.get()).to.equal('online');

  const secondUser = uniqueUser('second');
  el.token = (await tokenFor(secondUser)).token;
  await el.updateComplete;
  const fresh = el.client!;
  expect(fresh).to.not.equal(old);
  await waitUntil(() => old.$connection.get() === 'closed', 'the client made for the old token should close');
  await waitUntil(() => fresh.$me.get()?.id === secondUser, 'the new client should sign in as the new user');
  el.remove();
  await waitUntil(() => fresh.$connection.get() === 'closed', 'the new client should close when removed');
}

/** Sends `count` texts `<prefix><i>` from `from` to `to` through the admin API (long histories). */
export async function seed(from: string, to: string, count: number, options: { prefix?: string; mention?: number[] } = {}): Promise<void> {
  const q = new URLSearchParams({ from, to, count: String(count), prefix: options.prefix ?? '#', mention: (options.mention ?? []).join(',') });
  const res = await fetch(`/__natter/seed?${q}`);
  if (!res.ok) throw new Error(`seed route: ${res.status}`);
}

/** A fresh device of `userId` (memory storage): the server gives it the newest page, older ones on demand. */
export async function freshDevice(userId: string): Promise<ChatClient> {
  const { token, url } = await tokenFor(userId);
  const client = createChatClient({ url, token, storage: createMemoryStorage() });
  await waitUntil(() => client.$sync.get() === 'synced', `${userId} should sync`);
  return client;
}

/** The URL of no server (nothing listens on port 9): a client on it stays offline. */
export const OFFLINE_URL = 'ws://127.0.0.1:9/ws';

/** A client with these options, not waited on. Closed by `closeClients()`. */
export function device(options: ChatClientOptions): ChatClient {
  const client = createChatClient(options);
  open.push(client);
  return client;
}

/** A device that held a message online and is now offline, with what a reload of it needs. */
export interface OfflineDevice {
  client: ChatClient;
  token: string;
  url: string;
  storage: ClientStorage;
}

/**
 * A device of `userId` that got message `messageId` of `conversation` online and stored it, then
 * reopened on the same storage without a connection (OFFLINE_URL), as after a reload offline.
 * `options` go to the offline client (a short `ackTimeoutMs`, say). Closed by `closeClients()`.
 */
export async function offlineDevice(userId: string, name: string, conversation: ConversationId, messageId: string, options: Partial<ChatClientOptions> = {}): Promise<OfflineDevice> {
  const { token, url } = await tokenFor(userId, name);
  const storage = createMemoryStorage();
  const online = device({ url, token, storage });
  await waitUntil(() => online.messages(conversation).get().some((m) => m.id === messageId), 'the device should hold the message');
  await online.close();
  await waitUntil(async () => JSON.stringify(await storage.loadState()).includes(messageId), 'the device should have stored it');
  return { client: device({ ...options, url: OFFLINE_URL, token, storage }), token, url, storage };
}

/** A thread of `conversation` above a composer for it, both on `client`, as a page lays them out. */
export async function threadWithComposer(client: ChatClient, conversation: ConversationId): Promise<{ thread: ChatThread; composer: MessageComposer }> {
  const root = await fixture<HTMLElement>(html`<div style="display: flex; flex-direction: column; height: 500px; width: 420px">
    <chat-thread style="flex: 1" .client=${client} conversation=${conversation}></chat-thread>
    <message-composer .client=${client} conversation=${conversation}></message-composer>
  </div>`);
  return { thread: root.querySelector<ChatThread>('chat-thread')!, composer: root.querySelector<MessageComposer>('message-composer')! };
}

/** Alice and Bob under fresh ids, each a real synced client (Bob connects first). */
export interface Pair {
  aliceId: string;
  bobId: string;
  alice: ChatClient;
  bob: ChatClient;
}

/** Connects a fresh Bob (named `bobName`), then a fresh Alice. Closed by `closeClients()`. */
export async function connectPair(bobName = 'Bob'): Promise<Pair> {
  const aliceId = uniqueUser('alice');
  const bobId = uniqueUser('bob');
  const bob = await connect(bobId, bobName);
  const alice = await connect(aliceId, 'Alice');
  return { aliceId, bobId, alice, bob };
}

/** Alice, Bob and Carol under fresh ids, each a real synced client. */
export interface Trio extends Pair {
  carolId: string;
  carol: ChatClient;
}

/** Connects a fresh Bob (named `bobName`), Carol, then Alice. Closed by `closeClients()`. */
export async function connectTrio(bobName = 'Bob'): Promise<Trio> {
  const [aliceId, bobId, carolId] = [uniqueUser('alice'), uniqueUser('bob'), uniqueUser('carol')];
  const bob = await connect(bobId, bobName);
  const carol = await connect(carolId, 'Carol');
  const alice = await connect(aliceId, 'Alice');
  return { aliceId, bobId, carolId, alice, bob, carol };
}

export async function closeClients(): Promise<void> {
  await Promise.all(open.splice(0).map((c) => c.close()));
}

/** First element in `el`'s shadow root whose `part` has `name`. */
export function part<T extends Element = HTMLElement>(el: Element, name: string): T | null {
  return el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

/** Every element in `el`'s shadow root whose `part` has `name`. */
export function parts<T extends Element = HTMLElement>(el: Element, name: string): T[] {
  return [...el.shadowRoot!.querySelectorAll<T>(`[part~="${name}"]`)];
}

/**
 * Resolves once `el` (a `<chat-thread>`) draws every picture, player and card it shows: their
 * renderer is fetched with the first such message, and a placeholder (a busy image) stands in
 * until it is in.
 */
export async function mediaDrawn(el: Element): Promise<void> {
  await waitUntil(() => !el.shadowRoot!.querySelector('[role="img"][aria-busy="true"]'), 'the media renderer should load');
}

/** Opens the search of a thread or list by its button; resolves with the rendered `<chat-search>`. */
export async function openSearch(host: HTMLElement): Promise<ChatSearch> {
  part(host, 'search-button')!.click();
  await waitUntil(() => part(host, 'search'), 'the search should open');
  const search = part<ChatSearch>(host, 'search')!;
  await search.updateComplete;
  return search;
}

/** A sentence as it reads, the isolates (FSI … PDI, i18n/isolate.ts) around its names left out. */
export const plain = (s: string | null | undefined): string => (s ?? '').replace(/[\u2068\u2069]/g, '');

/** `systemText` (i18n/elems.ts, loaded on first use), read as it is seen: through `plain`. */
export async function plainSystemText(): Promise<(...args: Parameters<typeof import('../../src/elements/i18n/elems.js').systemText>) => string> {
  const { systemText } = await import('../../src/elements/i18n/elems.js');
  return (...args) => plain(systemText(...args));
}

/**
 * Where on screen `word` begins: the left edge of its first character in the first text node under
 * `root` that holds it (shadow roots not entered). Words read left to right when these rise.
 */
export function wordLeft(root: Element, word: string): number {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.nodeValue!.indexOf(word);
    if (at === -1) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    return range.getBoundingClientRect().left;
  }
  throw new Error(`no text holds "${word}"`);
}
