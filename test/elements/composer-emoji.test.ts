import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import { localeReady } from '../../src/elements/i18n/localize.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { focused } from './a11y-helpers.js';
import { closeClients, connectPair, part, parts } from './helpers.js';

/** Whether the emoji list module has been fetched by this page (each test file has its own page). */
// The page loads hundreds of modules in dev mode: past the default 250 resource entries the
// browser records no more, and the emoji module's load would go unseen.
performance.setResourceTimingBufferSize(100_000);
const emojiModuleLoaded = () => performance.getEntriesByType('resource').some((e) => /\/composer\/emoji-data\.[jt]s/.test(e.name));

/** The element whose `part` has every one of `names`. */
const partAll = (el: Element, ...names: string[]) => el.shadowRoot!.querySelector<HTMLElement>(names.map((n) => `[part~="${n}"]`).join(''));

const STICKER_URL = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5" fill="orange"/></svg>')}`;

describe('message-composer emoji picker', () => {
  let alice: ChatClient;
  let bob: string;

  beforeEach(async () => {
    ({ alice, bobId: bob } = await connectPair());
  });

  afterEach(closeClients);

  const composer = () => fixture<MessageComposer>(html`<message-composer .client=${alice} conversation="p2p:${bob}"></message-composer>`);

  it('opens the picker with the emoji list, a module of its own (fetched when the page is idle after <chat-thread> is defined, or now)', async () => {
    const el = await composer();
    expect(part(el, 'emoji-picker')).to.equal(null);
    part<HTMLButtonElement>(el, 'emoji-button')!.click();
    await waitUntil(() => parts(el, 'emoji').length > 0, 'the picker should show emoji');
    expect(emojiModuleLoaded()).to.equal(true);
    const picker = part(el, 'emoji-picker')!;
    expect(picker.getAttribute('role')).to.equal('dialog');
    expect(part(el, 'emoji-button')!.getAttribute('aria-expanded')).to.equal('true');
    expect(part(el, 'emoji-grid')!.getAttribute('role')).to.equal('listbox');
    expect(parts(el, 'emoji-tab').length).to.equal(7);
    expect(focused()).to.equal(part(el, 'emoji-search'));
  });

  it('is operated by keyboard and inserts the picked emoji at the caret, focus back in the text area', async () => {
    const el = await composer();
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    input.focus();
    await sendKeys({ type: 'ab' });
    await sendKeys({ press: 'ArrowLeft' });
    await sendKeys({ press: 'Shift+Tab' });
    expect(focused()).to.equal(part(el, 'emoji-button'));
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => parts(el, 'emoji').length > 0 && focused() === part(el, 'emoji-search'), 'the picker should open with focus in its search');

    await sendKeys({ press: 'ArrowDown' });
    const grid = part(el, 'emoji-grid')!;
    expect(focused()).to.equal(grid);
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowLeft' });
    await el.updateComplete;
    // Eight columns: 0 → 1 → 2 → 10 → 9.
    const active = partAll(el, 'emoji', 'active')!;
    expect(grid.getAttribute('aria-activedescendant')).to.equal(active.id);
    expect(active.id).to.equal('emoji-9');
    expect(active.getAttribute('aria-selected')).to.equal('true');
    const char = active.textContent!.trim();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;

    expect(part(el, 'emoji-picker')).to.equal(null);
    expect(focused()).to.equal(input);
    expect(input.value).to.equal(`a${char}b`);
    expect(input.selectionStart).to.equal(1 + char.length);
    expect(part(el, 'emoji-button')!.getAttribute('aria-expanded')).to.equal('false');
  });

  it('searches by name, and Enter in the search picks the first match', async () => {
    const el = await composer();
    part<HTMLButtonElement>(el, 'emoji-button')!.click();
    await waitUntil(() => parts(el, 'emoji').length > 0, 'the picker should show emoji');
    await sendKeys({ type: 'pizz' });
    await waitUntil(() => parts(el, 'emoji').length === 1, 'one emoji should match');
    expect(part(el, 'emoji')!.textContent!.trim()).to.equal('🍕');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(part<HTMLTextAreaElement>(el, 'input')!.value).to.equal('🍕');
    await sendKeys({ press: 'Enter' });
    const messages = alice.messages(`p2p:${bob}`);
    await waitUntil(() => messages.get().some((m) => m.elem.type === 'text' && m.elem.text === '🍕' && m.status === 'sent'), 'the emoji should be sent');
  });

  it('switches categories with arrow keys on the tabs', async () => {
    const el = await composer();
    part<HTMLButtonElement>(el, 'emoji-button')!.click();
    await waitUntil(() => parts(el, 'emoji').length > 0, 'the picker should show emoji');
    const first = part(el, 'emoji')!.textContent!.trim();
    await sendKeys({ press: 'Tab' });
    expect(focused()).to.equal(partAll(el, 'emoji-tab', 'selected'));
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    const selected = partAll(el, 'emoji-tab', 'selected')!;
    expect(focused()).to.equal(selected);
    expect(selected).to.equal(parts(el, 'emoji-tab')[1]);
    expect(part(el, 'emoji')!.textContent!.trim()).to.not.equal(first);
  });

  it('closes on Escape without letting the key out, and focus returns to the text area', async () => {
    const el = await composer();
    let escaped = false;
    document.addEventListener('keydown', (e) => (escaped = e.key === 'Escape' && !e.defaultPrevented), { once: true });
    part<HTMLButtonElement>(el, 'emoji-button')!.click();
    await waitUntil(() => focused() === part(el, 'emoji-search'), 'focus should be in the search');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'emoji-picker')).to.equal(null);
    expect(focused()).to.equal(part(el, 'input'));
    expect(escaped).to.equal(false);
  });

  it('closes on a click outside', async () => {
    const el = await composer();
    part<HTMLButtonElement>(el, 'emoji-button')!.click();
    await waitUntil(() => part(el, 'emoji-picker'), 'the picker should open');
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
    await el.updateComplete;
    expect(part(el, 'emoji-picker')).to.equal(null);
  });

  it('offers the developer’s stickers and sends one as a face elem', async () => {
    const el = await composer();
    el.stickers = [
      { key: 'sun', url: STICKER_URL, label: 'Sunny' },
      { key: 'party-cat', url: STICKER_URL, label: 'Party cat' },
    ];
    part<HTMLButtonElement>(el, 'emoji-button')!.click();
    await waitUntil(() => parts(el, 'emoji').length > 0, 'the picker should show emoji');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(partAll(el, 'emoji-tab', 'selected')!.getAttribute('aria-label')).to.equal('Stickers');
    await waitUntil(() => parts(el, 'sticker').length === 2, 'both stickers should show');
    expect(part<HTMLImageElement>(el, 'sticker')!.querySelector('img')!.alt).to.equal('Sunny');
    await sendKeys({ press: 'Tab' });
    expect(focused()).to.equal(part(el, 'emoji-grid'));
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'Enter' });
    const messages = alice.messages(`p2p:${bob}`);
    await waitUntil(() => messages.get().some((m) => m.status === 'sent'), 'the sticker should be sent');
    expect(messages.get()[0]!.elem).to.deep.equal({ type: 'face', index: 1, data: 'party-cat' });
    expect(part(el, 'emoji-picker')).to.equal(null);
    expect(focused()).to.equal(part(el, 'input'));
  });

  it('mirrors ArrowLeft and ArrowRight in right-to-left text', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div dir="rtl"><message-composer .client=${alice} conversation="p2p:${bob}"></message-composer></div>`);
    const el = wrapper.querySelector('message-composer')!;
    part<HTMLButtonElement>(el, 'emoji-button')!.click();
    await waitUntil(() => parts(el, 'emoji').length > 0 && focused() === part(el, 'emoji-search'), 'the picker should open');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowLeft' });
    await sendKeys({ press: 'ArrowLeft' });
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(partAll(el, 'emoji', 'active')!.id).to.equal('emoji-1');
  });

  it('speaks Chinese under lang="zh-CN"', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="zh-CN"><message-composer .client=${alice} conversation="p2p:${bob}"></message-composer></div>`);
    const el = wrapper.querySelector('message-composer')!;
    await localeReady();
    await el.updateComplete;
    expect(part(el, 'emoji-button')!.getAttribute('aria-label')).to.equal('表情和贴纸');
    expect(part<HTMLTextAreaElement>(el, 'input')!.placeholder).to.equal('消息');
    part<HTMLButtonElement>(el, 'emoji-button')!.click();
    await waitUntil(() => parts(el, 'emoji').length > 0, 'the picker should show emoji');
    expect(partAll(el, 'emoji-tab', 'selected')!.getAttribute('aria-label')).to.equal('笑脸');
  });
});
