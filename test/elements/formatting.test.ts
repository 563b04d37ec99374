/**
 * Formatted text messages in real Chromium, through the real server and client: each construct
 * of the Markdown subset as elements (never parsed as HTML), code blocks with a working copy
 * button, `formatting="off"`, plain previews in the list, and the composer's shortcuts.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { closeClients, connectPair, part, parts, type Pair } from './helpers.js';

const FORMATTED = [
  '**bold** *italic* ~~struck~~ `inline <code>`',
  '```\nconst a = "<b>";\n  indented\n```',
  '> quoted **words**\n> second line',
  '- one\n- _two_\n\n3. three\n4. four',
  'see [the docs](https://example.com/docs) and https://example.org',
];

describe('formatted text', () => {
  let { aliceId, bobId, alice, bob } = {} as Pair;

  beforeEach(async () => {
    ({ aliceId, bobId, alice, bob } = await connectPair());
  });
  afterEach(closeClients);

  async function thread(formatting: 'on' | 'off' = 'on'): Promise<ChatThread> {
    for (const text of FORMATTED) await bob.send(`p2p:${aliceId}`, text);
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 700px; width: 480px; display: flex" .client=${alice} conversation=${`p2p:${bobId}`} formatting=${formatting}></chat-thread>`);
    await waitUntil(() => parts(el, 'bubble').length === FORMATTED.length, 'every message should show');
    return el;
  }

  it('shows each construct as elements, with text as text', async () => {
    const el = await thread();
    await waitUntil(() => el.shadowRoot!.querySelector('strong'), 'the formatter should arrive and render');
    const [inline, block, quote, lists, links] = parts(el, 'bubble');
    expect(inline!.querySelector('strong')!.textContent).to.equal('bold');
    expect(inline!.querySelector('em')!.textContent).to.equal('italic');
    expect(inline!.querySelector('s')!.textContent).to.equal('struck');
    expect(part(el, 'code')!.textContent).to.equal('inline <code>');
    expect(inline!.querySelector('b, code code')).to.equal(null);
    expect(inline!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('bold italic struck inline <code>');

    const box = block!.querySelector('[part~="code-block"]')!;
    expect(box.querySelector('pre code')!.textContent).to.equal('const a = "<b>";\n  indented');
    expect(getComputedStyle(box.querySelector('pre')!).fontFamily).to.match(/mono/i);
    expect(box.querySelector('b')).to.equal(null);

    const q = quote!.querySelector('[part~="quote"]')!;
    expect(q.localName).to.equal('blockquote');
    expect(q.querySelector('strong')!.textContent).to.equal('words');
    expect(q.textContent).to.contain('second line');

    const [ul, ol] = [...lists!.querySelectorAll('[part~="list"]')];
    expect(ul!.localName).to.equal('ul');
    expect([...ul!.querySelectorAll('li')].map((li) => li.textContent)).to.deep.equal(['one', 'two']);
    expect(ul!.querySelector('em')!.textContent).to.equal('two');
    expect(ol!.localName).to.equal('ol');
    expect(ol!.getAttribute('start')).to.equal('3');

    const anchors = [...links!.querySelectorAll<HTMLAnchorElement>('a[part~="link"]')];
    expect(anchors.map((a) => [a.textContent, a.href])).to.deep.equal([
      ['the docs', 'https://example.com/docs'],
      ['https://example.org', 'https://example.org/'],
    ]);
    for (const a of anchors) expect(a.rel).to.equal('noopener noreferrer');
  });

  it('styles formatted text in every thread, also one made after the formatter and its styles arrived', async () => {
    const quoteBorder = (el: ChatThread) => getComputedStyle(part(el, 'quote')!).borderInlineStartWidth;
    const first = await thread();
    await waitUntil(() => part(first, 'quote'), 'the formatter should arrive and render');
    expect(quoteBorder(first)).to.equal('3px');
    expect(getComputedStyle(part(first, 'copy-button')!).position).to.equal('absolute');
    // The styles come with the formatter (fetched once): a thread made now draws formatted text at once, styled.
    const second = await fixture<ChatThread>(html`<chat-thread style="height: 700px; width: 480px; display: flex" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
    await waitUntil(() => part(second, 'quote'), 'the second thread should draw the quote');
    expect(quoteBorder(second)).to.equal('3px');
    expect(getComputedStyle(part(second, 'code')!).borderRadius).to.equal('4px');
  });

  it('copies a code block with its button', async () => {
    const el = await thread();
    await waitUntil(() => part(el, 'copy-button'), 'the code block should render');
    const button = part<HTMLButtonElement>(el, 'copy-button')!;
    expect(button.innerText.trim()).to.equal('Copy');
    // A real click (user activation), as the clipboard asks for.
    const box = button.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
    await waitUntil(() => button.hasAttribute('data-copied'), 'the button should say it copied');
    // Pasted by the keyboard (reading the clipboard from script needs a permission headless Chromium does not grant).
    const pasteTarget = document.createElement('textarea');
    document.body.append(pasteTarget);
    pasteTarget.focus();
    await sendKeys({ press: 'Control+v' });
    pasteTarget.remove();
    expect(pasteTarget.value).to.equal('const a = "<b>";\n  indented');
    expect(button.innerText.trim()).to.equal('Copied');
  });

  it('shows the text as written with formatting="off"', async () => {
    const el = await thread('off');
    await new Promise((r) => setTimeout(r, 100));
    expect(el.shadowRoot!.querySelector('strong, em, s, blockquote, ul, ol, pre')).to.equal(null);
    expect(parts(el, 'bubble')[0]!.textContent!.trim()).to.equal(FORMATTED[0]);
  });

  it('previews a formatted message without its markers in the conversation list', async () => {
    await bob.send(`p2p:${aliceId}`, '**Lunch** at `12:30`?');
    const list = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);
    await waitUntil(() => part(list, 'item')?.textContent?.includes('Lunch'), 'the preview should show');
    expect(part(list, 'item')!.textContent).to.contain('Lunch at 12:30?');
    expect(part(list, 'item')!.textContent).not.to.contain('**');
  });

  it('wraps the selection on Ctrl+B, I, E (again unwraps) and sends the markers', async () => {
    const el = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${`p2p:${bobId}`}></message-composer>`);
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    input.focus();
    await sendKeys({ type: 'make this bold' });
    input.setSelectionRange(10, 14);
    await sendKeys({ press: 'Control+b' });
    expect(input.value).to.equal('make this **bold**');
    await sendKeys({ press: 'Control+b' });
    expect(input.value).to.equal('make this bold');
    await sendKeys({ press: 'Control+i' });
    expect(input.value).to.equal('make this _bold_');
    input.setSelectionRange(input.value.length, input.value.length);
    await sendKeys({ type: ' ' });
    await sendKeys({ press: 'Control+e' });
    await sendKeys({ type: 'x()' });
    expect(input.value).to.equal('make this _bold_ `x()`');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => alice.messages(`p2p:${bobId}`).get().some((m) => m.elem.type === 'text' && m.elem.text === 'make this _bold_ `x()`' && m.status === 'sent'), 'the text should be sent with its markers');
  });

  it('leaves the shortcuts alone with formatting="off"', async () => {
    const el = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${`p2p:${bobId}`} formatting="off"></message-composer>`);
    part<HTMLTextAreaElement>(el, 'input')!.focus();
    await sendKeys({ type: 'plain' });
    await sendKeys({ press: 'Control+b' });
    expect(part<HTMLTextAreaElement>(el, 'input')!.value).to.equal('plain');
  });
});
