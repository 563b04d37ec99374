import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import { closeClients, connect, part, parts, uniqueUser } from './helpers.js';

describe('conversation-list', () => {
  let aliceId: string;
  let alice: ChatClient;

  beforeEach(async () => {
    aliceId = uniqueUser('alice');
    alice = await connect(aliceId, 'Alice');
  });

  afterEach(closeClients);

  it('shows each conversation with a preview and an unread badge', async () => {
    const bobId = uniqueUser('bob');
    const bob = await connect(bobId, 'Bob');
    await bob.send(`p2p:${aliceId}`, 'first');
    await bob.send(`p2p:${aliceId}`, 'second <b>bold</b>');
    const el = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);

    await waitUntil(() => part(el, 'unread-badge')?.textContent === '2', 'the badge should count two unread');
    const item = part(el, 'item')!;
    expect(item.getAttribute('role')).to.equal('option');
    expect(item.textContent).to.contain('second <b>bold</b>');
    expect(item.querySelector('b')).to.equal(null);
    expect(part(el, 'unread-badge')!.getAttribute('aria-label')).to.equal('2 unread');
  });

  it('previews a recalled last message as "You recalled a message" / "Bob recalled a message", never its text', async () => {
    const bobId = uniqueUser('bob');
    const bob = await connect(bobId, 'Bob');
    const theirs = await bob.send(`p2p:${aliceId}`, 'secret plan');
    const el = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);
    await waitUntil(() => part(el, 'item')?.textContent?.includes('secret plan'), 'the preview');
    await bob.recall(`p2p:${aliceId}`, theirs.id);
    await waitUntil(() => part(el, 'item')?.textContent?.includes('Bob recalled a message'), 'the preview should say bob recalled it');
    expect(part(el, 'item')!.textContent).to.not.contain('secret plan');
    const mine = await alice.send(`p2p:${bobId}`, 'oops');
    await alice.recall(`p2p:${bobId}`, mine.id);
    await waitUntil(() => part(el, 'item')?.textContent?.includes('You recalled a message'), 'the preview should say you recalled it');
    expect(part(el, 'item')!.textContent).to.not.contain('oops');
  });

  it('fires conversation-select on Enter and moves between items with the arrow keys', async () => {
    const bobId = uniqueUser('bob');
    const carolId = uniqueUser('carol');
    const bob = await connect(bobId, 'Bob');
    const carol = await connect(carolId, 'Carol');
    await bob.send(`p2p:${aliceId}`, 'from bob');
    await carol.send(`p2p:${aliceId}`, 'from carol');
    const el = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);
    await waitUntil(() => parts(el, 'item').length === 2, 'both conversations should be listed');

    // Most recent first: carol, then bob.
    const [first, second] = parts(el, 'item');
    expect(first.tabIndex).to.equal(0);
    expect(second.tabIndex).to.equal(-1);
    first.focus();
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(second);

    const picked = oneEvent(el, 'conversation-select');
    await sendKeys({ press: 'Enter' });
    const event = await picked;
    expect(event.detail.conversationId).to.equal(`p2p:${bobId}`);
    expect(event.composed && event.bubbles).to.equal(true);
    await el.updateComplete;
    expect(el.selected).to.equal(`p2p:${bobId}`);
    expect(second.getAttribute('aria-selected')).to.equal('true');
  });

  it('keeps the selection when conversation-select is cancelled', async () => {
    const bobId = uniqueUser('bob');
    const bob = await connect(bobId, 'Bob');
    await bob.send(`p2p:${aliceId}`, 'hello');
    const el = await fixture<ConversationList>(html`<conversation-list .client=${alice} selected="p2p:someone"></conversation-list>`);
    await waitUntil(() => part(el, 'item'), 'the conversation should be listed');
    el.addEventListener('conversation-select', (e) => e.preventDefault());
    part(el, 'item')!.click();
    await el.updateComplete;
    expect(el.selected).to.equal('p2p:someone');
  });
});

describe('conversation-list tools', () => {
  afterEach(closeClients);

  it('lays New group, Contacts and the search button out on one row, the buttons a small even gap apart', async () => {
    const alice = await connect(uniqueUser('alice'), 'Alice');
    const el = await fixture<ConversationList>(html`<conversation-list create-group contacts .client=${alice} style="width: 360px"></conversation-list>`);
    const group = part(el, 'new-group-button')!.getBoundingClientRect();
    const contacts = part(el, 'contacts-button')!.getBoundingClientRect();
    const search = part(el, 'search-button')!.getBoundingClientRect();
    const gap = contacts.left - group.right;
    expect(gap, 'gap between the buttons').to.be.within(4, 12);
    expect(group.left - el.getBoundingClientRect().left, 'inset of the first button').to.be.within(gap, 16);
    const middle = (r: DOMRect) => r.top + r.height / 2;
    expect(Math.abs(middle(search) - middle(group)), 'search button on the same row').to.be.below(2);
    expect(search.right, 'search button at the end').to.be.above(el.getBoundingClientRect().right - 16);
    part(el, 'search-button')!.click();
    await waitUntil(() => part(el, 'search'), 'the search opens');
    const field = part(el, 'search')!.getBoundingClientRect();
    expect(field.top, 'an open search goes under the buttons').to.be.at.least(group.bottom);
    // The field takes the row but the button, which stays at its end beside it (search-narrow.test.ts).
    const button = part(el, 'search-button')!.getBoundingClientRect();
    expect(field.width, 'across the list but the button').to.be.above(el.getBoundingClientRect().width - button.width - 40);
    expect(Math.abs(middle(button) - middle(field)), 'the button beside the field').to.be.below(8);
  });
});
