// Reactions with the real server, client and browser: the menu's quick set by mouse and by
// keyboard, chips with counts (own pressed), toggling, who reacted, announcements, refusals.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { focused } from './a11y-helpers.js';
import { closeClients, connectPair, part, parts, type Pair } from './helpers.js';

describe('reactions', function () {
  let pair: Pair;

  afterEach(() => closeClients());

  async function page(): Promise<{ thread: ChatThread; conv: `p2p:${string}`; id: string }> {
    pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    const sent = await pair.bob.send(`p2p:${pair.aliceId}`, 'react to me');
    const thread = await fixture<ChatThread>(html`<chat-thread style="height: 420px; width: 420px" .client=${pair.alice} conversation=${conv}></chat-thread>`);
    await waitUntil(() => part(thread, 'actions-button'), 'bob’s message should offer its actions');
    return { thread, conv, id: sent.id };
  }

  const chip = (thread: ChatThread, emoji: string) => parts(thread, 'reaction').find((c) => c.textContent!.includes(emoji));

  it('adds a reaction from the menu by mouse, shows the chip pressed with its count, toggles it off by a click', async () => {
    const { thread, id } = await page();
    part<HTMLButtonElement>(thread, 'actions-button')!.click();
    await waitUntil(() => parts(thread, 'react').length === 6, 'the menu should offer six quick reactions');
    parts<HTMLButtonElement>(thread, 'react')[0]!.click();
    await waitUntil(() => chip(thread, '👍'), 'a 👍 chip should show');
    expect(chip(thread, '👍')!.getAttribute('aria-pressed')).to.equal('true');
    expect(part(thread, 'reaction-count')!.textContent).to.equal('1');
    await waitUntil(() => pair.bob.messages(`p2p:${pair.aliceId}`).get().find((m) => m.id === id)?.reactions?.[0]?.count === 1, 'bob should see the reaction');

    // Bob reacts too: the count grows, the chip says who (names), and the live region says it.
    await pair.bob.react(`p2p:${pair.aliceId}`, id, '👍', true);
    await waitUntil(() => part(thread, 'reaction-count')?.textContent === '2', 'the count should be 2');
    expect(chip(thread, '👍')!.title).to.equal('Alice, Bob');
    await waitUntil(() => part(thread, 'log')!.querySelector('.visually-hidden')!.textContent!.includes('Bob reacted 👍'), 'the live region should say Bob reacted');

    chip(thread, '👍')!.click();
    await waitUntil(() => part(thread, 'reaction-count')?.textContent === '1' && chip(thread, '👍')!.getAttribute('aria-pressed') === 'false', 'a click should take alice’s reaction back');
  });

  it('adds a reaction by keyboard from the menu and toggles a chip with Space', async () => {
    const { thread } = await page();
    part(thread, 'actions-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu should take focus');
    await sendKeys({ press: 'End' });
    expect(focused()!.getAttribute('aria-label')).to.equal('More reactions');
    await sendKeys({ press: 'ArrowUp' });
    expect(focused()!.getAttribute('aria-label')).to.equal('React with 🙏');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => chip(thread, '🙏')?.getAttribute('aria-pressed') === 'true', 'Enter should add 🙏');
    chip(thread, '🙏')!.focus();
    await sendKeys({ press: 'Space' });
    await waitUntil(() => !chip(thread, '🙏'), 'Space on the chip should take it back (no one left)');
  });

  it('shows why a reaction was refused (one user’s limit per message), with no Retry (it would be refused again)', async () => {
    const { thread, conv, id } = await page();
    for (const emoji of ['👍', '❤️', '😂', '😮', '😢']) await pair.alice.react(conv, id, emoji, true);
    await waitUntil(() => parts(thread, 'reaction').length === 5, 'five chips');
    part<HTMLButtonElement>(thread, 'actions-button')!.click();
    await waitUntil(() => parts(thread, 'react').length === 6, 'the menu');
    parts<HTMLButtonElement>(thread, 'react')[5]!.click();
    await waitUntil(() => part(thread, 'change-failure'), 'the refusal should show');
    expect(part(thread, 'change-failure')!.dataset.code).to.equal('USER_REACTIONS_LIMIT');
    expect(part(thread, 'change-failure')!.textContent).to.contain('as often as you can');
    expect(!!part(thread, 'change-retry-button'), 'no Retry').to.equal(false);
    part<HTMLButtonElement>(thread, 'change-discard-button')!.click();
    await waitUntil(() => !part(thread, 'change-failure'), 'discarding drops the failed change');
  });
});
