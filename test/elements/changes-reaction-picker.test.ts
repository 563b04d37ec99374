// The full emoji picker for reactions ("More reactions", loaded on demand) and who reacted (a list
// paged with client.reactions), with the real server, client and browser, by mouse and keyboard.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { REACTORS_PAGE } from '../../src/elements/thread/changes/reactors.js';
import { focused } from './a11y-helpers.js';
import { closeClients, connect, connectPair, part, parts, uniqueUser, type Pair } from './helpers.js';

describe('reaction picker and who reacted', function () {
  let pair: Pair;

  afterEach(() => closeClients());

  async function page(): Promise<{ thread: ChatThread; id: string }> {
    pair = await connectPair();
    const sent = await pair.bob.send(`p2p:${pair.aliceId}`, 'react to me');
    const thread = await fixture<ChatThread>(html`<chat-thread style="height: 460px; width: 420px" .client=${pair.alice} conversation=${`p2p:${pair.bobId}`}></chat-thread>`);
    await waitUntil(() => part(thread, 'actions-button'), 'bob’s message should offer its actions');
    return { thread, id: sent.id };
  }

  const chip = (thread: ChatThread, emoji: string) => parts(thread, 'reaction').find((c) => c.textContent!.includes(emoji));

  it('picks any emoji by mouse: + in the menu opens the picker, a search finds it, a click reacts', async () => {
    const { thread, id } = await page();
    part<HTMLButtonElement>(thread, 'actions-button')!.click();
    await waitUntil(() => part(thread, 'react-more'), 'the menu should offer More reactions');
    part<HTMLButtonElement>(thread, 'react-more')!.click();
    await waitUntil(() => part(thread, 'emoji-picker') && part(thread, 'emoji-grid'), 'the picker should open with its emoji');
    expect(part(thread, 'emoji-picker')!.getAttribute('aria-label')).to.equal('More reactions');
    expect(parts(thread, 'sticker'), 'no stickers as reactions').to.have.length(0);
    expect(focused()).to.equal(part(thread, 'emoji-search'));
    await sendKeys({ type: 'rocket' });
    await waitUntil(() => parts(thread, 'emoji-grid')[0]?.querySelectorAll('[role="option"]').length === 1, 'one match');
    part(thread, 'emoji-grid')!.querySelector<HTMLElement>('[role="option"]')!.click();
    await waitUntil(() => chip(thread, '🚀')?.getAttribute('aria-pressed') === 'true', 'a 🚀 chip should show, pressed');
    expect(part(thread, 'emoji-picker')).to.equal(null);
    await waitUntil(() => pair.bob.messages(`p2p:${pair.aliceId}`).get().find((m) => m.id === id)?.reactions?.[0]?.emoji === '🚀', 'bob should see 🚀');
  });

  it('picks by keyboard: End, Enter opens it, arrows and Enter react, focus returns; Escape closes', async () => {
    const { thread } = await page();
    part(thread, 'actions-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu should take focus');
    await sendKeys({ press: 'End' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused() === part(thread, 'emoji-search') && part(thread, 'emoji-grid'), 'the search field should take focus');
    await sendKeys({ press: 'ArrowDown' });
    expect(focused()).to.equal(part(thread, 'emoji-grid'));
    await sendKeys({ press: 'ArrowRight' });
    const picked = part(thread, 'emoji-grid')!.querySelector('[aria-selected="true"]')!.textContent!.trim();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => chip(thread, picked)?.getAttribute('aria-pressed') === 'true', `the second emoji (${picked}) should be added`);
    await waitUntil(() => focused() === part(thread, 'actions-button'), 'focus should return to the menu button');

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu again');
    await sendKeys({ press: 'End' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused() === part(thread, 'emoji-search'), 'the picker again');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(thread, 'emoji-picker') && focused() === part(thread, 'actions-button'), 'Escape closes it, focus back on the menu button');
  });

  it('Escape on the Who reacted button, where Enter leaves focus, closes the open list (and goes no further)', async () => {
    const { thread, id } = await page();
    await pair.alice.react(`p2p:${pair.bobId}`, id, '👍', true);
    await waitUntil(() => part(thread, 'reactors-button'), 'the chip and Who reacted should show');
    const button = part<HTMLButtonElement>(thread, 'reactors-button')!;
    let escapesOut = 0;
    const outside = (e: KeyboardEvent) => void (e.key === 'Escape' && escapesOut++);
    document.addEventListener('keydown', outside);
    try {
      button.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => part(thread, 'reactors'), 'Enter opens the list');
      expect(focused(), 'focus stays on the button').to.equal(button);
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !part(thread, 'reactors'), 'Escape should close the list');
      expect(button.getAttribute('aria-expanded')).to.equal('false');
      expect(focused()).to.equal(button);
      expect(escapesOut, 'the Escape that closed the list is not seen by the page (the widget would close)').to.equal(0);
    } finally {
      document.removeEventListener('keydown', outside);
    }
  });

  it('lists who reacted on demand, a page at a time, by keyboard; Escape closes the list', async () => {
    const alice = uniqueUser('alice');
    const client = await connect(alice, 'Alice');
    const bob = uniqueUser('bob');
    await connect(bob, 'Bob');
    const group = uniqueUser('rg');
    const count = REACTORS_PAGE + 3;
    const res = await fetch(`/__natter/reactors?${new URLSearchParams({ group, members: `${alice},${bob}`, from: bob, emoji: '🎉', count: String(count) })}`);
    const { conversationId } = (await res.json()) as { conversationId: string };
    const thread = await fixture<ChatThread>(html`<chat-thread style="height: 520px; width: 420px" .client=${client} conversation=${conversationId}></chat-thread>`);
    await waitUntil(() => part(thread, 'reaction-count')?.textContent === String(count), `the chip should count ${count}`);
    // The chip names the first few; the list has everyone.
    const title = `Reactor 1, Reactor 2, Reactor 3, Reactor 4, Reactor 5 +${count - 5}`;
    await waitUntil(() => chip(thread, '🎉')!.title === title, 'the chip names the first five (from the member list)');
    const button = part<HTMLButtonElement>(thread, 'reactors-button')!;
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    button.focus();
    await sendKeys({ press: 'Enter' });
    const names = () => parts(thread, 'reactor').map((r) => r.textContent!.trim());
    await waitUntil(() => names().length === REACTORS_PAGE && part(thread, 'reactors-more-button'), 'the first page and Show more');
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(names()[0]).to.equal('Reactor 1');
    expect(part(thread, 'reactors')!.textContent).to.contain(`🎉 ${count}`);
    part(thread, 'reactors-more-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => names().length === count, 'Show more should load the rest');
    expect(names().at(-1)).to.equal(`Reactor ${count}`);
    expect(part(thread, 'reactors-more-button'), 'nothing more').to.equal(null);
    part(thread, 'reactors')!.querySelector<HTMLElement>('[part~="reactor"]')!.tabIndex = -1;
    part(thread, 'reactors')!.querySelector<HTMLElement>('[part~="reactor"]')!.focus();
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(thread, 'reactors') && focused() === part(thread, 'reactors-button'), 'Escape closes the list, focus back on its button');
  });
});
