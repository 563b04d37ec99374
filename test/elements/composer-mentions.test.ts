import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatClient, ChatMessage } from '../../src/client/types.js';
import { mentionOptions, mentionQueryAt } from '../../src/elements/composer/mention-options.js';
import { mentionedIds } from '../../src/elements/composer/mention-suggest.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { AT_ALL, type ConversationId } from '../../src/protocol/ids.js';
import { closeClients, connect, part, parts, uniqueUser, wordLeft } from './helpers.js';

/** A group of these (already connected) users, created by the test runner's admin route. */
async function createGroup(members: string[]): Promise<ConversationId> {
  const id = uniqueUser('team');
  const res = await fetch(`/__natter/group?${new URLSearchParams({ id, name: 'Team', members: members.join(',') })}`);
  if (!res.ok) throw new Error(`group route: ${res.status}`);
  return `group:${id}`;
}

const optionLabels = (el: Element) => parts(el, 'mention').map((o) => o.querySelector('.mention-label')!.textContent!.trim());
const activeOption = (el: Element) => el.shadowRoot!.querySelector<HTMLElement>('[part~="mention"][part~="active"]');

describe('message-composer @mentions', () => {
  let alice: ChatClient;
  let bob: ChatClient;
  let aliceId: string;
  let bobId: string;
  let carolId: string;
  let group: ConversationId;

  beforeEach(async () => {
    [aliceId, bobId, carolId] = [uniqueUser('alice'), uniqueUser('bob'), uniqueUser('carol')];
    bob = await connect(bobId, 'Bob');
    await connect(carolId, 'Carol');
    alice = await connect(aliceId, 'Alice');
    group = await createGroup([aliceId, bobId, carolId]);
    await waitUntil(() => alice.$conversations.get().some((c) => c.id === group), 'alice should see the group');
  });

  afterEach(closeClients);

  const composer = (conversation: string = group) =>
    fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${conversation}></message-composer>`);

  it('lists members after @, picks one by keyboard, and the received message carries groupAtUserList', async () => {
    const el = await composer();
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    input.focus();
    await sendKeys({ type: 'hi @' });
    await waitUntil(() => parts(el, 'mention').length === 3, 'everyone and both other members should be offered');
    expect(optionLabels(el)).to.deep.equal(['@all', '@Bob', '@Carol']);
    const list = part(el, 'mentions')!;
    expect(list.getAttribute('role')).to.equal('listbox');
    expect(input.getAttribute('aria-controls')).to.equal(list.id);
    expect(input.getAttribute('aria-activedescendant')).to.equal(activeOption(el)!.id);

    await sendKeys({ type: 'b' });
    await waitUntil(() => optionLabels(el).join() === '@Bob', 'typing should filter to bob');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(input.value).to.equal('hi @Bob ');
    expect(part(el, 'mentions')).to.equal(null);
    expect(input.hasAttribute('aria-activedescendant')).to.equal(false);

    await sendKeys({ type: 'look' });
    let detail: unknown;
    el.addEventListener('message-send', (e) => (detail = e.detail), { once: true });
    const received = new Promise<ChatMessage>((resolve) =>
      bob.addEventListener('message', (e) => {
        const m = (e as CustomEvent<ChatMessage>).detail;
        if (m.elem.type === 'text') resolve(m);
      }),
    );
    await sendKeys({ press: 'Enter' });
    const message = await received;
    expect(message.elem).to.deep.equal({ type: 'text', text: 'hi @Bob look' });
    expect(message.groupAtUserList).to.deep.equal([bobId]);
    expect(detail).to.deep.equal({ conversationId: group, text: 'hi @Bob look', groupAtUserList: [bobId] });
  });

  it("says in its status line how many suggestions the open list offers (the list's own strings), and nothing once it closes", async () => {
    const el = await composer();
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    const status = () => el.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();
    input.focus();
    await sendKeys({ type: '@' });
    await waitUntil(() => parts(el, 'mention').length === 3, 'the list should show');
    await el.updateComplete;
    expect(status()).to.equal('3 suggestions. Arrow keys to choose, Enter to insert.');
    await sendKeys({ type: 'b' });
    await waitUntil(() => optionLabels(el).join() === '@Bob', 'typing should filter to bob');
    await el.updateComplete;
    expect(status()).to.equal('1 suggestion. Arrow keys to choose, Enter to insert.');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(status()).to.equal('');
  });

  it('moves with the arrow keys, inserts with Tab, and offers @all', async () => {
    const el = await composer();
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    input.focus();
    await sendKeys({ type: '@' });
    await waitUntil(() => parts(el, 'mention').length === 3, 'the list should show');
    expect(activeOption(el)!.textContent).to.contain('@all');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(activeOption(el)!.textContent).to.contain('@Carol');
    expect(input.getAttribute('aria-activedescendant')).to.equal(activeOption(el)!.id);
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(activeOption(el)!.textContent, 'ArrowDown wraps to the top').to.contain('@all');
    await sendKeys({ press: 'Tab' });
    await el.updateComplete;
    expect(input.value).to.equal('@all ');
    await sendKeys({ type: 'standup now' });
    await sendKeys({ press: 'Enter' });
    const messages = alice.messages(group);
    await waitUntil(() => messages.get().some((m) => m.elem.type === 'text' && m.status === 'sent'), 'the message should be acked');
    const sent = messages.get().find((m) => m.elem.type === 'text')!;
    expect(sent.groupAtUserList).to.deep.equal([AT_ALL]);
  });

  it('closes on Escape (keeping the key from the page) and leaves the text as typed', async () => {
    const el = await composer();
    let escaped = false;
    const onKey = (e: KeyboardEvent) => (escaped ||= e.key === 'Escape' && !e.defaultPrevented);
    document.addEventListener('keydown', onKey);
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    input.focus();
    await sendKeys({ type: 'ask @ca' });
    await waitUntil(() => parts(el, 'mention').length === 1, 'carol should be offered');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(part(el, 'mentions')).to.equal(null);
    expect(escaped).to.equal(false);
    // Still dismissed while the same @word is typed on; a second Escape reaches the page.
    await sendKeys({ type: 'r' });
    await el.updateComplete;
    expect(part(el, 'mentions')).to.equal(null);
    await sendKeys({ press: 'Escape' });
    document.removeEventListener('keydown', onKey);
    expect(escaped).to.equal(true);
    expect(input.value).to.equal('ask @car');
  });

  it('sends no groupAtUserList once the picked name is gone from the text', async () => {
    const el = await composer();
    const input = part<HTMLTextAreaElement>(el, 'input')!;
    input.focus();
    await sendKeys({ type: '@bo' });
    await waitUntil(() => parts(el, 'mention').length === 1, 'bob should be offered');
    await sendKeys({ press: 'Enter' });
    for (let i = 0; i < '@Bob '.length; i++) await sendKeys({ press: 'Backspace' });
    await sendKeys({ type: 'never mind' });
    await sendKeys({ press: 'Enter' });
    const messages = alice.messages(group);
    await waitUntil(() => messages.get().some((m) => m.elem.type === 'text' && m.status === 'sent'), 'the message should be acked');
    const sent = messages.get().find((m) => m.elem.type === 'text')!;
    expect(sent.elem).to.deep.equal({ type: 'text', text: 'never mind' });
    expect(sent.groupAtUserList).to.equal(undefined);
  });

  it('offers no list in a one-to-one conversation', async () => {
    const el = await composer(`p2p:${bobId}`);
    part<HTMLTextAreaElement>(el, 'input')!.focus();
    await sendKeys({ type: 'mail me @b' });
    await el.updateComplete;
    expect(part(el, 'mentions')).to.equal(null);
  });

  it('finds the @word at the caret, and the ids still named in a text', () => {
    expect(mentionQueryAt('hi @bo', 6)).to.deep.equal({ start: 3, query: 'bo' });
    expect(mentionQueryAt('@', 1)).to.deep.equal({ start: 0, query: '' });
    expect(mentionQueryAt('bob@example.com', 7)).to.equal(undefined);
    expect(mentionQueryAt('hi @bob and', 11)).to.equal(undefined);
    const mentions = [{ id: 'u1', label: 'Bob' }, { id: AT_ALL, label: 'all' }];
    expect(mentionedIds('ping @Bob, @all', mentions)).to.deep.equal(['u1', AT_ALL]);
    expect(mentionedIds('ping @Bobby', mentions)).to.deep.equal([]);
    const members = [
      { id: 'me', name: 'Me', readSeq: 0 },
      { id: 'u2', name: 'Zed Bobson', readSeq: 0 },
      { id: 'u1', name: 'Bob', readSeq: 0 },
      { id: 'bobcat', readSeq: 0 },
    ];
    expect(mentionOptions(members, 'me', 'bob', 'all').map((o) => o.label)).to.deep.equal(['Bob', 'bobcat', 'Zed Bobson']);
    expect(mentionOptions(members, 'me', 'son', 'all').map((o) => o.label), 'inside a name, not inside an id').to.deep.equal(['Zed Bobson']);
  });
  it("drops a name's bidi controls from its @label, and a mention already holding one cannot reorder the text after it", async () => {
    const members = [{ id: 'm', name: 'Mallory\u202e', readSeq: 0 }, { id: 'x', name: '\u202e', readSeq: 0 }];
    expect(mentionOptions(members, 'me', '', 'all').map((o) => o.label)).to.deep.equal(['all', 'Mallory', 'x']);
    // Sent by a client from before: "@Mallory" and her override in the text, the words after it still read in order.
    const malloryId = uniqueUser('mallory');
    await connect(malloryId, 'Mallory\u202e');
    const team = await createGroup([aliceId, malloryId]);
    await waitUntil(() => alice.$conversations.get().some((c) => c.id === team), 'alice should see the group');
    await alice.send(team, { type: 'text', text: '@Mallory\u202e see you at 5' }, { groupAtUserList: [malloryId] });
    const thread = await fixture<ChatThread>(html`<chat-thread .client=${alice} conversation=${team}></chat-thread>`);
    await waitUntil(() => part(thread, 'mention'), 'the mention should show');
    const bubble = part(thread, 'mention')!.closest('[part~="bubble"]')!;
    const left = (word: string) => wordLeft(bubble, word);
    expect(part(thread, 'mention')!.getBoundingClientRect().left).to.be.below(left('see'));
    expect(left('see')).to.be.below(left('you'));
    expect(left('you')).to.be.below(left('5'));
    // As the composer writes her now, "@Mallory", it still shows as a mention of her.
    await alice.send(team, { type: 'text', text: 'hi @Mallory' }, { groupAtUserList: [malloryId] });
    await waitUntil(() => parts(thread, 'mention').some((p) => p.textContent === '@Mallory'), 'the label without her override is a mention too');
  });
});

describe('message-composer typing signal', () => {
  afterEach(closeClients);

  it('tells the other user while typing', async () => {
    const [aliceId, bobId] = [uniqueUser('alice'), uniqueUser('bob')];
    const bob = await connect(bobId, 'Bob');
    const alice = await connect(aliceId, 'Alice');
    const el = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation="p2p:${bobId}"></message-composer>`);
    const typing = bob.typing(`p2p:${aliceId}`);
    const unlisten = typing.listen(() => {});
    expect(typing.get()).to.deep.equal([]);
    part<HTMLTextAreaElement>(el, 'input')!.focus();
    await sendKeys({ type: 'h' });
    await waitUntil(() => typing.get().includes(aliceId), 'bob should see alice typing');
    unlisten();
    expect(alice.messages(`p2p:${bobId}`).get(), 'the signal is no message').to.have.length(0);
  });
});
