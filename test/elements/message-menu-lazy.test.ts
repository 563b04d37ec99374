/**
 * What a message's open menu does (its items and keys, the reaction picker, multi-select, their
 * styles: `thread/message-menu.ts`) is fetched on the first press of a `⋯`. In a fresh page that
 * has not fetched it ahead (a connection that saves data), the thread shows every `⋯` without it,
 * and the first press (here from the keyboard) fetches it and opens the menu, styled, with focus
 * on its first item, as it did when the menu came with the thread.
 */
import './save-data.js';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { focused } from './a11y-helpers.js';
import { closeClients, connectPair, part, parts } from './helpers.js';

/** Whether the menu's code is in the thread: it brings the menu's styles, which the thread's own sheets lack. */
const menuIn = (thread: ChatThread) =>
  thread.shadowRoot!.adoptedStyleSheets.some((sheet) => [...sheet.cssRules].some((rule) => rule instanceof CSSStyleRule && rule.selectorText.includes('.quick-reactions')));

describe('chat-thread message menu, loaded on the first press', () => {
  afterEach(closeClients);

  it('shows the ⋯ without the menu’s code; the first press fetches it and opens the menu, styled and focused', async () => {
    const { aliceId, bobId, alice, bob } = await connectPair();
    const sent = await bob.send(`p2p:${aliceId}`, 'react to me');
    const thread = await fixture<ChatThread>(html`<chat-thread style="height: 420px; width: 420px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
    await waitUntil(() => part(thread, 'actions-button'), 'bob’s message should offer its actions');
    const button = part<HTMLButtonElement>(thread, 'actions-button')!;
    expect(button.getAttribute('aria-haspopup')).to.equal('menu');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(menuIn(thread), 'the thread rendered without the menu’s code').to.equal(false);

    button.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu should open with focus on its first item');
    expect(menuIn(thread), 'the press brought the menu’s code').to.equal(true);
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    const menu = part(thread, 'menu')!;
    expect(getComputedStyle(menu).position, 'the menu’s styles came with it').to.equal('absolute');
    expect(getComputedStyle(thread.shadowRoot!.querySelector('.quick-reactions')!).display).to.equal('flex');
    expect(parts(thread, 'react')).to.have.length(6);

    // It works as it did: Escape closes it back to its button, a quick reaction reacts.
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(thread, 'menu') && focused() === button, 'Escape closes the menu, focus back on ⋯');
    button.click();
    await waitUntil(() => parts(thread, 'react').length === 6, 'the menu opens again');
    parts<HTMLButtonElement>(thread, 'react')[0]!.click();
    await waitUntil(() => bob.messages(`p2p:${aliceId}`).get().find((m) => m.id === sent.id)?.reactions?.[0]?.emoji === '👍', 'bob should see the reaction');
  });
});
