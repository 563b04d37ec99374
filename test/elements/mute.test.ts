import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import { closeClients, connect, connectPair, part, parts, uniqueUser } from './helpers.js';

describe('muting a conversation (SPEC §10)', () => {
  afterEach(closeClients);

  it('the thread header toggle mutes and unmutes on every device of the user', async () => {
    const { alice, bob, aliceId, bobId } = await connectPair();
    await bob.send(`p2p:${aliceId}`, 'hi');
    const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice} conversation=${`p2p:${bobId}`}></chat-widget>`);
    await widget.show();
    await waitUntil(() => part(widget, 'mute-button'), 'the thread header has a mute toggle');
    const toggle = () => part<HTMLButtonElement>(widget, 'mute-button')!;
    expect(toggle().getAttribute('aria-pressed')).to.equal('false');
    expect(toggle().getAttribute('aria-label')).to.equal('Mute this conversation');
    toggle().click();
    const other = await connect(aliceId);
    await waitUntil(() => other.isMuted(`p2p:${bobId}`), 'the other device sees the mute');
    await waitUntil(() => toggle().getAttribute('aria-pressed') === 'true', 'the toggle shows muted');
    await other.unmute(`p2p:${bobId}`);
    await waitUntil(() => toggle().getAttribute('aria-pressed') === 'false', 'unmuted from the other device');
  });

  it('the header\'s do-not-disturb toggle, by keyboard, quiets every conversation on every device and the launcher', async () => {
    const { alice, bob, aliceId, bobId } = await connectPair();
    const carolId = uniqueUser('carol');
    const carol = await connect(carolId, 'Carol');
    await bob.send(`p2p:${aliceId}`, 'one');
    await carol.send(`p2p:${aliceId}`, 'two');
    const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice}></chat-widget>`);
    await waitUntil(() => part(widget, 'badge')?.textContent === '2', 'the launcher counts 2');
    await widget.show();
    await waitUntil(() => part(widget, 'dnd-button'), 'the header has a do-not-disturb toggle, with no conversation open');
    const dnd = () => part<HTMLButtonElement>(widget, 'dnd-button')!;
    expect(dnd().getAttribute('aria-pressed')).to.equal('false');
    expect(dnd().getAttribute('aria-label')).to.equal('Do not disturb');
    dnd().focus();
    await sendKeys({ press: 'Enter' });
    const other = await connect(aliceId);
    await waitUntil(() => other.isMuted(`p2p:${bobId}`) && other.isMuted(`p2p:${carolId}`) && other.isMuted('group:none'), 'the other device: every conversation muted');
    await waitUntil(() => dnd().getAttribute('aria-pressed') === 'true', 'the toggle shows it on');
    expect(dnd().title).to.equal('Do not disturb is on');
    expect(getComputedStyle(dnd()).backgroundColor).to.not.equal('rgba(0, 0, 0, 0)', 'marked while on');
    await waitUntil(() => !part(widget, 'badge'), 'no badge on the launcher under do-not-disturb');
    await bob.send(`p2p:${aliceId}`, 'three');
    await waitUntil(() => alice.$conversations.get().find((c) => c.id === `p2p:${bobId}`)?.unread === 2, 'still counted unread');
    expect(part(widget, 'badge')).to.equal(null);
    // Off from the other device: the toggle and the badge follow.
    await other.setDoNotDisturb(null);
    await waitUntil(() => dnd().getAttribute('aria-pressed') === 'false', 'off from the other device');
    await waitUntil(() => part(widget, 'badge')?.textContent === '3', 'the launcher counts again');
    // Space toggles too.
    dnd().focus();
    await sendKeys({ press: 'Space' });
    await waitUntil(() => other.isMuted(`p2p:${bobId}`), 'on again by Space');
    await alice.setDoNotDisturb(null);
  });

  it('a muted conversation counts unread in the list, quietly, and not on the launcher', async () => {
    const { alice, bob, aliceId, bobId } = await connectPair();
    const carol = await connect(uniqueUser('carol'), 'Carol');
    await bob.send(`p2p:${aliceId}`, 'one');
    await bob.send(`p2p:${aliceId}`, 'two');
    await carol.send(`p2p:${aliceId}`, 'three');
    const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice}></chat-widget>`);
    const list = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);
    await waitUntil(() => part(widget, 'badge')?.textContent === '3', 'the launcher counts 3');
    await alice.mute(`p2p:${bobId}`);
    await waitUntil(() => part(widget, 'badge')?.textContent === '1', 'the launcher leaves the muted chat out');
    expect(part(widget, 'launcher')!.getAttribute('aria-label')).to.equal('Open chat, 1 unread message');
    await waitUntil(() => parts(list, 'muted-icon').length === 1, 'one muted icon');
    const bobItem = parts(list, 'item').find((i) => i.dataset['id'] === `p2p:${bobId}`)!;
    const badge = bobItem.querySelector('[part~="unread-badge"]')!;
    expect(badge.textContent).to.equal('2');
    expect(badge.getAttribute('part')).to.equal('unread-badge muted');
    expect(bobItem.textContent).to.contain(', muted');
    const loud = parts(list, 'unread-badge').find((b) => b !== badge)!;
    expect(getComputedStyle(badge).backgroundColor).to.not.equal(getComputedStyle(loud).backgroundColor);

    // Do-not-disturb: nothing on the launcher; every conversation quiet in the list.
    await alice.setDoNotDisturb(0);
    await waitUntil(() => !part(widget, 'badge'), 'no badge under do-not-disturb');
    await waitUntil(() => parts(list, 'muted-icon').length === 2, 'both quiet');
    await alice.setDoNotDisturb(null);
    await alice.unmute(`p2p:${bobId}`);
    await waitUntil(() => part(widget, 'badge')?.textContent === '3', 'counted again');
    expect(parts(list, 'muted-icon')).to.have.length(0);
  });
});

describe('the notifications prompt (SPEC §10)', () => {
  afterEach(() => {
    closeClients();
    localStorage.removeItem('natter:notify-dismissed');
  });

  it('offers to turn notifications on while the permission is still to be asked, and "Not now" is remembered', async () => {
    const { alice } = await connectPair();
    // Chromium under the test runner has not been asked: the permission is `default`.
    expect(Notification.permission).to.equal('default');
    const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice}></chat-widget>`);
    await widget.show();
    await waitUntil(() => part(widget, 'notify-prompt'), 'the prompt shows in the panel');
    expect(part(widget, 'notify-prompt')!.getAttribute('aria-label')).to.equal('Turn on notifications');
    expect(part(widget, 'notify-allow')!.textContent).to.equal('Turn on');
    part<HTMLButtonElement>(widget, 'notify-dismiss')!.click();
    await waitUntil(() => !part(widget, 'notify-prompt'), 'gone after Not now');
    const again = await fixture<ChatWidget>(html`<chat-widget .client=${alice}></chat-widget>`);
    await again.show();
    await waitUntil(() => again.shadowRoot!.querySelector('conversation-list'), 'the panel is in');
    expect(part(again, 'notify-prompt')).to.equal(null);
  });

  it('is not offered by a quiet widget', async () => {
    const { alice } = await connectPair();
    const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice} quiet></chat-widget>`);
    await widget.show();
    await waitUntil(() => widget.shadowRoot!.querySelector('conversation-list'), 'the panel is in');
    expect(part(widget, 'notify-prompt')).to.equal(null);
  });
});
