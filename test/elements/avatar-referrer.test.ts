/**
 * Avatars and media never send a Referer (it would tell the image's host which page and
 * conversation is open): every avatar <img> of chat-thread and conversation-list carries
 * referrerpolicy="no-referrer", in real Chromium against the real server. And media URLs that a
 * browser reads as another host (`//host`, `/\host`) are refused.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { createChatClient } from '../../src/client/index.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import { safeMediaUrl } from '../../src/elements/thread/elems/safe-url.js';
import { closeClients, connect, uniqueUser } from './helpers.js';

const AVATAR = '/__natter/picture.svg?w=16&h=16&hue=30';

describe('avatar and media images', () => {
  afterEach(closeClients);

  it('carry referrerpolicy="no-referrer" in chat-thread and conversation-list', async () => {
    const aliceId = uniqueUser('alice');
    const bobId = uniqueUser('bob');
    const bob = await connect(bobId, 'Bob');
    // Alice's token carries an avatar (a profile claim), as a host backend would sign it.
    const res = await fetch(`/__natter/token?${new URLSearchParams({ user: aliceId, name: 'Alice', avatar: AVATAR })}`);
    const { token, url } = (await res.json()) as { token: string; url: string };
    const alice = createChatClient({ url, token });
    try {
      await waitUntil(() => alice.$sync.get() === 'synced', 'alice should sync');
      await alice.send(`p2p:${bobId}`, 'hello with a face');
      const list = await fixture<ConversationList>(html`<conversation-list .client=${bob}></conversation-list>`);
      const thread = await fixture<ChatThread>(html`<chat-thread style="height: 300px" .client=${bob} conversation=${`p2p:${aliceId}`}></chat-thread>`);
      const avatars = () => [list, thread].flatMap((el) => [...el.shadowRoot!.querySelectorAll<HTMLImageElement>('img[part~="avatar"]')]);
      await waitUntil(() => avatars().length === 2, 'an avatar image in the list and in the thread');
      for (const img of avatars()) {
        expect(img.getAttribute('src')).to.equal(AVATAR);
        expect(img.referrerPolicy).to.equal('no-referrer');
      }
    } finally {
      await alice.close();
    }
  });

  it('refuses media URLs a browser reads as another host', () => {
    for (const hostile of ['/\\evil.example/a.png', '//evil.example/a.png', '/\t/evil.example', '/\\/evil.example', '/a\nb']) {
      expect(safeMediaUrl(hostile), JSON.stringify(hostile)).to.equal(undefined);
    }
    expect(new URL('/\\evil.example/a.png', location.href).host).to.equal('evil.example');
    expect(safeMediaUrl('/v1/files/abc/a.png?ticket=x')).to.equal('/v1/files/abc/a.png?ticket=x');
    expect(safeMediaUrl('https://cdn.example/a.png')).to.equal('https://cdn.example/a.png');
  });
});
