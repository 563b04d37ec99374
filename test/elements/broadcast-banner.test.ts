import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { BroadcastBanner } from '../../src/elements/broadcast-banner.js';
import type { Broadcast } from '../../src/protocol/frames.js';
import { closeClients, connect, part, uniqueUser, plain } from './helpers.js';

/** Sends a broadcast through the real server's admin API (see web-test-runner.config.mjs). */
async function broadcast(content: string, from?: string): Promise<Broadcast> {
  const query = new URLSearchParams({ content, ...(from ? { from } : {}) });
  const res = await fetch(`/__natter/broadcast?${query}`);
  if (!res.ok) throw new Error(`broadcast route: ${res.status}`);
  return (await res.json()) as Broadcast;
}

async function withdraw(id: string): Promise<void> {
  const res = await fetch(`/__natter/broadcast?withdraw=${encodeURIComponent(id)}`);
  if (!res.ok) throw new Error(`broadcast route: ${res.status}`);
}

const shownText = (el: BroadcastBanner) => part(el, 'content')?.textContent ?? null;
const status = (el: BroadcastBanner) => el.shadowRoot!.querySelector('[role="status"]')!;

describe('broadcast-banner', () => {
  let userId: string;
  let client: ChatClient;

  beforeEach(async () => {
    userId = uniqueUser('viewer');
    client = await connect(userId);
  });

  afterEach(async () => {
    await closeClients();
    localStorage.clear();
  });

  it('renders no banner while there is nothing to show, yet keeps its polite status region', async () => {
    const el = await fixture<BroadcastBanner>(html`<broadcast-banner .client=${client}></broadcast-banner>`);
    expect(part(el, 'broadcast')).to.equal(null);
    expect(status(el).getAttribute('aria-live')).to.equal('polite');
    expect(el.getBoundingClientRect().height).to.equal(0);
  });

  it('shows the newest broadcast with its sender and time, and announces it politely', async () => {
    const el = await fixture<BroadcastBanner>(html`<broadcast-banner .client=${client}></broadcast-banner>`);
    const tag = crypto.randomUUID().slice(0, 6);
    await broadcast(`older ${tag}`);
    await waitUntil(() => shownText(el) === `older ${tag}`, 'the first broadcast should show');
    const sent = await broadcast(`Maintenance tonight ${tag}`, 'Ops team');
    await waitUntil(() => shownText(el) === `Maintenance tonight ${tag}`, 'the newest broadcast should show');
    expect(part(el, 'sender')!.textContent).to.equal('Ops team');
    expect(part(el, 'time')!.getAttribute('datetime')).to.equal(new Date(sent.time).toISOString());
    expect(part(el, 'count')!.textContent).to.equal('1 of 2');
    expect(plain(status(el).textContent)).to.equal(`Ops team: Maintenance tonight ${tag}`);
  });

  it('says a broadcast it is connected with (the widget loads it when the first arrives): its status region renders empty, then with the text', async () => {
    const tag = crypto.randomUUID().slice(0, 6);
    await broadcast(`held ${tag}`, 'Ops team');
    await waitUntil(() => client.$broadcasts.get().some((b) => b.content === `held ${tag}`), 'the client should hold the broadcast');
    const el = document.createElement('broadcast-banner');
    el.client = client;
    document.body.append(el);
    try {
      expect(await el.updateComplete, 'a second update is due').to.equal(false);
      expect(shownText(el)).to.equal(`held ${tag}`);
      expect(status(el).textContent).to.equal('');
      await el.updateComplete;
      expect(plain(status(el).textContent)).to.equal(`Ops team: held ${tag}`);
    } finally {
      el.remove();
    }
  });

  it('pages to older and back to newer broadcasts', async () => {
    const el = await fixture<BroadcastBanner>(html`<broadcast-banner .client=${client}></broadcast-banner>`);
    const tag = crypto.randomUUID().slice(0, 6);
    for (const n of [1, 2, 3]) await broadcast(`${tag} #${n}`);
    await waitUntil(() => part(el, 'count')?.textContent === '1 of 3', 'three broadcasts should be counted');
    part(el, 'next-button')!.click();
    await el.updateComplete;
    expect([shownText(el), part(el, 'count')!.textContent]).to.deep.equal([`${tag} #2`, '2 of 3']);
    part(el, 'previous-button')!.click();
    await el.updateComplete;
    expect(shownText(el)).to.equal(`${tag} #3`);
  });

  it('dismisses a broadcast for good on this device: a new banner (a reload) does not show it again', async () => {
    const el = await fixture<BroadcastBanner>(html`<broadcast-banner .client=${client}></broadcast-banner>`);
    const b = await broadcast(`dismiss me ${crypto.randomUUID()}`);
    await waitUntil(() => shownText(el) === b.content, 'the broadcast should show');
    const dismissed = oneEvent(el, 'broadcast-dismiss');
    part(el, 'dismiss-button')!.click();
    expect((await dismissed).detail.broadcast.id).to.equal(b.id);
    await el.updateComplete;
    expect(part(el, 'broadcast')).to.equal(null);

    const again = await fixture<BroadcastBanner>(html`<broadcast-banner .client=${client}></broadcast-banner>`);
    expect(client.$broadcasts.get().some((x) => x.id === b.id)).to.equal(true);
    expect(part(again, 'broadcast')).to.equal(null);
  });

  it('keeps a broadcast whose dismiss event was cancelled', async () => {
    const el = await fixture<BroadcastBanner>(html`<broadcast-banner .client=${client} @broadcast-dismiss=${(e: Event) => e.preventDefault()}></broadcast-banner>`);
    const b = await broadcast(`stay ${crypto.randomUUID()}`);
    await waitUntil(() => shownText(el) === b.content, 'the broadcast should show');
    part(el, 'dismiss-button')!.click();
    await el.updateComplete;
    expect(shownText(el)).to.equal(b.content);
  });

  it('gives focus back to where it came from when the keyboard dismisses the last broadcast (not to <body>)', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div><button id="before">before</button><broadcast-banner .client=${client}></broadcast-banner></div>`);
    const el = wrapper.querySelector('broadcast-banner')!;
    wrapper.querySelector<HTMLButtonElement>('#before')!.focus();
    const tag = crypto.randomUUID().slice(0, 6);
    await broadcast(`first ${tag}`);
    await broadcast(`second ${tag}`);
    await waitUntil(() => part(el, 'count')?.textContent === '1 of 2', 'both broadcasts should show');
    // Tab into the banner: the pager's two buttons, then Dismiss.
    for (let i = 0; i < 3; i++) await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('dismiss-button');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => shownText(el) === `first ${tag}`, 'the older broadcast should show');
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.getAttribute('part'), 'with one left, focus stays on Dismiss').to.equal('dismiss-button');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(el, 'broadcast') === null, 'the banner should be gone');
    await el.updateComplete;
    // (Compared by name: chai's diff of two elements is slow enough to time the run out.)
    expect(document.activeElement?.localName).to.equal('button');
    expect(document.activeElement?.id).to.equal('before');
  });

  it('removes a withdrawn broadcast', async () => {
    const el = await fixture<BroadcastBanner>(html`<broadcast-banner .client=${client}></broadcast-banner>`);
    const b = await broadcast(`withdraw me ${crypto.randomUUID()}`);
    await waitUntil(() => shownText(el) === b.content, 'the broadcast should show');
    await withdraw(b.id);
    await waitUntil(() => part(el, 'broadcast') === null, 'the withdrawn broadcast should disappear');
  });

  it('fits a 320px wide host without overflowing, and [hidden] hides it', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 320px"><broadcast-banner .client=${client}></broadcast-banner></div>`);
    const el = wrapper.querySelector('broadcast-banner')!;
    await broadcast(`a long announcement ${'word '.repeat(40)}https://example.com/${'x'.repeat(80)}`, 'Operations and Support');
    await broadcast('second');
    await waitUntil(() => part(el, 'pager') !== null, 'the banner should page');
    const banner = part(el, 'broadcast')!;
    expect(banner.scrollWidth).to.be.at.most(banner.clientWidth);
    expect(el.getBoundingClientRect().width).to.equal(320);
    el.hidden = true;
    expect(getComputedStyle(el).display).to.equal('none');
  });
});
