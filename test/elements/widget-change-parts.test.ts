// <chat-widget> forwards the parts of changes to sent messages (quotes, reactions, who reacted,
// edited, recalled, pinned bar, the reaction picker, the composer's reply and edit bars): a page
// stylesheet reaches each of them through `chat-widget::part(...)`, with the real server.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import { closeClients, connectPair, part } from './helpers.js';

describe('chat-widget exports the parts of changes to sent messages', function () {

  afterEach(() => {
    document.getElementById('change-part-styles')?.remove();
    return closeClients();
  });

  it('styles every part from the page', async () => {
    const pair = await connectPair();
    const toBob = `p2p:${pair.bobId}` as const;
    const toAlice = `p2p:${pair.aliceId}` as const;
    const original = await pair.alice.send(toBob, 'original');
    const reply = await pair.bob.reply(toAlice, original.id, 'a reply');
    await pair.alice.react(toBob, reply.id, '👍', true);
    await pair.bob.edit(toAlice, reply.id, 'a reply, edited');
    await pair.alice.pin(toBob, original.id, true);
    const gone = await pair.alice.send(toBob, 'oops');
    await pair.alice.recall(toBob, gone.id);

    const widget = await fixture<ChatWidget>(html`<chat-widget style="--chat-widget-width: 420px" .client=${pair.alice} conversation=${toBob} open></chat-widget>`);
    await waitUntil(() => widget.shadowRoot!.querySelector('chat-thread'), 'the panel should show the thread');
    const thread = widget.shadowRoot!.querySelector('chat-thread')!;
    const composer = widget.shadowRoot!.querySelector('message-composer')!;
    await waitUntil(() => part(thread, 'pinned-bar') && part(thread, 'reaction') && part(thread, 'edited') && part(thread, 'recalled'), 'every change should show');

    // Open what opens: who reacted, the reaction picker, and the composer's reply bar.
    part<HTMLButtonElement>(thread, 'reactors-button')!.click();
    await waitUntil(() => part(thread, 'reactor'), 'who reacted');
    thread.shadowRoot!.querySelector<HTMLButtonElement>('[part~="other"] [part~="actions-button"]')!.click();
    await waitUntil(() => part(thread, 'react-more'), 'the menu');
    const inThread: Record<string, string> = {
      'actions-button': 'actions-button', menu: 'menu', 'menu-item': 'menu-item', reply: 'reply', pin: 'pin', hide: 'hide', react: 'react',
      'react-more': 'react-more', 'reply-quote': 'reply-quote', 'reply-quote-sender': 'reply-quote-sender', 'reply-quote-excerpt': 'reply-quote-excerpt',
      reactions: 'reactions', reaction: 'reaction', mine: 'mine', 'reaction-count': 'reaction-count', 'reactors-button': 'reactors-button',
      reactors: 'reactors', 'reactors-list': 'reactors-list', reactor: 'reactor', edited: 'edited', recalled: 'recalled',
      'pinned-bar': 'pinned-bar', 'pinned-label': 'pinned-label', 'pinned-sender': 'pinned-sender', 'pinned-excerpt': 'pinned-excerpt',
    };
    const style = document.createElement('style');
    style.id = 'change-part-styles';
    const paint = (exported: string) => `chat-widget::part(${exported}) { border-top-color: rgb(1, 99, 7); }`;
    style.textContent = Object.keys(inThread).map(paint).join('\n');
    document.head.append(style);
    const painted = (el: Element | null | undefined, name: string) => {
      expect(el, `${name} should exist`).to.not.equal(null);
      expect(getComputedStyle(el!).borderTopColor, `chat-widget::part(${name})`).to.equal('rgb(1, 99, 7)');
    };
    for (const [exported, inner] of Object.entries(inThread)) painted(part(thread, inner), exported);

    part<HTMLButtonElement>(thread, 'react-more')!.click();
    await waitUntil(() => part(thread, 'emoji-grid'), 'the reaction picker');
    const picker = { 'reaction-picker': 'emoji-picker', 'reaction-picker-search': 'emoji-search', 'reaction-picker-tabs': 'emoji-tabs', 'reaction-picker-tab': 'emoji-tab', 'reaction-picker-grid': 'emoji-grid' };
    style.textContent += `\n${Object.keys(picker).map(paint).join('\n')}`;
    for (const [exported, inner] of Object.entries(picker)) painted(part(thread, inner), exported);
    // The composer's emoji picker is not the thread's: the names do not reach it.
    style.textContent += '\nchat-widget::part(reaction-picker) { border-bottom-color: rgb(2, 3, 4); }';
    part<HTMLButtonElement>(composer, 'emoji-button')!.click();
    await waitUntil(() => part(composer, 'emoji-picker'), 'the composer’s picker');
    expect(getComputedStyle(part(composer, 'emoji-picker')!).borderBottomColor).to.not.equal('rgb(2, 3, 4)');
    part<HTMLButtonElement>(composer, 'emoji-button')!.click();

    // The composer's reply bar, then its edit bar.
    thread.shadowRoot!.querySelector<HTMLButtonElement>('[part~="other"] [part~="actions-button"]')!.click();
    await waitUntil(() => part(thread, 'reply'), 'the menu again');
    part<HTMLButtonElement>(thread, 'reply')!.click();
    await waitUntil(() => part(composer, 'reply-preview'), 'the reply bar');
    const bars = ['reply-preview', 'reply-preview-sender', 'reply-preview-excerpt', 'cancel-reply-button'];
    style.textContent += `\n${bars.map(paint).join('\n')}`;
    for (const name of bars) painted(part(composer, name), name);
    part<HTMLButtonElement>(composer, 'cancel-reply-button')!.click();
    thread.shadowRoot!.querySelector<HTMLButtonElement>('[part~="self"] [part~="actions-button"]')!.click();
    await waitUntil(() => part(thread, 'edit'), 'Edit on alice’s own message');
    painted(part(thread, 'edit'), 'edit');
    part<HTMLButtonElement>(thread, 'edit')!.click();
    await waitUntil(() => part(composer, 'edit-bar'), 'the edit bar');
    const edit = ['edit-bar', 'edit-label', 'cancel-edit-button'];
    style.textContent += `\n${edit.map(paint).join('\n')}`;
    for (const name of edit) painted(part(composer, name), name);
  });
});
