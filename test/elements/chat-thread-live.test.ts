/**
 * The live parts of `<chat-thread>` in real Chromium against the real server: who is typing,
 * group read receipts rising as members read, and the progress and cancel button of an upload.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { createChatClient } from '../../src/client/chat-client.js';
import { createMemoryStorage } from '../../src/client/storage-memory.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { closeClients, connect, connectPair, connectTrio, mediaDrawn, part, parts, tokenFor, uniqueUser, type Pair, plain } from './helpers.js';

function thread(client: ChatClient, conversation: string, lang = 'en'): Promise<ChatThread> {
  return fixture<HTMLElement>(
    html`<div lang=${lang}><chat-thread style="height: 500px; display: flex" .client=${client} conversation=${conversation}></chat-thread></div>`,
  ).then((wrapper) => wrapper.querySelector('chat-thread')!);
}

const typingText = (el: ChatThread) => plain(part(el, 'typing')?.textContent).trim();

describe('chat-thread live state', () => {
  afterEach(closeClients);

  /** Alice and Bob for the typing and uploads tests, fresh for each test. */
  let { aliceId, bobId, alice, bob } = {} as Pair;
  const connectAliceAndBob = async () => {
    ({ aliceId, bobId, alice, bob } = await connectPair());
  };

  describe('typing', () => {
    beforeEach(async () => {
      await connectAliceAndBob();
      await bob.send(`p2p:${aliceId}`, 'hi');
    });

    it('shows "Bob is typing…" under the last message in a polite live region, gone when his message arrives', async () => {
      const el = await thread(alice, `p2p:${bobId}`);
      await waitUntil(() => parts(el, 'bubble').length === 1, 'the first message should show');
      const row = part(el, 'typing')!;
      expect(row.getAttribute('aria-live')).to.equal('polite');
      expect(typingText(el)).to.equal('');

      bob.sendTyping(`p2p:${aliceId}`);
      await waitUntil(() => typingText(el) === 'Bob is typing…', 'the typing row should say who types');
      // Under the last message, and the log still shows the bottom.
      const bubble = part(el, 'bubble')!.getBoundingClientRect();
      expect(part(el, 'typing')!.getBoundingClientRect().top).to.be.at.least(bubble.bottom);
      const log = part(el, 'log')!;
      expect(log.scrollHeight - log.scrollTop - log.clientHeight).to.be.lessThan(2);

      await bob.send(`p2p:${aliceId}`, 'done typing');
      await waitUntil(() => parts(el, 'bubble').length === 2, 'his message should arrive');
      await waitUntil(() => typingText(el) === '', 'his message should end the typing row');
    });

    it('clears the typing row by itself when the signals stop', async function () {
      const el = await thread(alice, `p2p:${bobId}`);
      bob.sendTyping(`p2p:${aliceId}`);
      await waitUntil(() => typingText(el) !== '', 'the typing row should show');
      const shown = Date.now();
      await waitUntil(() => typingText(el) === '', 'the typing row should expire', { interval: 100 });
      expect(Date.now() - shown).to.be.greaterThan(4000);
    });

    it('counts people typing in a group, in Chinese too', async () => {
      const carolId = uniqueUser('carol');
      const carol = await connect(carolId, 'Carol');
      const groupId = uniqueUser('g');
      await fetch(`/__natter/group?id=${groupId}&members=${aliceId},${bobId},${carolId}&name=Team`);
      const group = `group:${groupId}` as const;
      const el = await thread(alice, group, 'zh-CN');
      await waitUntil(() => parts(el, 'message').length > 0, 'the group should show');
      bob.sendTyping(group);
      await waitUntil(() => typingText(el) === 'Bob 正在输入…', 'one typist is named');
      carol.sendTyping(group);
      await waitUntil(() => typingText(el) === '2 人正在输入…', 'two typists are counted');
    });
  });

  describe('uploads', () => {
    beforeEach(connectAliceAndBob);

    it('shows a progress bar and a cancel button on an uploading file; cancel leaves it failed with resend', async function () {
      const el = await thread(alice, `p2p:${bobId}`);
      const big = new Blob([new Uint8Array(90_000_000)], { type: 'application/octet-stream' });
      const sending = alice.sendFile(`p2p:${bobId}`, big, { name: 'big.bin' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      await waitUntil(() => part(el, 'progress'), 'the upload should show its progress', { interval: 5 });
      const bar = part(el, 'progress')!;
      expect(bar.getAttribute('role')).to.equal('progressbar');
      expect(bar.getAttribute('aria-valuemin')).to.equal('0');
      expect(bar.getAttribute('aria-valuemax')).to.equal('100');
      const now = Number(bar.getAttribute('aria-valuenow'));
      expect(now).to.be.within(0, 100);
      expect(bar.getAttribute('aria-label')).to.equal(`Uploading ${now}%`);
      // On the sending bubble, which already shows the file card.
      const message = part(el, 'message')!;
      expect(message.part.contains('sending')).to.equal(true);
      await mediaDrawn(el);
      expect(message.querySelector('[part~="file-name"]')!.textContent).to.equal('big.bin');
      const cancel = part<HTMLButtonElement>(el, 'cancel-upload-button')!;
      expect(cancel.getAttribute('aria-label')).to.equal('Cancel upload');

      cancel.click();
      expect(await sending).to.have.property('name', 'UPLOAD_CANCELLED');
      await waitUntil(() => part(el, 'resend-button'), 'the cancelled upload should offer a resend');
      expect(part(el, 'message')!.part.contains('failed')).to.equal(true);
      expect(part(el, 'progress')).to.equal(null);
      part<HTMLButtonElement>(el, 'discard-button')!.click();
      await waitUntil(() => parts(el, 'message').length === 0, 'discard should remove it');
    });

    it('sends an image with the upload: the sender sees it at once, sized, and the peer sees the uploaded preview', async () => {
      const canvas = new OffscreenCanvas(300, 200);
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#4f46e5';
      g.fillRect(0, 0, 300, 200);
      const png = await canvas.convertToBlob({ type: 'image/png' });
      const mine = await thread(alice, `p2p:${bobId}`);
      const sent = alice.sendFile(`p2p:${bobId}`, png, { name: 'square.png' });
      await waitUntil(() => part(mine, 'image'), 'the sender should see the image at once');
      const local = part<HTMLImageElement>(mine, 'image')!;
      expect(local.getAttribute('width')).to.equal('300');
      expect(local.getAttribute('height')).to.equal('200');
      const message = await sent;
      expect(message.elem.type).to.equal('image');
      const url = (message.elem as { url: string }).url;
      expect(url).to.match(/\/v1\/files\//);

      const theirs = await thread(bob, `p2p:${aliceId}`);
      await waitUntil(() => part(theirs, 'image'), 'bob should see the image');
      const img = part<HTMLImageElement>(theirs, 'image')!;
      expect(img.getAttribute('src')).to.equal(bob.fileUrl(url));
      expect(img.getAttribute('src')).to.contain('ticket=');
      await waitUntil(() => img.complete && img.naturalWidth === 300, 'the uploaded picture should load for bob');
      expect(img.getBoundingClientRect().width).to.be.closeTo(256, 0.5);
    });
  });

  describe('read receipts', () => {
    it('shows "Read by n of m" on an own group message that asked for receipts, rising as members read, with the list of readers', async () => {
      const { aliceId, bobId, carolId, alice, bob, carol } = await connectTrio();
      const groupId = uniqueUser('g');
      await fetch(`/__natter/group?id=${groupId}&members=${aliceId},${bobId},${carolId}&name=Team`);
      const group = `group:${groupId}` as const;
      await waitUntil(() => bob.$conversations.get().some((c) => c.id === group) && carol.$conversations.get().some((c) => c.id === group), 'the group should reach everyone');

      const el = await thread(alice, group);
      await alice.send(group, 'please read', { needReadReceipt: true });
      await alice.send(group, 'no receipts for this one');
      const button = () => part<HTMLButtonElement>(el, 'receipts-button');
      await waitUntil(() => button()?.textContent?.trim() === 'Read by 0 of 2', 'no one has read it yet');
      // Only the message that asked for receipts counts readers.
      expect(parts(el, 'receipts-button')).to.have.length(1);
      expect(parts(el, 'status').at(-1)!.textContent!.trim()).to.equal('Sent');

      await waitUntil(() => (bob.$conversations.get().find((c) => c.id === group)?.lastSeq ?? 0) >= 3, 'bob should hold the messages');
      bob.markRead(group);
      await waitUntil(() => button()?.textContent?.trim() === 'Read by 1 of 2', 'bob read it');

      // The list's code and styles come on the first press (thread/reader-list.ts), after the thread's own sheets.
      const styled = () => el.shadowRoot!.adoptedStyleSheets.some((sheet) => [...sheet.cssRules].some((rule) => rule instanceof CSSStyleRule && rule.selectorText.includes('readers-list')));
      expect(styled(), 'a thread shows without the reader list’s styles').to.equal(false);
      button()!.click();
      await waitUntil(() => part(el, 'receipts'), 'the reader list should open');
      expect(button()!.getAttribute('aria-expanded')).to.equal('true');
      expect(styled()).to.equal(true);
      const list = getComputedStyle(part(el, 'receipts')!);
      expect([list.display, list.borderTopWidth, list.fontSize]).to.deep.equal(['flex', '1px', '13px']);
      expect(getComputedStyle(part(el, 'readers-list')!).listStyleType).to.equal('none');
      const names = (list: string) => parts(el, list)[0]!.querySelectorAll('[part~="reader"]');
      expect([...names('readers-list')].map((n) => n.textContent)).to.deep.equal(['Bob']);
      expect([...names('unread-list')].map((n) => n.textContent)).to.deep.equal(['Carol']);

      await waitUntil(() => (carol.$conversations.get().find((c) => c.id === group)?.lastSeq ?? 0) >= 3, 'carol should hold the messages');
      carol.markRead(group);
      await waitUntil(() => button()?.textContent?.trim() === 'Read by 2 of 2', 'carol read it too');
      expect(button()!.part.contains('read')).to.equal(true);
      expect([...names('readers-list')].map((n) => n.textContent).sort()).to.deep.equal(['Bob', 'Carol']);
      expect(names('unread-list')).to.have.length(0);

      // Escape closes the list and gives focus back to the button.
      part(el, 'receipts')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
      await waitUntil(() => !part(el, 'receipts'), 'Escape should close the list');
      expect(el.shadowRoot!.activeElement).to.equal(button());
    });

    it('counts readers in a group thread opened before the session is up (a deep link)', async () => {
      const { aliceId, bobId, alice, bob } = await connectPair();
      const groupId = uniqueUser('g');
      await fetch(`/__natter/group?id=${groupId}&members=${aliceId},${bobId}&name=Team`);
      const group = `group:${groupId}` as const;
      await waitUntil(() => alice.$conversations.get().some((c) => c.id === group), 'the group should reach alice');
      await alice.send(group, 'please read', { needReadReceipt: true });

      // A fresh page: the thread renders at once, while the client is still connecting.
      const { url, token } = await tokenFor(aliceId, 'Alice');
      const fresh = createChatClient({ url, token, storage: createMemoryStorage() });
      try {
        expect(fresh.$connection.get()).to.not.equal('online');
        const el = await thread(fresh, group);
        const button = () => part<HTMLButtonElement>(el, 'receipts-button');
        await waitUntil(() => button()?.textContent?.trim() === 'Read by 0 of 1', 'the members should load once online');
        await waitUntil(() => (bob.$conversations.get().find((c) => c.id === group)?.lastSeq ?? 0) >= 2, 'bob should hold the message');
        bob.markRead(group);
        await waitUntil(() => button()?.textContent?.trim() === 'Read by 1 of 1', 'bob read it');
      } finally {
        await fresh.close();
      }
    });
  });
});
