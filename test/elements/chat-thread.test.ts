import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { errorText } from '../../src/elements/i18n/errors.js';
import { localeReady } from '../../src/elements/i18n/localize.js';
import { closeClients, connectPair, part, parts, uniqueUser, type Pair } from './helpers.js';

describe('chat-thread', () => {
  let { aliceId, bobId, alice, bob } = {} as Pair;

  beforeEach(async () => {
    ({ aliceId, bobId, alice, bob } = await connectPair('Bob Builder'));
  });

  afterEach(closeClients);

  function thread(client: ChatClient, conversation: string): Promise<ChatThread> {
    return fixture<ChatThread>(html`<chat-thread style="height: 400px" .client=${client} conversation=${conversation}></chat-thread>`);
  }

  function bubbles(el: ChatThread): string[] {
    return parts(el, 'bubble').map((b) => b.textContent!.trim());
  }

  it('shows messages from another user on the left with their name, own ones on the right', async () => {
    await bob.send(`p2p:${aliceId}`, 'hi alice');
    const el = await thread(alice, `p2p:${bobId}`);
    await waitUntil(() => bubbles(el).includes('hi alice'), 'bob’s message should appear');
    await alice.send(`p2p:${bobId}`, 'hi bob');
    await waitUntil(() => bubbles(el).includes('hi bob'), 'alice’s reply should appear');

    const [theirs, mine] = parts(el, 'message');
    expect(theirs.part.contains('other')).to.equal(true);
    expect(part(el, 'sender')!.textContent).to.equal('Bob Builder');
    expect(mine.part.contains('self')).to.equal(true);
    expect(mine.querySelector('[part~="sender"]')).to.equal(null);
    expect(part(el, 'log')!.getAttribute('role')).to.equal('log');
    expect(part(el, 'log')!.getAttribute('aria-live')).to.equal('polite');
  });

  it('keeps the newest message at the bottom as messages arrive', async () => {
    const el = await thread(alice, `p2p:${bobId}`);
    for (let i = 1; i <= 30; i++) await bob.send(`p2p:${aliceId}`, `message ${i}`);
    await waitUntil(() => bubbles(el).includes('message 30'), 'all messages should arrive');
    await el.updateComplete;
    expect(bubbles(el).at(-1)).to.equal('message 30');
    const log = part(el, 'log')!;
    expect(log.scrollHeight).to.be.greaterThan(log.clientHeight);
    expect(log.scrollHeight - log.scrollTop - log.clientHeight).to.be.lessThan(2);
  });

  it('renders HTML as text and links only http(s) URLs, safely', async () => {
    const evil = '<img src=x onerror="window.__natterPwned=1"> javascript:alert(1) see https://example.com/a?b=1.';
    await bob.send(`p2p:${aliceId}`, evil);
    const el = await thread(alice, `p2p:${bobId}`);
    await waitUntil(() => parts(el, 'bubble').length === 1, 'the message should appear');
    const bubble = part(el, 'bubble')!;

    expect(bubble.textContent!.trim()).to.equal(evil);
    expect(bubble.querySelector('img')).to.equal(null);
    expect((window as { __natterPwned?: number }).__natterPwned).to.equal(undefined);
    const links = [...bubble.querySelectorAll('a')];
    expect(links).to.have.length(1);
    expect(links[0].getAttribute('href')).to.equal('https://example.com/a?b=1');
    expect(links[0].textContent).to.equal('https://example.com/a?b=1');
    expect(links[0].rel).to.equal('noopener noreferrer');
  });

  it('shows why a send was refused, with Copy and Discard but no Resend (an unknown user refuses it again)', async () => {
    const stranger = uniqueUser('nobody');
    const el = await thread(alice, `p2p:${stranger}`);
    const failure = await alice.send(`p2p:${stranger}`, 'anyone there?').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).to.have.property('name', 'USER_UNKNOWN');

    await waitUntil(() => part(el, 'failure'), 'the failed message should show');
    expect(!!part(el, 'resend-button'), 'no Resend').to.equal(false);
    expect(!!part(el, 'copy-text-button'), 'Copy').to.equal(true);
    expect(!!part(el, 'edit-text-button'), 'no Edit: the text is not at fault').to.equal(false);
    expect(part(el, 'message')!.part.contains('failed')).to.equal(true);
    // The sentence comes with the features loaded on first use (thread/failure.ts, errorLine).
    await waitUntil(() => part(el, 'error')!.textContent === errorText({ name: 'USER_UNKNOWN' }), 'the failure\'s sentence should show');
    expect(part(el, 'status')!.textContent).to.match(/not sent/i);

    part<HTMLButtonElement>(el, 'discard-button')!.click();
    await waitUntil(() => parts(el, 'message').length === 0, 'discard should remove the message');
  });

  it('says why a send failed in the language of the nearest lang attribute', async () => {
    const stranger = uniqueUser('nobody');
    const wrapper = await fixture<HTMLElement>(html`<div lang="zh-CN"><chat-thread style="height: 400px" .client=${alice} conversation=${`p2p:${stranger}`}></chat-thread></div>`);
    const el = wrapper.querySelector('chat-thread')!;
    await localeReady();
    await alice.send(`p2p:${stranger}`, '有人吗').catch(() => {});
    await waitUntil(() => part(el, 'error'), 'the failure should show');
    // The sentence comes with the features loaded on first use (thread/failure.ts, errorLine).
    await waitUntil(() => part(el, 'error')!.textContent === '该用户不存在。', 'the failure\'s sentence should show');
  });

  it('offers only Delete in the menu of a message refused for good; Delete removes it', async () => {
    const stranger = uniqueUser('nobody');
    const el = await thread(alice, `p2p:${stranger}`);
    await alice.send(`p2p:${stranger}`, 'anyone?').catch(() => {});
    await waitUntil(() => part(el, 'actions-button'), 'the failed message should have a menu');
    part<HTMLButtonElement>(el, 'actions-button')!.click();
    await waitUntil(() => part(el, 'menu'), 'the menu should open');
    expect(parts(el, 'menu-item').map((b) => b.textContent!.trim())).to.deep.equal(['Delete']);
    part<HTMLButtonElement>(el, 'delete')!.click();
    await waitUntil(() => parts(el, 'message').length === 0, 'Delete should remove the message');
  });

  it("opens another message's menu while focus is still on the first one's button (a scripted click, assistive technology), and keeps it open", async () => {
    await bob.send(`p2p:${aliceId}`, 'first');
    await bob.send(`p2p:${aliceId}`, 'second');
    const el = await thread(alice, `p2p:${bobId}`);
    await waitUntil(() => parts(el, 'actions-button').length === 2, 'both messages should have a menu button');
    const [first, second] = parts(el, 'message');
    first!.querySelector<HTMLButtonElement>('[part~="actions-button"]')!.focus();
    // Activated without a focus move first: focus goes from the first button into the new menu.
    second!.querySelector<HTMLButtonElement>('[part~="actions-button"]')!.click();
    await waitUntil(() => el.shadowRoot!.activeElement?.getAttribute('role') === 'menuitem', 'focus should move into the new menu');
    await el.updateComplete;
    expect(second!.querySelector('[part~="menu"]'), 'the second message’s menu stays open').to.not.equal(null);
    expect(parts(el, 'menu')).to.have.length(1);
    // Focus leaving that menu still closes it.
    part(el, 'log')!.focus();
    await waitUntil(() => !part(el, 'menu'), 'focus leaving the menu should close it');
  });

  it('marks an oversize text failed with the size reason, and offers Edit and Copy, not Resend', async () => {
    const el = await thread(alice, `p2p:${bobId}`);
    await alice.send(`p2p:${bobId}`, 'x'.repeat(9000)).catch(() => {});
    await waitUntil(() => part(el, 'failure'), 'the oversize message should show as failed');
    expect(!!part(el, 'edit-text-button'), 'Edit').to.equal(true);
    expect(!!part(el, 'resend-button'), 'no Resend').to.equal(false);
    const message = alice.messages(`p2p:${bobId}`).get()[0];
    expect(message.error?.name).to.equal('MESSAGE_TOO_LARGE');
    // The sentence comes with the features loaded on first use (thread/failure.ts, errorLine).
    await waitUntil(() => part(el, 'error')!.textContent === 'The message is too long to send.', 'the failure\'s sentence should show');
  });

  it('marks messages read when the peer’s thread shows them, and says so to the sender', async () => {
    const sent = await alice.send(`p2p:${bobId}`, 'did you read this?');
    const mine = await thread(alice, `p2p:${bobId}`);
    await waitUntil(() => part(mine, 'status')?.textContent === 'Sent', 'the message should show as sent');

    await waitUntil(() => bob.$conversations.get().find((c) => c.id === `p2p:${aliceId}`)?.unread === 1, 'bob should have it unread');
    await thread(bob, `p2p:${aliceId}`);
    await waitUntil(() => bob.$conversations.get().find((c) => c.id === `p2p:${aliceId}`)?.unread === 0, 'showing the thread should mark it read');
    await waitUntil(() => part(mine, 'status')?.textContent === 'Read', 'alice should see it read');
    expect(sent.seq).to.be.greaterThan(0);
  });
});
