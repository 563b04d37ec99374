// Editing own text with the real server, client and browser: Edit in the menu, E on a focused
// message, Up in an empty composer; "Editing" in the composer, Escape cancels, Enter saves;
// both sides show the new text and "edited".
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { focused } from './a11y-helpers.js';
import { EDIT_AGAIN_MS, recalledText } from '../../src/elements/thread/changes/recalled-texts.js';
import { closeClients, connectPair, freshDevice, part, parts, threadWithComposer, type Pair } from './helpers.js';

describe('edit', function () {
  let pair: Pair;

  afterEach(() => closeClients());

  async function page(): Promise<{ thread: ChatThread; composer: MessageComposer; conv: `p2p:${string}`; id: string }> {
    pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    const sent = await pair.alice.send(conv, 'see you at 5');
    const { thread, composer } = await threadWithComposer(pair.alice, conv);
    await waitUntil(() => part(thread, 'actions-button'), 'the message should offer its actions');
    return { thread, composer, conv, id: sent.id };
  }

  const input = (composer: MessageComposer) => part<HTMLTextAreaElement>(composer, 'input')!;

  it('edits from the menu: "Editing", the text in the composer, Enter saves, both sides show it edited', async () => {
    const { thread, composer, id } = await page();
    part<HTMLButtonElement>(thread, 'actions-button')!.click();
    await waitUntil(() => part(thread, 'edit'), 'the menu should offer Edit');
    part<HTMLButtonElement>(thread, 'edit')!.click();
    await waitUntil(() => part(composer, 'edit-bar'), 'the composer should say Editing');
    expect(part(composer, 'edit-label')!.textContent).to.equal('Editing');
    await waitUntil(() => input(composer).value === 'see you at 5' && focused() === input(composer), 'the text should be in the focused composer');
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ type: '6' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !part(composer, 'edit-bar') && input(composer).value === '', 'saving ends editing');
    await waitUntil(() => part(thread, 'edited'), 'the row should say edited');
    expect(part(thread, 'bubble')!.textContent).to.contain('see you at 6');
    expect(part(thread, 'edited')!.textContent).to.equal('edited');
    await waitUntil(() => {
      const m = pair.bob.messages(`p2p:${pair.aliceId}`).get().find((x) => x.id === id);
      return m?.elem.type === 'text' && m.elem.text === 'see you at 6' && !!m.edited;
    }, 'bob should get the new text');
  });

  it('Up in an empty composer edits the last own text; Escape cancels and brings the draft back; E on a message edits it', async () => {
    const { thread, composer } = await page();
    input(composer).focus();
    await sendKeys({ press: 'ArrowUp' });
    await waitUntil(() => part(composer, 'edit-bar') && input(composer).value === 'see you at 5', 'Up should edit the last own text');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(composer, 'edit-bar') && input(composer).value === '', 'Escape should cancel and empty the composer again');

    // A draft is kept aside while editing.
    await sendKeys({ type: 'half a thought' });
    part(thread, 'actions-button')!.focus();
    await sendKeys({ press: 'e' });
    await waitUntil(() => part(composer, 'edit-bar') && input(composer).value === 'see you at 5', 'E should edit the focused message');
    part<HTMLButtonElement>(composer, 'cancel-edit-button')!.click();
    await waitUntil(() => !part(composer, 'edit-bar') && input(composer).value === 'half a thought', '× should cancel and bring the draft back');
    expect(parts(thread, 'edited')).to.have.length(0);
  });

  it('recalling an own text from the menu offers "Edit again", which puts the text back in the composer', async () => {
    const { thread, composer } = await page();
    part<HTMLButtonElement>(thread, 'actions-button')!.click();
    await waitUntil(() => part(thread, 'recall'), 'the menu should offer Recall');
    part<HTMLButtonElement>(thread, 'recall')!.click();
    await waitUntil(() => part(thread, 'edit-again-button'), 'the recalled row should offer Edit again');
    expect(thread.shadowRoot!.querySelector('[part~="recalled"]')!.textContent).to.contain('You recalled a message');
    part<HTMLButtonElement>(thread, 'edit-again-button')!.click();
    await waitUntil(() => input(composer).value === 'see you at 5' && focused() === input(composer), 'the text should be back in the focused composer');
    expect(part(composer, 'edit-bar'), 'a new message, not an edit').to.equal(null);
  });

  it('"Edit again" survives a reload on the device that recalled, for EDIT_AGAIN_MS', async () => {
    const { thread, conv, id } = await page();
    part<HTMLButtonElement>(thread, 'actions-button')!.click();
    await waitUntil(() => part(thread, 'recall'), 'the menu should offer Recall');
    part<HTMLButtonElement>(thread, 'recall')!.click();
    await waitUntil(() => part(thread, 'edit-again-button'), 'the recalled row should offer Edit again');
    // A reload: a new client of the same user on this device, nothing of the page kept.
    const reloaded = await freshDevice(pair.aliceId);
    const { thread: again, composer } = await threadWithComposer(reloaded, conv);
    await waitUntil(() => part(again, 'edit-again-button'), 'the reloaded page should offer Edit again');
    part<HTMLButtonElement>(again, 'edit-again-button')!.click();
    await waitUntil(() => input(composer).value === 'see you at 5', 'the text should be back in the composer');
    expect(recalledText(reloaded, id, Date.now() + EDIT_AGAIN_MS), 'not after the window').to.equal(undefined);
    // Someone else on this device (another user id) never sees it.
    const bobs = await freshDevice(pair.bobId);
    expect(recalledText(bobs, id)).to.equal(undefined);
    await reloaded.close();
    await bobs.close();
  });

  it('shows and announces an edit by the other side; others’ messages offer no Edit', async () => {
    const { thread, conv } = await page();
    const theirs = await pair.bob.send(`p2p:${pair.aliceId}`, 'meet at the gate');
    await waitUntil(() => thread.shadowRoot!.querySelector('[part~="other"] [part~="actions-button"]'), 'bob’s message should show');
    thread.shadowRoot!.querySelector<HTMLButtonElement>('[part~="other"] [part~="actions-button"]')!.click();
    await waitUntil(() => part(thread, 'menu'), 'the menu');
    expect(part(thread, 'edit'), 'no Edit on others’ messages').to.equal(null);
    await pair.bob.edit(`p2p:${pair.aliceId}`, theirs.id, 'meet at gate B');
    await waitUntil(() => thread.shadowRoot!.querySelector('[part~="other"] [part~="edited"]'), 'the row should say edited');
    expect(thread.shadowRoot!.querySelector('[part~="other"] [part~="bubble"]')!.textContent).to.contain('meet at gate B');
    await waitUntil(() => part(thread, 'log')!.querySelector('.visually-hidden')!.textContent!.includes('Message edited'), 'the live region should say it');
    expect(pair.alice.messages(conv).get().find((m) => m.id === theirs.id)?.edited).to.be.a('number');
  });
});
