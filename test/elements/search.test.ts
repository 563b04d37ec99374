/**
 * Search in the elements (SPEC §12) in real Chromium against the real server: the search of
 * `<chat-thread>`'s header reaches a message far above the loaded window and highlights it, by
 * keyboard; `<conversation-list>`'s search spans every conversation; hostile text stays text; zh-CN.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import type { SearchResultSelectEvent } from '../../src/elements/events/search-result-select.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import type { ChatSearch } from '../../src/elements/search/chat-search.js';
import { axeViolations } from './a11y-helpers.js';
import { closeClients, connectPair, part, parts, seed, openSearch } from './helpers.js';

const statusOf = (s: ChatSearch) => part(s, 'status')!.textContent!.trim();

describe('search in the elements', () => {
  afterEach(closeClients);

  it("<chat-thread>: finds a word written hundreds of messages ago and Enter lands on it, highlighted", async function () {
    const { aliceId, bobId, alice, bob } = await connectPair();
    await alice.send(`p2p:${bobId}`, 'the quokka <b>smiles</b> 斑马');
    await seed(aliceId, bobId, 300);
    // The seed settles when the sends are acked; Bob's live copies may still be arriving, and a
    // thread opened on 11 of them would show the quokka among the newest.
    await waitUntil(() => bob.$conversations.get().some((c) => c.id === `p2p:${aliceId}` && c.lastSeq >= 301), 'bob should hold the seeded messages');
    const wrapper = await fixture<HTMLElement>(html`<div><chat-thread style="height: 400px; display: flex; flex-direction: column" .client=${bob} conversation=${`p2p:${aliceId}`}></chat-thread></div>`);
    const thread = wrapper.querySelector<ChatThread>('chat-thread')!;
    await waitUntil(() => parts(thread, 'bubble').length > 0, 'the newest messages show');
    expect(thread.shadowRoot!.textContent).not.to.include('quokka');

    const button = part(thread, 'search-button')!;
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    const search = await openSearch(thread);
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    await waitUntil(() => search.shadowRoot!.activeElement === part(search, 'input'), 'focus goes to the field');
    await sendKeys({ type: 'QUOKKA' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => parts(search, 'result').length === 1, 'one result');
    expect(statusOf(search)).to.equal('1 found');
    const result = part(search, 'result')!;
    expect(result.querySelector('[part~="result-sender"]')!.textContent).to.equal('Alice');
    expect(result.querySelector('[part~="result-time"]')!.getAttribute('datetime')).to.match(/^\d{4}-/);
    const snippet = result.querySelector('[part~="snippet"]')!;
    expect(snippet.textContent).to.equal('the quokka <b>smiles</b> 斑马');
    expect(snippet.querySelector('b')).to.equal(null);
    expect([...snippet.querySelectorAll('[part~="match"]')].map((m) => m.textContent)).to.deep.equal(['quokka']);

    await sendKeys({ press: 'ArrowDown' });
    expect(part(search, 'input')!.getAttribute('aria-activedescendant')).to.equal('r0');
    expect(result.getAttribute('part')).to.include('active');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => thread.shadowRoot!.querySelector('[data-highlight]')?.textContent?.includes('quokka'), 'the thread jumps to it, highlighted');
    await waitUntil(() => thread.shadowRoot!.activeElement?.closest('[data-row]')?.textContent?.includes('quokka'), 'and the message takes focus');
  });

  it('<chat-thread>: two Chinese characters find a message without spaces; Escape clears, then closes back to the button', async () => {
    const { aliceId, bobId, alice, bob } = await connectPair();
    await alice.send(`p2p:${bobId}`, '一只斑马在跑');
    const wrapper = await fixture<HTMLElement>(html`<div lang="zh-CN"><chat-thread style="height: 400px; display: flex; flex-direction: column" .client=${bob} conversation=${`p2p:${aliceId}`}></chat-thread></div>`);
    const thread = wrapper.querySelector<ChatThread>('chat-thread')!;
    await waitUntil(() => part(thread, 'search-button')?.textContent?.includes('在此会话中搜索'), 'the button speaks Chinese');
    const search = await openSearch(thread);
    expect(part(search, 'input')!.getAttribute('aria-label')).to.equal('搜索消息');
    await sendKeys({ type: '斑马' });
    await waitUntil(() => parts(search, 'result').length === 1, 'found without pressing Enter (after a pause)');
    expect(statusOf(search)).to.equal('找到 1 条');
    expect(part(search, 'result')!.querySelector('[part~="result-sender"]')!.textContent).to.equal('Alice');
    await sendKeys({ type: '不存在' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => statusOf(search) === '没有找到消息。', 'nothing found, said in Chinese');
    await sendKeys({ press: 'Escape' });
    expect((part(search, 'input') as HTMLInputElement).value).to.equal('');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(thread, 'search'), 'closed');
    await waitUntil(() => thread.shadowRoot!.activeElement === part(thread, 'search-button'), 'focus back on the button');
  });

  it('<conversation-list>: searches every conversation and says which one; opening a result fires search-result-select', async () => {
    const { aliceId, bobId, alice, bob } = await connectPair();
    await alice.send(`p2p:${bobId}`, 'platypus one');
    await bob.send(`p2p:${aliceId}`, 'my platypus two');
    const list = await fixture<ConversationList>(html`<conversation-list .client=${bob}></conversation-list>`);
    await waitUntil(() => parts(list, 'item').length > 0, 'the list shows');
    const search = await openSearch(list);
    await sendKeys({ type: 'platypus' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => parts(search, 'result').length === 2, 'both');
    const senders = parts(search, 'result').map((r) => r.querySelector('[part~="result-sender"]')!.textContent);
    expect(senders).to.deep.equal(['You', 'Alice']);
    // One's own message says where it went ("You  Alice"); the peer's in their 1:1 chat names them once ("Alice", not "Alice  Alice").
    const [mine, theirs] = parts(search, 'result');
    expect(mine!.querySelector('[part~="result-conversation"]')!.textContent).to.equal('Alice');
    expect(theirs!.textContent!.match(/Alice/g)).to.have.length(1);
    expect(theirs!.querySelector('[part~="result-conversation"]') === null, 'no conversation name on the peer\'s own').to.equal(true);
    const opened = new Promise<SearchResultSelectEvent>((resolve) => list.addEventListener('search-result-select', resolve, { once: true }));
    parts(search, 'result')[1]!.click();
    const e = await opened;
    expect(e.detail.conversationId).to.equal(`p2p:${aliceId}`);
    expect(e.composed).to.equal(true);
  });

  it('<chat-widget>: a result opened from the list opens its conversation at the message, highlighted; axe finds nothing in the open search', async function () {
    const { aliceId, bobId, alice, bob } = await connectPair();
    await alice.send(`p2p:${bobId}`, 'a wombat long ago');
    await seed(aliceId, bobId, 120);
    const widget = await fixture<ChatWidget>(html`<chat-widget .client=${bob}></chat-widget>`);
    await widget.show();
    const list = widget.shadowRoot!.querySelector('conversation-list')!;
    await waitUntil(() => parts(list, 'item').length > 0, 'the list shows');
    const search = await openSearch(list);
    await sendKeys({ type: 'wombat' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => parts(search, 'result').length === 1, 'found');
    const violations = await axeViolations(list);
    expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
    parts(search, 'result')[0]!.click();
    await waitUntil(() => widget.shadowRoot!.querySelector('chat-thread'), 'the thread opens');
    const thread = widget.shadowRoot!.querySelector<ChatThread>('chat-thread')!;
    expect(thread.conversation).to.equal(`p2p:${aliceId}`);
    await waitUntil(() => thread.shadowRoot!.querySelector('[data-highlight]')?.textContent?.includes('wombat'), 'at the message, highlighted');
    widget.hide();
  });

  it('a page that comes back empty with a cursor (the server scan read its 2,000 rows) is followed on its own: the one match further back is found, and "No messages found" is never said', async function () {
    this.timeout(60_000);
    const { aliceId, bobId, alice } = await connectPair();
    // The only word starting with x is older than the newest 2,000 messages (SCAN_ROWS): a one-letter
    // query is a scan, whose first page checks those 2,000, finds nothing and carries a cursor.
    await alice.send(`p2p:${bobId}`, 'x marks the spot');
    await seed(aliceId, bobId, 2100);
    const search = await fixture<ChatSearch>(html`<chat-search .client=${alice} conversation=${`p2p:${bobId}`}></chat-search>`);
    const status = part(search, 'status')!;
    const said: string[] = [];
    const heard = new MutationObserver(() => said.push(status.textContent!.trim()));
    heard.observe(status, { childList: true, characterData: true, subtree: true });
    search.focus();
    await sendKeys({ type: 'x' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => parts(search, 'result').length === 1, 'the match behind the empty page is found');
    await search.updateComplete;
    heard.disconnect();
    expect(statusOf(search)).to.equal('1 found');
    // Searching…, then the final count once: never "none" nor a count of 0 on the way.
    expect(said.filter((t) => t !== '' && t !== 'Searching…')).to.deep.equal(['1 found']);
    expect(part(search, 'result')!.textContent).to.include('x marks the spot');
    expect(part(search, 'more-button')).to.equal(null);
  });
});
