/**
 * The filters of `<chat-search>` in real Chromium against the real server: from whom, what type,
 * which days narrow the results; the filters button and Escape by keyboard; labelled fields that
 * axe accepts; a group's members offered as senders; German labels.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatSearch } from '../../src/elements/search/chat-search.js';
import { axeViolations } from './a11y-helpers.js';
import { closeClients, connect, connectPair, part, parts, uniqueUser, openSearch } from './helpers.js';

const snippets = (s: ChatSearch) => parts(s, 'snippet').map((e) => e.textContent);
const statusOf = (s: ChatSearch) => part(s, 'status')!.textContent!.trim();

/** Picks `value` in a filter field as a person does (the field fires `change`). */
function pick(search: ChatSearch, name: string, value: string): void {
  const field = part<HTMLSelectElement | HTMLInputElement>(search, name)!;
  field.value = value;
  field.dispatchEvent(new Event('change', { bubbles: true }));
}

/** The local day `days` from today as `<input type="date">` writes it. */
function day(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

async function threadOf(client: Awaited<ReturnType<typeof connect>>, conversation: string, lang = 'en'): Promise<ChatThread> {
  const wrapper = await fixture<HTMLElement>(html`<div lang=${lang}><chat-thread style="height: 400px; display: flex; flex-direction: column" .client=${client} conversation=${conversation}></chat-thread></div>`);
  const thread = wrapper.querySelector<ChatThread>('chat-thread')!;
  await waitUntil(() => parts(thread, 'bubble').length > 0, 'the thread shows');
  return thread;
}

describe('search filters', () => {
  afterEach(closeClients);

  it('narrow the results by sender, type and days; Clear brings them all back', async function () {
    const { aliceId, bobId, alice, bob } = await connectPair();
    await alice.send(`p2p:${bobId}`, 'otter one');
    await alice.send(`p2p:${bobId}`, { type: 'location', description: 'otter rock', latitude: 1, longitude: 2 });
    await bob.send(`p2p:${aliceId}`, 'otter from bob');
    await waitUntil(() => bob.$conversations.get().some((c) => c.id === `p2p:${aliceId}` && c.lastSeq >= 3), 'bob holds all three');
    const thread = await threadOf(bob, `p2p:${aliceId}`);
    const search = await openSearch(thread);
    await sendKeys({ type: 'otter' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => parts(search, 'result').length === 3, 'three results unfiltered');

    const button = part(search, 'filters-button')!;
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(part(search, 'filters')!.hidden).to.equal(true);
    button.click();
    await search.updateComplete;
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(part(search, 'filters')!.hidden).to.equal(false);
    const people = [...part<HTMLSelectElement>(search, 'filter-from')!.options].map((o) => o.textContent);
    expect(people).to.deep.equal(['Anyone', 'You', 'Alice']);

    pick(search, 'filter-from', aliceId);
    await waitUntil(() => snippets(search).join('|') === 'otter rock|otter one', 'only what Alice sent');
    expect(button.getAttribute('aria-label')).to.equal('Filters: 1 on');
    expect(button.getAttribute('part')).to.equal('filters-button on');

    pick(search, 'filter-kind', 'location');
    await waitUntil(() => snippets(search).join('|') === 'otter rock', 'only her place');

    part(search, 'clear-filters-button')!.focus();
    part(search, 'clear-filters-button')!.click();
    await waitUntil(() => parts(search, 'result').length === 3, 'all three again');
    expect(part(search, 'clear-filters-button')).to.equal(null);
    await waitUntil(() => search.shadowRoot!.activeElement === part(search, 'filter-from'), 'focus stays in the filters');

    pick(search, 'filter-since', day(1));
    await waitUntil(() => statusOf(search) === 'No messages found.', 'nothing from tomorrow on');
    pick(search, 'filter-since', day(0));
    pick(search, 'filter-until', day(0));
    await waitUntil(() => parts(search, 'result').length === 3, 'today holds all three').catch((e) => { throw new Error(`${e} ${statusOf(search)} ${snippets(search).join('|')}`); });
    pick(search, 'filter-until', day(-1));
    await waitUntil(() => statusOf(search) === 'No messages found.', 'nothing until yesterday');
  });

  it('without a word: Pictures from Alice lists her pictures as thumbnails, newest first; the arrows and Enter open one; axe finds nothing; right to left too', async function () {
    const { aliceId, bobId, alice, bob } = await connectPair();
    const picture = (n: number) => ({ type: 'image' as const, url: `${location.origin}/__natter/picture.svg?${n}`, width: 4, height: 3, size: 100, mime: 'image/svg+xml' });
    await alice.send(`p2p:${bobId}`, picture(1));
    await alice.send(`p2p:${bobId}`, 'a word, see www.example.org');
    await alice.send(`p2p:${bobId}`, { type: 'file', url: `${location.origin}/__natter/picture.svg`, name: 'minutes.pdf', size: 100, mime: 'application/pdf' });
    await bob.send(`p2p:${aliceId}`, picture(3));
    await alice.send(`p2p:${bobId}`, picture(2));
    await waitUntil(() => bob.$conversations.get().some((c) => c.id === `p2p:${aliceId}` && c.lastSeq >= 5), 'bob holds all five');
    const wrapper = await fixture<HTMLElement>(html`<div dir="rtl"><chat-thread style="height: 400px; display: flex; flex-direction: column" .client=${bob} conversation=${`p2p:${aliceId}`}></chat-thread></div>`);
    const thread = wrapper.querySelector<ChatThread>('chat-thread')!;
    await waitUntil(() => parts(thread, 'bubble').length > 0, 'the thread shows');
    const search = await openSearch(thread);
    part(search, 'filters-button')!.click();
    await search.updateComplete;
    pick(search, 'filter-from', aliceId);
    pick(search, 'filter-kind', 'image');
    const srcs = () => parts<HTMLImageElement>(search, 'result-thumbnail').map((i) => new URL(i.src).search);
    await waitUntil(() => srcs().join('|') === '?2|?1', 'her two pictures, newest first, with no word typed').catch((e) => { throw new Error(`${e} ${statusOf(search)} ${srcs().join('|')}`); });
    expect(statusOf(search)).to.equal('2 found');
    expect(parts<HTMLImageElement>(search, 'result-thumbnail').map((i) => i.alt)).to.deep.equal(['Image', 'Image']);
    expect(parts(search, 'snippet')).to.have.length(0);
    // The thumbnail at the start of its row: the right in a right-to-left page.
    const row = parts(search, 'result')[0]!.getBoundingClientRect();
    const thumb = parts(search, 'result-thumbnail')[0]!.getBoundingClientRect();
    expect(thumb.right).to.be.greaterThan(row.right - 16);
    const violations = await axeViolations(search);
    expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
    // The field, empty, still steps through the results and opens one.
    part(search, 'input')!.focus();
    const opened = new Promise<{ messageId: string }>((resolve) => search.addEventListener('search-result-select', (e) => resolve((e as unknown as { detail: { messageId: string } }).detail), { once: true }));
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    expect(part(search, 'input')!.getAttribute('aria-activedescendant')).to.equal('r1');
    await sendKeys({ press: 'Enter' });
    const held = bob.messages(`p2p:${aliceId}`).get().find((m) => (m.elem as { url?: string }).url?.endsWith('?1'))!;
    expect((await opened).messageId).to.equal(held.id);
    // Files by name, links by their text; cleared, nothing is searched.
    pick(search, 'filter-kind', 'file');
    await waitUntil(() => snippets(search).join('|') === 'minutes.pdf', 'her file by its name');
    pick(search, 'filter-kind', 'link');
    await waitUntil(() => snippets(search).join('|') === 'a word, see www.example.org', 'her link');
    part(search, 'clear-filters-button')!.click();
    await waitUntil(() => parts(search, 'result').length === 0 && statusOf(search) === '', 'no filter, no word: no search');
  });

  it('open and close by keyboard, labelled (axe finds nothing); a group offers its members', async function () {
    const owner = uniqueUser('olga');
    const member = uniqueUser('max');
    const [olga] = await Promise.all([connect(owner, 'Olga'), connect(member, 'Max')]);
    const group = uniqueUser('otters');
    await fetch(`/__natter/group?id=${group}&members=${owner},${member}&name=Otters`);
    await olga.send(`group:${group}`, 'otter meeting');
    const thread = await threadOf(olga, `group:${group}`);
    const search = await openSearch(thread);
    await waitUntil(() => search.shadowRoot!.activeElement === part(search, 'input'), 'focus in the field');
    await sendKeys({ press: 'Tab' });
    expect(search.shadowRoot!.activeElement).to.equal(part(search, 'filters-button'));
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !part(search, 'filters')!.hidden, 'Enter opens the filters');
    await waitUntil(() => part<HTMLSelectElement>(search, 'filter-from')!.options.length === 3, "the group's members load");
    expect([...part<HTMLSelectElement>(search, 'filter-from')!.options].map((o) => o.textContent)).to.deep.equal(['Anyone', 'You', 'Max']);
    const violations = await axeViolations(search);
    expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
    await sendKeys({ press: 'Tab' });
    expect(search.shadowRoot!.activeElement).to.equal(part(search, 'filter-from'));
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => part(search, 'filters')!.hidden, 'Escape closes the filters');
    await waitUntil(() => search.shadowRoot!.activeElement === part(search, 'filters-button'), 'back to the button');
    expect(part(thread, 'search'), 'the search itself stays open').to.exist;
  });

  it('offer a hostile name as inert text', async () => {
    const hostile = '<img src=x onerror="window.pwned=1">‮Bob';
    const { aliceId, bobId, alice, bob } = await connectPair(hostile);
    await bob.send(`p2p:${aliceId}`, 'otter');
    await waitUntil(() => alice.$conversations.get().some((c) => c.id === `p2p:${bobId}`), 'alice lists bob');
    const thread = await threadOf(alice, `p2p:${bobId}`);
    const search = await openSearch(thread);
    part(search, 'filters-button')!.click();
    await search.updateComplete;
    const from = part<HTMLSelectElement>(search, 'filter-from')!;
    await waitUntil(() => [...from.options].some((o) => o.value === bobId), 'bob offered');
    expect([...from.options].find((o) => o.value === bobId)!.textContent).to.equal(hostile);
    expect(search.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as { pwned?: number }).pwned).to.equal(undefined);
  });

  it('speak the page language (German)', async () => {
    const { aliceId, bobId, alice, bob } = await connectPair();
    await alice.send(`p2p:${bobId}`, 'Otter');
    const thread = await threadOf(bob, `p2p:${aliceId}`, 'de');
    const search = await openSearch(thread);
    part(search, 'filters-button')!.click();
    await search.updateComplete;
    const labels = () => parts(search, 'filter').map((l) => l.querySelector('span')!.textContent).join('|');
    await waitUntil(() => labels() === 'Von|Art|Seit|Bis', 'German labels');
    expect(part(search, 'filters')!.getAttribute('aria-label')).to.equal('Filter');
    expect([...part<HTMLSelectElement>(search, 'filter-kind')!.options].map((o) => o.textContent))
      .to.deep.equal(['Alles', 'Nachrichten', 'Bilder', 'Videos', 'Sprache und Audio', 'Dateien', 'Links', 'Orte']);
  });
});
