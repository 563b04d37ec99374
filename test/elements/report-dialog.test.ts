// Reporting a message from <chat-thread>, with the real server, client and browser, by keyboard and mouse.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { focused } from './a11y-helpers.js';
import { closeClients, connectPair, part, parts, type Pair } from './helpers.js';

describe('reporting a message', function () {
  let pair: Pair;

  afterEach(() => closeClients());

  /** Alice's thread with bob, holding one message from each. */
  async function thread(): Promise<ChatThread> {
    pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    await pair.bob.send(`p2p:${pair.aliceId}`, 'buy cheap watches');
    await pair.alice.send(conv, 'no thanks');
    const t = await fixture<ChatThread>(html`<chat-thread style="height: 420px; width: 380px" .client=${pair.alice} conversation=${conv}></chat-thread>`);
    await waitUntil(() => parts(t, 'actions-button').length === 2, 'both messages should show');
    return t;
  }

  const row = (t: ChatThread, who: 'self' | 'other') => t.shadowRoot!.querySelector(`[part~="message"][part~="${who}"]`)!;
  const menuButton = (t: ChatThread, who: 'self' | 'other') => row(t, who).querySelector<HTMLButtonElement>('[part~="actions-button"]')!;

  it('offers Report only on others\' messages', async () => {
    const t = await thread();
    menuButton(t, 'self').click();
    await waitUntil(() => part(t, 'menu'), 'the menu should open');
    expect(part(t, 'report'), 'not on own messages').to.equal(null);
    menuButton(t, 'self').click();
    await waitUntil(() => !part(t, 'menu'), 'the menu should close');
    menuButton(t, 'other').click();
    await waitUntil(() => part(t, 'report'), 'others’ messages offer Report');
    expect(part(t, 'report')!.textContent!.trim()).to.equal('Report');
  });

  it('reports by keyboard: reason by arrows, a note, Send; "Reported. Thanks"; focus returns to the menu button', async () => {
    const t = await thread();
    menuButton(t, 'other').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu should take focus');
    for (let i = 0; i < 12 && !focused()?.getAttribute('part')?.includes('report'); i++) await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    const dialog = () => part<HTMLDialogElement>(t, 'report-dialog');
    await waitUntil(() => dialog()?.open && (focused() as HTMLInputElement | null)?.value === 'spam', 'the dialog should open on the first reason');
    expect(dialog()!.getAttribute('aria-labelledby')).to.equal('report-title');
    expect(parts(t, 'report-reason').map((l) => l.textContent!.trim())).to.deep.equal(['Spam', 'Abuse', 'Harassment', 'Something else']);
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    expect((focused() as HTMLInputElement).value).to.equal('harassment');
    await sendKeys({ press: 'Tab' });
    expect(focused()).to.equal(part(t, 'report-note'));
    await sendKeys({ type: 'every day' });
    // Tab stays in the dialog: note → Cancel → Send → the checked reason.
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(focused()).to.equal(part(t, 'report-send-button'));
    await sendKeys({ press: 'Tab' });
    expect((focused() as HTMLInputElement).value).to.equal('harassment');
    await sendKeys({ press: 'Shift+Tab' });
    expect(focused()).to.equal(part(t, 'report-send-button'));
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(t, 'report-status')?.textContent?.trim() === 'Reported. Thanks', 'the confirmation should show');
    expect(part(t, 'report-status')!.getAttribute('role')).to.equal('status');
    await waitUntil(() => focused() === part(t, 'report-close-button'), 'Close should take focus');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !dialog()?.open, 'the dialog should close');
    await waitUntil(() => focused() === menuButton(t, 'other'), 'focus should return to the message’s menu button');
  });

  it('Escape cancels without reporting, and focus returns', async () => {
    const t = await thread();
    menuButton(t, 'other').click();
    await waitUntil(() => part(t, 'report'), 'the menu should open');
    part<HTMLButtonElement>(t, 'report')!.click();
    await waitUntil(() => part<HTMLDialogElement>(t, 'report-dialog')?.open, 'the dialog should open');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part<HTMLDialogElement>(t, 'report-dialog')?.open, 'Escape should close it');
    await waitUntil(() => focused() === menuButton(t, 'other'), 'focus should return to the menu button');
  });

  it('shows why a report failed and stays open: a message recalled meanwhile', async () => {
    const t = await thread();
    const id = pair.bob.messages(`p2p:${pair.aliceId}`).get().find((m) => m.isSelf)!.id;
    menuButton(t, 'other').click();
    await waitUntil(() => part(t, 'report'), 'the menu should open');
    part<HTMLButtonElement>(t, 'report')!.click();
    await waitUntil(() => part<HTMLDialogElement>(t, 'report-dialog')?.open, 'the dialog should open');
    await pair.bob.recall(`p2p:${pair.aliceId}`, id);
    part<HTMLButtonElement>(t, 'report-send-button')!.click();
    await waitUntil(() => part(t, 'report-error')?.textContent?.trim() === 'The message was recalled.', 'the reason should show');
    expect(part(t, 'report-error')!.getAttribute('role')).to.equal('alert');
    expect(part<HTMLDialogElement>(t, 'report-dialog')!.open).to.equal(true);
    expect(part(t, 'report-status')!.textContent!.trim()).to.equal('');
  });
});
