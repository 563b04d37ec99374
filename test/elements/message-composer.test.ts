import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import { composerStrings } from '../../src/elements/i18n/composer.js';
import { setLocale } from '../../src/elements/i18n/localize.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { closeClients, connectPair, part } from './helpers.js';
import { placeholderInk } from './overflow-helpers.js';

describe('message-composer', () => {
  let alice: ChatClient;
  let bob: string;

  beforeEach(async () => {
    ({ alice, bobId: bob } = await connectPair());
  });

  afterEach(closeClients);

  async function composer(): Promise<MessageComposer> {
    const el = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation="p2p:${bob}"></message-composer>`);
    return el;
  }

  it('sends the draft on Enter and clears the input at once', async () => {
    const el = await composer();
    part<HTMLTextAreaElement>(el, 'input')!.focus();
    await sendKeys({ type: 'hello bob' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(part<HTMLTextAreaElement>(el, 'input')!.value).to.equal('');
    const messages = alice.messages(`p2p:${bob}`);
    await waitUntil(() => messages.get().some((m) => m.elem.type === 'text' && m.elem.text === 'hello bob' && m.status === 'sent'), 'the message should be acked');
    expect(messages.get()).to.have.length(1);
  });

  it('shows a placeholder that fits its line at a phone\'s width, in any language; its name stays', async () => {
    const el = await composer();
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    try {
      for (const locale of ['', 'de', 'ru', 'ar']) {
        await setLocale(locale);
        for (const width of [600, 320]) {
          el.style.width = `${width}px`;
          await el.updateComplete;
          const t = composerStrings();
          const where = `${locale || 'en'} ${width} px`;
          expect(input.placeholder, `${where}: the default placeholder`).to.equal(t.placeholder);
          const { ink, room } = placeholderInk(input);
          // Within half a pixel: the antialiased edge of the last glyph ("Сообщение" at 320 px: 92.06 of 92), no letter cut.
          expect(ink, `${where}: “${input.placeholder}” fits its line`).to.be.at.most(room + 0.5);
          expect(input.getAttribute('aria-label'), `${where}: the accessible name is unchanged`).to.equal(t.input);
        }
      }
    } finally {
      await setLocale('');
    }
    // A placeholder the page sets is its own: shown as given.
    el.placeholder = 'Say hi to Bob';
    await el.updateComplete;
    expect(input.placeholder).to.equal('Say hi to Bob');
  });

  it('inserts a newline on Shift+Enter instead of sending', async () => {
    const el = await composer();
    part<HTMLTextAreaElement>(el, 'input')!.focus();
    await sendKeys({ type: 'line one' });
    await sendKeys({ press: 'Shift+Enter' });
    await sendKeys({ type: 'line two' });
    expect(part<HTMLTextAreaElement>(el, 'input')!.value).to.equal('line one\nline two');
    expect(alice.messages(`p2p:${bob}`).get()).to.have.length(0);
  });

  it('disables the send button while the draft is blank', async () => {
    const el = await composer();
    const button = part<HTMLButtonElement>(el, 'send-button')!;
    expect(button.disabled).to.equal(true);
    part<HTMLTextAreaElement>(el, 'input')!.focus();
    await sendKeys({ type: '   ' });
    await el.updateComplete;
    expect(button.disabled).to.equal(true);
    await sendKeys({ type: 'x' });
    await el.updateComplete;
    expect(button.disabled).to.equal(false);
  });

  it('refuses a text over 8 KB with an inline explanation and keeps the draft', async () => {
    const el = await composer();
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    input.value = 'é'.repeat(4097); // 8194 UTF-8 bytes
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    expect(el.send()).to.equal(false);
    const hint = part(el, 'hint')!;
    expect(hint.getAttribute('role')).to.equal('alert');
    expect(hint.textContent).to.match(/too long/i);
    expect(part<HTMLButtonElement>(el, 'send-button')!.disabled).to.equal(true);
    expect(input.value).to.have.length(4097);
    expect(alice.messages(`p2p:${bob}`).get()).to.have.length(0);
  });

  it('fires a cancelable message-send event before sending', async () => {
    const el = await composer();
    el.addEventListener('message-send', (e) => e.preventDefault(), { once: true });
    part<HTMLTextAreaElement>(el, 'input')!.focus();
    await sendKeys({ type: 'held back' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(part<HTMLTextAreaElement>(el, 'input')!.value).to.equal('held back');
    expect(alice.messages(`p2p:${bob}`).get()).to.have.length(0);
  });
});
