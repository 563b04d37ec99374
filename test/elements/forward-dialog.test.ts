import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ForwardDialog } from '../../src/elements/forward-dialog.js';
import type { MessageForwardedEvent } from '../../src/elements/events/message-forwarded.js';
import { focused } from './a11y-helpers.js';
import { closeClients, connectTrio, part, parts, uniqueUser, type Trio } from './helpers.js';

describe('forward-dialog', () => {
  let { aliceId, bobId, carolId, alice, bob, carol } = {} as Trio;

  beforeEach(async () => {
    ({ aliceId, bobId, carolId, alice, bob, carol } = await connectTrio());
    await bob.send(`p2p:${aliceId}`, 'worth sharing');
    await carol.send(`p2p:${aliceId}`, 'hi alice');
  });

  afterEach(closeClients);

  async function threadWithMessage(): Promise<ChatThread> {
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
    await waitUntil(() => part(el, 'actions-button'), 'bob’s message should offer its actions');
    await waitUntil(() => alice.$conversations.get().some((c) => c.id === `p2p:${carolId}`), 'alice should know carol');
    return el;
  }

  function dialogOf(el: ChatThread): ForwardDialog {
    return el.shadowRoot!.querySelector('forward-dialog')!;
  }

  /** Opens the message menu and picks Forward, all with the keyboard. */
  async function openWithKeyboard(el: ChatThread): Promise<ForwardDialog> {
    part(el, 'actions-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu should take focus');
    expect(focused()!.textContent!.trim()).to.equal('Forward');
    await sendKeys({ press: 'Enter' });
    const dialog = dialogOf(el);
    await waitUntil(() => dialog.open && part(dialog, 'search') === focused(), 'the dialog should open with focus in the search');
    return dialog;
  }

  /** Types `userId` in the open dialog's search, picks the one target left by keyboard, and forwards. */
  async function forwardTo(dialog: ForwardDialog, userId: string): Promise<void> {
    await sendKeys({ type: userId });
    await waitUntil(() => parts(dialog, 'target').length === 1, 'the search should leave one target');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Space' });
    part<HTMLButtonElement>(dialog, 'confirm-button')!.click();
  }

  it('opens from the message menu, searches, picks with the keyboard, forwards and reports the result', async () => {
    const el = await threadWithMessage();
    const dialog = await openWithKeyboard(el);
    expect(part(dialog, 'dialog')!.matches(':modal')).to.equal(true);
    expect(part(dialog, 'preview')!.textContent).to.contain('worth sharing');

    const forwarded = new Promise<MessageForwardedEvent>((resolve) => el.addEventListener('message-forwarded', resolve, { once: true }));
    await sendKeys({ type: carolId });
    await waitUntil(() => parts(dialog, 'target').length === 1, 'the search should leave carol only');
    await sendKeys({ press: 'ArrowDown' });
    expect(focused()!.closest('[part~="target"]')).to.equal(part(dialog, 'target'));
    await sendKeys({ press: 'Space' });
    await waitUntil(() => part(dialog, 'target')!.part.contains('selected'), 'Space should pick carol');
    await sendKeys({ press: 'Tab' }); // the note
    expect(focused()).to.equal(part(dialog, 'note'));
    await sendKeys({ type: 'look at this' });
    await sendKeys({ press: 'Tab' }); // Cancel
    await sendKeys({ press: 'Tab' }); // Forward
    expect(focused()).to.equal(part(dialog, 'confirm-button'));
    await sendKeys({ press: 'Enter' });

    const event = await forwarded;
    expect(event.detail.results).to.deep.equal([{ conversationId: `p2p:${carolId}`, ok: true }]);
    await waitUntil(() => part(dialog, 'result')?.part.contains('sent'), 'the dialog should report success');
    const atCarol = carol.messages(`p2p:${aliceId}`);
    await waitUntil(() => atCarol.get().length === 3, 'carol should get the forward and the note');
    const [, fwd, note] = atCarol.get();
    expect(fwd!.forwardedFrom?.sender).to.equal(bobId);
    expect(note!.elem).to.deep.equal({ type: 'text', text: 'look at this' });
  });

  it('closes on Escape and gives focus back to the message’s menu button', async () => {
    const el = await threadWithMessage();
    const dialog = await openWithKeyboard(el);
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog.open, 'Escape should close the dialog');
    expect(part<HTMLDialogElement>(dialog, 'dialog')!.open).to.equal(false);
    expect(focused()).to.equal(part(el, 'actions-button'));
  });

  it('keeps Tab inside the dialog', async () => {
    const el = await threadWithMessage();
    const dialog = await openWithKeyboard(el);
    const inside = part(dialog, 'dialog')!;
    for (let i = 0; i < 8; i++) {
      await sendKeys({ press: 'Tab' });
      expect(inside.contains(focused()), `focus after ${i + 1} Tab(s)`).to.equal(true);
    }
    await sendKeys({ press: 'Shift+Tab' });
    expect(inside.contains(focused())).to.equal(true);
  });

  it('offers a typed user id nobody listed as a target', async () => {
    const el = await threadWithMessage();
    const dialog = await openWithKeyboard(el);
    const stranger = uniqueUser('dave');
    await sendKeys({ type: stranger });
    await waitUntil(() => parts(dialog, 'target').length === 1, 'the typed id should be offered');
    expect(part(dialog, 'target')!.textContent).to.contain(stranger);
  });

  it('shows the reason per target when a forward is refused, with no Resend where it would be refused again', async () => {
    const el = await threadWithMessage();
    const dialog = await openWithKeyboard(el);
    await forwardTo(dialog, uniqueUser('nobody'));
    await waitUntil(() => part(dialog, 'result')?.part.contains('failed'), 'the unknown user should fail');
    expect(part(dialog, 'error')!.textContent).to.equal('There is no user with this id.');
    expect(!!part(dialog, 'resend-button'), 'no Resend to an unknown user').to.equal(false);
  });

  it('marks the conversation it forwards into read, as a send there does, and tells the peer', async () => {
    const el = await threadWithMessage();
    const summary = () => alice.$conversations.get().find((c) => c.id === `p2p:${carolId}`);
    await waitUntil(() => summary()?.unread === 1, 'carol’s message should be unread at alice');
    const dialog = await openWithKeyboard(el);
    await forwardTo(dialog, carolId);
    await waitUntil(() => part(dialog, 'result')?.part.contains('sent'), 'the forward should be sent');
    await waitUntil(() => summary()?.unread === 0, 'the forwarder has seen the conversation they wrote in');
    await waitUntil(() => (carol.$conversations.get().find((c) => c.id === `p2p:${aliceId}`)?.peerReadSeq ?? 0) >= 1, 'carol should see that alice read her message');
  });
});
