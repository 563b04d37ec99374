/**
 * Link previews in real Chromium through the real server: the composer previews the first link
 * of the draft (a page the test runner serves on loopback, allowed by the server's test switch),
 * shows it with a remove button, sends it with the text, and the peer's thread shows the card;
 * a private target gets no preview; a dropped preview is not sent.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { closeClients, connectPair, part, type Pair } from './helpers.js';

describe('link previews', () => {
  let { aliceId, bobId, alice, bob } = {} as Pair;

  beforeEach(async () => {
    ({ aliceId, bobId, alice, bob } = await connectPair());
  });
  afterEach(closeClients);

  const composer = () => fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${`p2p:${bobId}`}></message-composer>`);

  it('previews the first link of the draft, sends the preview with the text, and the peer sees the card', async () => {
    const page = `${location.origin}/__natter/og-page?title=Hello`;
    const el = await composer();
    part<HTMLTextAreaElement>(el, 'input')!.focus();
    await sendKeys({ type: `have a look: ${page} ` });
    await waitUntil(() => part(el, 'link-preview-title'), 'the preview should show');
    expect(part(el, 'link-preview-title')!.textContent).to.equal('Hello');
    expect(part(el, 'link-preview-site')!.textContent).to.equal('Test Site');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(part(el, 'link-preview-bar')).to.equal(null);

    const view = await fixture<ChatThread>(html`<chat-thread style="height: 500px; width: 420px; display: flex" .client=${bob} conversation=${`p2p:${aliceId}`}></chat-thread>`);
    await waitUntil(() => part(view, 'link-preview'), 'bob should see the card');
    const card = part<HTMLAnchorElement>(view, 'link-preview')!;
    expect(card.href).to.equal(page);
    expect(card.rel).to.equal('noopener noreferrer');
    expect(part(view, 'link-preview-description')!.textContent).to.contain('What the page is about');
    expect(part(view, 'link-preview-image')).to.equal(null);
  });

  it('sends no preview once it is removed, and none for a private address', async () => {
    const el = await composer();
    part<HTMLTextAreaElement>(el, 'input')!.focus();
    await sendKeys({ type: `${location.origin}/__natter/og-page?title=Dropped` });
    await waitUntil(() => part(el, 'remove-preview-button'), 'the preview should show');
    part<HTMLButtonElement>(el, 'remove-preview-button')!.click();
    await el.updateComplete;
    expect(part(el, 'link-preview-bar')).to.equal(null);
    await sendKeys({ press: 'Enter' });
    const mine = alice.messages(`p2p:${bobId}`);
    await waitUntil(() => mine.get().some((m) => m.status === 'sent'), 'the text should be sent');
    expect(mine.get().every((m) => m.elem.type !== 'text' || m.elem.preview === undefined)).to.equal(true);

    await expectAsync(alice.linkPreview('http://10.0.0.1/'), 'PREVIEW_REFUSED');
    await expectAsync(alice.linkPreview('http://169.254.169.254/latest/meta-data/'), 'PREVIEW_REFUSED');
    await sendKeys({ type: 'http://192.168.0.1/admin' });
    await new Promise((r) => setTimeout(r, 1200));
    expect(part(el, 'link-preview-bar')).to.equal(null);
  });
});

async function expectAsync(p: Promise<unknown>, name: string): Promise<void> {
  const error = await p.then(() => undefined, (e: unknown) => e as { name?: string });
  expect(error?.name).to.equal(name);
}
