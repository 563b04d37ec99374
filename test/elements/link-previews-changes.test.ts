/**
 * Link previews after issue 22's first round, in real Chromium through the real server (pages the
 * test runner serves on loopback, behind the server's test switch; pictures proxied): the card's
 * picture comes from the chat server, never from the linked site; an edit in the composer shows
 * the edited message's own preview, then the new link's, and the peer's thread shows the updated
 * card (or none once the link is gone); a reply carries its preview.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { composeIntent } from '../../src/elements/thread/changes/compose-intent.js';
import { closeClients, connectPair, part, parts, tokenFor, type Pair } from './helpers.js';

const page = (title: string, image = false) => `${location.origin}/__natter/og-page?title=${encodeURIComponent(title)}${image ? '&image=1' : ''}`;
const ogImageHits = async () => ((await (await fetch('/__natter/og-image-hits')).json()) as { hits: number }).hits;

describe('link previews: proxied pictures, edits and replies', () => {
  let { aliceId, bobId, alice, bob } = {} as Pair;

  beforeEach(async () => {
    ({ aliceId, bobId, alice, bob } = await connectPair());
  });
  afterEach(closeClients);

  const bobThread = () => fixture<ChatThread>(html`<chat-thread style="height: 500px; width: 420px; display: flex" .client=${bob} conversation=${`p2p:${aliceId}`}></chat-thread>`);
  const aliceComposer = () => fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${`p2p:${bobId}`}></message-composer>`);
  /** The row of bob's thread holding `text`. */
  const rowOf = (view: ChatThread, text: string) => parts(view, 'message').find((r) => r.textContent?.includes(text));

  it('shows the picture of a preview from the chat server: the reader’s browser never asks the linked site', async () => {
    const preview = await alice.linkPreview(page('Harbour', true));
    expect(preview.image).to.match(/^\/v1\/previews\/images\/[\w-]+\.[\w-]{22}$/);
    const hits = await ogImageHits();
    await alice.send(`p2p:${bobId}`, { type: 'text', text: `the harbour: ${page('Harbour', true)}`, preview });
    const view = await bobThread();
    await waitUntil(() => part<HTMLImageElement>(view, 'link-preview-image')?.complete && part<HTMLImageElement>(view, 'link-preview-image')!.naturalWidth > 0, 'the picture should load');
    const img = part<HTMLImageElement>(view, 'link-preview-image')!;
    const server = (await tokenFor(bobId)).url.replace(/^ws/, 'http').replace(/\/ws$/, '');
    expect(img.src.startsWith(`${server}/v1/previews/images/`)).to.equal(true);
    expect([img.naturalWidth, img.naturalHeight]).to.deep.equal([120, 63]);
    expect(img.referrerPolicy).to.equal('no-referrer');
    expect(await ogImageHits()).to.equal(hits, 'served from the server’s cache');
    expect(performance.getEntriesByType('resource').some((e) => e.name.includes('/__natter/og-image.png'))).to.equal(false);
  });

  it('edits: the composer shows the message’s own preview, then the new link’s; the peer’s card follows the edit', async () => {
    const first = await alice.linkPreview(page('First'));
    await alice.send(`p2p:${bobId}`, { type: 'text', text: `read ${page('First')}`, preview: first });
    const view = await bobThread();
    await waitUntil(() => part(view, 'link-preview-title')?.textContent === 'First', 'bob should see the first card');

    const el = await aliceComposer();
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    input.focus();
    await waitUntil(() => alice.messages(`p2p:${bobId}`).get().some((m) => m.status === 'sent'), 'alice’s message should be sent');
    // Up in an empty composer edits the last own text: its preview shows at once, not fetched again.
    await sendKeys({ press: 'ArrowUp' });
    await waitUntil(() => part(el, 'edit-bar'), 'edit mode');
    await el.updateComplete;
    expect(part(el, 'link-preview-title')?.textContent).to.equal('First');

    input.select();
    await sendKeys({ type: `sorry, this one: ${page('Second')}` });
    await waitUntil(() => part(el, 'link-preview-title')?.textContent === 'Second', 'the new link should be previewed');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(view, 'link-preview-title')?.textContent === 'Second' && part(view, 'edited'), 'bob should see the edited card');
    expect(parts(view, 'link-preview')).to.have.length(1);
    expect(part<HTMLAnchorElement>(view, 'link-preview')!.href).to.equal(page('Second'));
  });

  it('edits: dropping the link (or the preview) takes the card away from the peer', async () => {
    const p = await alice.linkPreview(page('Gone'));
    await alice.send(`p2p:${bobId}`, { type: 'text', text: `see ${page('Gone')}`, preview: p });
    const view = await bobThread();
    await waitUntil(() => part(view, 'link-preview'), 'bob should see the card');
    const el = await aliceComposer();
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    input.focus();
    await waitUntil(() => alice.messages(`p2p:${bobId}`).get().some((m) => m.status === 'sent'), 'sent');
    await sendKeys({ press: 'ArrowUp' });
    await waitUntil(() => part(el, 'remove-preview-button'), 'the message’s preview should show in edit mode');
    // The text stays; only the preview goes (×): that is a change too.
    part<HTMLButtonElement>(el, 'remove-preview-button')!.click();
    await el.updateComplete;
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !part(view, 'link-preview') && part(view, 'edited'), 'bob’s card should go');
    expect(rowOf(view, 'see ')).to.not.equal(undefined);
  });

  it('a reply carries the preview of its link', async () => {
    const quoted = await bob.send(`p2p:${aliceId}`, 'where shall we eat?');
    await waitUntil(() => alice.messages(`p2p:${bobId}`).get().some((m) => m.id === quoted.id), 'alice should have bob’s message');
    const el = await aliceComposer();
    composeIntent(alice, `p2p:${bobId}`).set({ kind: 'reply', message: alice.messages(`p2p:${bobId}`).get().find((m) => m.id === quoted.id)! });
    await waitUntil(() => part(el, 'reply-preview'), 'reply mode');
    part<HTMLTextAreaElement>(el, 'input')!.focus();
    await sendKeys({ type: `here: ${page('Tasca')}` });
    await waitUntil(() => part(el, 'link-preview-title')?.textContent === 'Tasca', 'the link should be previewed');
    await sendKeys({ press: 'Enter' });
    const view = await bobThread();
    await waitUntil(() => part(view, 'reply-quote') && part(view, 'link-preview-title')?.textContent === 'Tasca', 'bob should see the reply with its card');
    const sent = alice.messages(`p2p:${bobId}`).get().find((m) => m.replyTo?.messageId === quoted.id)!;
    expect(sent.elem.type === 'text' && sent.elem.preview?.title).to.equal('Tasca');
  });
});
