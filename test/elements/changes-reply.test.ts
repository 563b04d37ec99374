// Reply (quote) from the thread's message menu and by keyboard, with the real server, client and
// browser: the composer shows what is quoted (cancellable), the reply row shows the quote, a
// recalled original turns the quote into "Message recalled", activating it jumps to the original.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { focused } from './a11y-helpers.js';
import { closeClients, connectPair, part, threadWithComposer, type Pair } from './helpers.js';

describe('reply', function () {
  let pair: Pair;

  afterEach(() => closeClients());

  /** Alice's thread with Bob and her composer, after Bob said `text`. */
  async function page(text = 'lunch at noon?'): Promise<{ thread: ChatThread; composer: MessageComposer; conv: `p2p:${string}` }> {
    pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    await pair.bob.send(`p2p:${pair.aliceId}`, text);
    const { thread, composer } = await threadWithComposer(pair.alice, conv);
    await waitUntil(() => part(thread, 'actions-button'), 'bob’s message should offer its actions');
    return { thread, composer, conv };
  }

  it('replies from the menu: the composer quotes, Enter sends a reply, the row shows the quote', async () => {
    const { thread, composer, conv } = await page();
    part<HTMLButtonElement>(thread, 'actions-button')!.click();
    await waitUntil(() => part(thread, 'reply'), 'the menu should offer Reply');
    part<HTMLButtonElement>(thread, 'reply')!.click();
    await waitUntil(() => part(composer, 'reply-preview'), 'the composer should show the quote');
    expect(part(composer, 'reply-preview-sender')!.textContent).to.equal('Replying to Bob');
    expect(part(composer, 'reply-preview-excerpt')!.textContent).to.equal('lunch at noon?');
    await waitUntil(() => focused() === part(composer, 'input'), 'the text area should take focus');

    await sendKeys({ type: 'yes!' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !part(composer, 'reply-preview'), 'sending ends the reply');
    const original = pair.alice.messages(conv).get()[0]!;
    await waitUntil(() => pair.bob.messages(`p2p:${pair.aliceId}`).get().some((m) => m.replyTo?.messageId === original.id), 'bob should get a reply quoting his message');
    await waitUntil(() => part(thread, 'reply-quote'), 'the reply row should show the quote');
    const quote = part(thread, 'reply-quote')!;
    expect(part(thread, 'reply-quote-sender')!.textContent).to.equal('Bob');
    expect(part(thread, 'reply-quote-excerpt')!.textContent).to.equal('lunch at noon?');
    expect(quote.closest('[part~="message"]')!.getAttribute('part')).to.contain('self');
    // Bob reads the quote of his own message as "You", as the pinned bar names one's own.
    const bobs = await fixture<ChatThread>(html`<chat-thread .client=${pair.bob} conversation=${`p2p:${pair.aliceId}`}></chat-thread>`);
    await waitUntil(() => part(bobs, 'reply-quote-sender'), "bob's thread should show the quote");
    expect(part(bobs, 'reply-quote-sender')!.textContent).to.equal('You');
  });

  it('replies by keyboard: R on a focused message quotes it, Escape cancels, × cancels', async () => {
    const { thread, composer } = await page();
    part(thread, 'actions-button')!.focus();
    await sendKeys({ press: 'r' });
    await waitUntil(() => part(composer, 'reply-preview'), 'R should quote the message');
    await waitUntil(() => focused() === part(composer, 'input'), 'the text area should take focus');
    expect(part<HTMLTextAreaElement>(composer, 'input')!.value, 'R is not typed').to.equal('');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(composer, 'reply-preview'), 'Escape should cancel the reply');

    part(thread, 'actions-button')!.focus();
    await sendKeys({ press: 'R' });
    await waitUntil(() => part(composer, 'cancel-reply-button'), 'R again');
    part<HTMLButtonElement>(composer, 'cancel-reply-button')!.click();
    await waitUntil(() => !part(composer, 'reply-preview'), '× should cancel the reply');
  });

  it('says "Message recalled" in a quote of a recalled message, and the quote jumps to the original', async () => {
    const { thread, conv } = await page('the original');
    const original = pair.alice.messages(conv).get()[0]!;
    await pair.alice.reply(conv, original.id, 'quoting it');
    await waitUntil(() => part(thread, 'reply-quote'), 'the reply should show its quote');

    part<HTMLButtonElement>(thread, 'reply-quote')!.click();
    await waitUntil(() => thread.shadowRoot!.querySelector(`[data-row="${CSS.escape(original.id)}"][data-highlight], [data-highlight]`), 'activating the quote should jump to the original');

    await pair.bob.recall(`p2p:${pair.aliceId}`, original.id);
    await waitUntil(() => part(thread, 'reply-quote-excerpt')?.textContent === 'Message recalled', 'the quote should say the original was recalled');
    const recalled = [...thread.shadowRoot!.querySelectorAll('[part~="message"][part~="recalled"]')];
    expect(recalled.map((r) => r.textContent!.trim())).to.deep.equal(['Bob recalled a message']);
  });
});
