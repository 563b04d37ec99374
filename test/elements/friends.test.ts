// Friends in the widget (SPEC §13) in real Chromium against the real server (friend requests on,
// see web-test-runner.config.mjs): the contacts view's friends and request sections, and the
// profile card opened from a sender's picture or name in <chat-thread>, by keyboard and pointer.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ContactsView } from '../../src/elements/people/contacts-view.js';
import type { ProfileCard } from '../../src/elements/people/profile-card.js';
import type { ConversationSelectEvent } from '../../src/elements/events/conversation-select.js';
import { setLocale } from '../../src/elements/i18n/localize.js';
import { axeViolations, focused } from './a11y-helpers.js';
import { closeClients, connect, connectTrio, part, parts, uniqueUser, type Trio } from './helpers.js';

describe('friends (SPEC §13)', function () {
  let { aliceId, bobId, alice, bob, carol } = {} as Trio;

  beforeEach(async () => {
    ({ aliceId, bobId, alice, bob, carol } = await connectTrio());
    // alice knows bob from a 1:1 chat, so her contacts view offers him.
    await bob.send(`p2p:${aliceId}`, 'hi alice');
    await waitUntil(() => alice.$conversations.get().length >= 1, 'alice should list bob');
  });

  afterEach(async () => {
    await closeClients();
    await setLocale('');
    await emulateMedia({ colorScheme: 'light' });
    await setViewport({ width: 800, height: 600 });
  });

  async function openContacts(client = alice): Promise<ContactsView> {
    const view = await fixture<ContactsView>(html`<contacts-view .client=${client}></contacts-view>`);
    await view.show();
    await waitUntil(() => part(view, 'friends'), 'the friends section should load');
    return view;
  }

  /** The row of `section` (a list part) whose text holds `text`. */
  const rowOf = (view: ContactsView, section: string, text: string) =>
    [...(part(view, section)?.querySelectorAll<HTMLElement>('li:not(.empty)') ?? [])].find((li) => li.textContent!.includes(text));

  it('asks bob from the people list by keyboard; bob accepts in his view; both list each other; Remove ends it', async () => {
    const mine = await openContacts();
    expect(part(mine, 'friends')!.textContent).to.include('No friends yet.');
    const add = parts(mine, 'add-friend-button').find((b) => b.getAttribute('aria-label')!.includes('Bob'))!;
    add.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(mine, 'status')!.textContent === 'Friend request sent.', 'alice should be told the request went');
    await waitUntil(() => rowOf(mine, 'outgoing', 'Bob'), 'the sent request should show');
    expect(parts(mine, 'add-friend-button').some((b) => b.getAttribute('aria-label')!.includes('Bob'))).to.equal(false, 'no second Add for bob');

    const his = await openContacts(bob);
    await waitUntil(() => rowOf(his, 'incoming', 'Alice'), 'bob should see the request');
    await setViewport({ width: 320, height: 640 });
    for (const scheme of ['light', 'dark'] as const) {
      await emulateMedia({ colorScheme: scheme });
      const violations = await axeViolations(his);
      expect(violations, `${scheme}: ${JSON.stringify(violations, null, 2)}`).to.deep.equal([]);
    }
    expect(part(his, 'dialog')!.scrollWidth).to.be.at.most(320);
    part(his, 'accept-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => rowOf(his, 'friends', 'Alice'), 'alice should be bob’s friend');
    await waitUntil(() => rowOf(mine, 'friends', 'Bob') && !part(mine, 'outgoing'), 'bob should be alice’s friend, her request gone');
    expect(part(his, 'incoming')).to.equal(null);
    // A friend is listed once, under Friends, not again among the people.
    expect(!!rowOf(mine, 'people', 'Bob'), 'bob among alice’s people').to.equal(false);
    expect(!!rowOf(his, 'people', 'Alice'), 'alice among bob’s people').to.equal(false);

    // The search filters friends too; picking one opens the chat.
    part(mine, 'search')!.focus();
    await sendKeys({ type: 'bo' });
    await waitUntil(() => parts(mine, 'friend').length === 1, 'bob should stay');
    const selected = new Promise<ConversationSelectEvent>((resolve) => mine.addEventListener('conversation-select', resolve, { once: true }));
    part(mine, 'friend')!.click();
    expect((await selected).detail.conversationId).to.equal(`p2p:${bobId}`);
    expect(mine.open).to.equal(false);

    await his.show();
    await waitUntil(() => part(his, 'remove-friend-button'), 'Remove should show');
    part(his, 'remove-friend-button')!.click();
    await waitUntil(() => part(his, 'status')!.textContent === 'Friend removed.', 'bob should be told');
    await waitUntil(async () => (await alice.friends()).$friends.get().length === 0, 'alice should no longer have bob');
    await waitUntil(() => !!rowOf(his, 'people', 'Alice'), 'alice back among bob’s people, to chat with or ask again');
  });

  it('declines and cancels requests, and shows a hostile name and note as inert, isolated text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">\u202eevil';
    const daveId = uniqueUser('dave');
    const dave = await connect(daveId, hostile);
    await (await dave.friends()).add(aliceId, '<script>window.__pwned=1</script>\u2066note');
    await (await carol.friends()).add(aliceId);
    const view = await openContacts();
    await waitUntil(() => parts(view, 'request').length === 2, 'both requests should show');
    const daves = rowOf(view, 'incoming', 'evil')!;
    expect(daves.querySelector('img, script')).to.equal(null);
    expect(daves.textContent).to.include('<script>');
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    daves.querySelector<HTMLElement>('[part~="decline-button"]')!.click();
    await waitUntil(() => parts(view, 'request').length === 1, 'dave’s request should go');
    await waitUntil(async () => (await dave.friends()).$friendRequests.get().outgoing.length === 0, 'dave should see it gone');
    // alice's own request to bob, then cancelled.
    await (await alice.friends()).add(bobId);
    await waitUntil(() => part(view, 'cancel-request-button'), 'the sent request should show');
    part(view, 'cancel-request-button')!.click();
    await waitUntil(() => !part(view, 'outgoing'), 'it should go');
    await waitUntil(async () => (await bob.friends()).$friendRequests.get().incoming.length === 0, 'bob should see it gone');
    expect(rowOf(view, 'incoming', 'Carol')).to.exist;
  });

  it('opens bob’s profile card from his name by keyboard and from his picture; Add friend and Block work; focus returns', async () => {
    const thread = await fixture<ChatThread>(html`<chat-thread .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
    await waitUntil(() => part(thread, 'sender-button'), 'bob’s name should be a button');
    const name = part(thread, 'sender-button')!;
    expect(name.getAttribute('aria-label')).to.equal('Profile of Bob');
    name.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => thread.shadowRoot!.querySelector('profile-card')?.open, 'the card should open');
    const card = thread.shadowRoot!.querySelector('profile-card') as ProfileCard;
    expect(part(card, 'name')!.textContent).to.equal('Bob');
    await waitUntil(() => focused() === part(card, 'message-button'), 'focus should be on Send a message');
    await waitUntil(() => part(card, 'friend-button'), 'Add friend should show');
    for (const scheme of ['light', 'dark'] as const) {
      await emulateMedia({ colorScheme: scheme });
      const violations = await axeViolations(card);
      expect(violations, `${scheme}: ${JSON.stringify(violations, null, 2)}`).to.deep.equal([]);
    }
    part(card, 'friend-button')!.click();
    await waitUntil(() => part(card, 'friend-button')!.part.contains('pending'), 'the request should be pending');
    expect(part(card, 'standing')!.textContent).to.equal('Request pending');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !card.open && focused() === name, 'focus should return to bob’s name');

    part(thread, 'avatar-button')!.click();
    await waitUntil(() => card.open, 'the picture should open the card too');
    part(card, 'block-button')!.click();
    await waitUntil(() => alice.$blocked.get().includes(bobId), 'Block should block bob');
    card.close();
  });

  it('draws plain pictures and names with hide-profiles', async () => {
    const thread = await fixture<ChatThread>(html`<chat-thread hide-profiles .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
    await waitUntil(() => part(thread, 'sender'), 'bob’s message should show');
    expect(part(thread, 'sender')!.tagName).to.equal('SPAN');
    expect(part(thread, 'avatar-button')).to.equal(null);
    expect(part(thread, 'sender-button')).to.equal(null);
    part(thread, 'avatar')!.click();
    await new Promise((r) => setTimeout(r, 50));
    expect(thread.shadowRoot!.querySelector('profile-card')).to.equal(null);

    // The widget gives its thread the same: buttons by default, plain with hide-profiles.
    for (const hidden of [false, true]) {
      const widget = await fixture<HTMLElement>(hidden
        ? html`<chat-widget open hide-profiles .client=${alice} conversation=${`p2p:${bobId}`}></chat-widget>`
        : html`<chat-widget open .client=${alice} conversation=${`p2p:${bobId}`}></chat-widget>`);
      await waitUntil(() => widget.shadowRoot!.querySelector('chat-thread'), 'the thread should show');
      const inner = widget.shadowRoot!.querySelector('chat-thread')!;
      await waitUntil(() => part(inner, 'sender'), 'bob’s message should show');
      expect(part(inner, 'avatar-button') === null, `hide-profiles ${hidden}`).to.equal(hidden);
      expect(part(inner, 'sender')!.localName).to.equal(hidden ? 'span' : 'button');
      widget.remove();
    }
  });

  it('<chat-widget> forwards avatar-button and sender-button, and its 1:1 header opens the peer’s card by keyboard (not with hide-profiles)', async () => {
    const style = document.createElement('style');
    style.textContent = 'chat-widget::part(avatar-button) { outline-color: rgb(1, 2, 3); } chat-widget::part(sender-button) { outline-color: rgb(4, 5, 6); }';
    document.head.append(style);
    try {
      const widget = await fixture<HTMLElement>(html`<chat-widget open .client=${alice} conversation=${`p2p:${bobId}`}></chat-widget>`);
      const root = widget.shadowRoot!;
      await waitUntil(() => root.querySelector('chat-thread') && part(root.querySelector('chat-thread')!, 'sender-button'), 'bob’s message should show');
      const inner = root.querySelector('chat-thread')!;
      expect(getComputedStyle(part(inner, 'avatar-button')!).outlineColor).to.equal('rgb(1, 2, 3)', 'the page styles the avatar button');
      expect(getComputedStyle(part(inner, 'sender-button')!).outlineColor).to.equal('rgb(4, 5, 6)', 'and the sender button');

      const button = await waitUntil(() => root.querySelector('[part~="profile-button"]'), 'the header should name bob as a button')
        .then(() => root.querySelector<HTMLButtonElement>('[part~="profile-button"]')!);
      expect(button.localName).to.equal('button');
      expect(button.textContent!.trim()).to.equal('Bob');
      expect(button.getAttribute('aria-label')).to.equal('Profile of Bob');
      expect(button.closest('[part~="thread-header"]')).to.not.equal(null);
      button.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => inner.shadowRoot!.querySelector('profile-card')?.open, 'Enter should open bob’s card');
      const card = inner.shadowRoot!.querySelector('profile-card') as ProfileCard;
      expect(card.userId).to.equal(bobId);
      expect(part(card, 'name')!.textContent).to.equal('Bob');
      await waitUntil(() => part(card, 'presence')?.textContent === 'online', 'the card says bob is online');
      for (const scheme of ['light', 'dark'] as const) {
        // Colours as they settle: no opening animation half-way (axe reads a fading panel's blend).
        await emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
        for (const el of [widget, card]) {
          const violations = await axeViolations(el);
          expect(violations, `${scheme}: ${JSON.stringify(violations, null, 2)}`).to.deep.equal([]);
        }
      }
      await emulateMedia({ reducedMotion: 'no-preference' });
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !card.open && focused() === button, 'focus should return to the header button');
      widget.remove();

      const plain = await fixture<HTMLElement>(html`<chat-widget open hide-profiles .client=${alice} conversation=${`p2p:${bobId}`}></chat-widget>`);
      await waitUntil(() => plain.shadowRoot!.querySelector('chat-thread'), 'the thread should show');
      await waitUntil(() => part(plain.shadowRoot!.querySelector('chat-thread')!, 'sender'), 'bob’s message should show');
      expect(plain.shadowRoot!.querySelector('[part~="profile-button"]')).to.equal(null, 'no profile button with hide-profiles');
      expect(plain.shadowRoot!.querySelector('chat-thread')!.shadowRoot!.querySelector('profile-card')).to.equal(null);

      // With hide-presence the card the header opens shows no presence either.
      const quiet = await fixture<HTMLElement>(html`<chat-widget open hide-presence .client=${alice} conversation=${`p2p:${bobId}`}></chat-widget>`);
      const header = await waitUntil(() => quiet.shadowRoot!.querySelector('[part~="profile-button"]'), 'the header button shows')
        .then(() => quiet.shadowRoot!.querySelector<HTMLButtonElement>('[part~="profile-button"]')!);
      header.click();
      const quietThread = quiet.shadowRoot!.querySelector('chat-thread')!;
      await waitUntil(() => quietThread.shadowRoot!.querySelector('profile-card')?.open, 'the card opens');
      const quietCard = quietThread.shadowRoot!.querySelector('profile-card')!;
      expect(quietCard.hidePresence).to.equal(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(part(quietCard, 'presence')).to.equal(null);
      quietCard.close();
    } finally {
      style.remove();
    }
  });

  it('speaks the friend labels in Japanese', async () => {
    await setLocale('ja');
    const view = await openContacts();
    expect(part(view, 'friends')!.previousElementSibling!.textContent).to.equal('友だち');
    expect(parts(view, 'add-friend-button')[0]!.textContent).to.equal('友だちに追加');
  });
});
