/**
 * Natter's render page: a real client (src/client) connects to the real server, which holds the
 * conversation, and syncs as a fresh device does (the newest page; prepare, not timed). `show` hands that client to a
 * `<chat-session>` holding a `<chat-thread>`: the timed part is the element rendering what the
 * client holds, through the public API only.
 */
import '../../src/elements/define.js';
import { createChatClient, createMemoryStorage, type ChatClient } from '../../src/client/index.js';
import type { ConversationId } from '../../src/protocol/index.js';
import { NEWEST } from './messages.js';
import { install, params, whenOnScreen } from './measure.js';

const p = params();
const conversation = p.get('conversation') as ConversationId;
let client: ChatClient;
let thread: HTMLElementTagNameMap['chat-thread'];

install({
  async prepare() {
    client = createChatClient({ url: p.get('ws')!, token: p.get('token')!, storage: createMemoryStorage() });
    const store = client.messages(conversation);
    await new Promise<void>((resolve) => {
      const check = () => {
        // A fresh device is given the newest page (older ones load on demand): ready once the
        // catch-up is done and the newest message is held.
        const last = store.get().at(-1);
        if (client.$sync.get() === 'synced' && last?.elem.type === 'text' && last.elem.text === NEWEST) resolve();
      };
      store.subscribe(check);
      client.$sync.subscribe(check);
    });
  },
  show(capMs) {
    const session = document.createElement('chat-session');
    session.client = client;
    session.style.cssText = 'display:block;height:100vh';
    thread = document.createElement('chat-thread');
    thread.conversation = conversation;
    thread.style.cssText = 'display:flex;flex-direction:column;height:100%';
    session.append(thread);
    const t0 = performance.now();
    document.body.append(session);
    return whenOnScreen(NEWEST, t0, capMs);
  },
  async loadAll(capMs) {
    // Pages the whole history in through the element's public `loadOlder()`, so the scroll
    // that follows goes from the very first message to the newest, as the peers' does.
    const t0 = performance.now();
    while (client.hasOlder(conversation).get() && performance.now() - t0 < capMs) {
      await thread.loadOlder();
      await new Promise((r) => setTimeout(r)); // it returns at once while a load is already running
    }
    return performance.now() - t0;
  },
});
