// Recall, delete for me and pin with the real server, client and browser, by mouse and keyboard.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { setLocale } from '../../src/elements/i18n/localize.js';
import { focused } from './a11y-helpers.js';
import { closeClients, connectPair, freshDevice, part, parts, seed, type Pair } from './helpers.js';

describe('recall, delete for me, pin', function () {
  let pair: Pair;

  afterEach(() => closeClients());

  async function threads(): Promise<{ mine: ChatThread; theirs: ChatThread; conv: `p2p:${string}` }> {
    pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    await pair.bob.send(`p2p:${pair.aliceId}`, 'from bob');
    await pair.alice.send(conv, 'from alice');
    const root = await fixture<HTMLElement>(html`<div style="display: flex; gap: 8px">
      <chat-thread id="alice" style="height: 420px; width: 380px" .client=${pair.alice} conversation=${conv}></chat-thread>
      <chat-thread id="bob" style="height: 420px; width: 380px" .client=${pair.bob} conversation=${`p2p:${pair.aliceId}`}></chat-thread>
    </div>`);
    const mine = root.querySelector<ChatThread>('#alice')!;
    const theirs = root.querySelector<ChatThread>('#bob')!;
    await waitUntil(() => parts(mine, 'actions-button').length === 2 && parts(theirs, 'actions-button').length === 2, 'both threads should show both messages');
    return { mine, theirs, conv };
  }

  const own = (thread: ChatThread) => thread.shadowRoot!.querySelector('[part~="message"][part~="self"]')!;
  const recalledRows = (thread: ChatThread) => [...thread.shadowRoot!.querySelectorAll('[part~="message"][part~="recalled"]')].map((r) => r.textContent!.replace(/\s+/g, ' ').trim());

  it('recalls an own message from the menu: "You recalled a message" here, "Alice recalled a message" there', async () => {
    const { mine, theirs } = await threads();
    own(mine).querySelector<HTMLButtonElement>('[part~="actions-button"]')!.click();
    await waitUntil(() => part(mine, 'recall'), 'the own message should offer Recall');
    expect(mine.shadowRoot!.querySelector('[part~="other"] [part~="recall"]'), 'not others’ messages').to.equal(null);
    part<HTMLButtonElement>(mine, 'recall')!.click();
    // At once, before the server saved it (quietly marked), then saved.
    await waitUntil(() => recalledRows(mine).length === 1, 'the row should turn recalled');
    await waitUntil(() => !part(mine, 'change-pending'), 'the recall should be saved');
    // The own text recalled from this page can be taken back into the composer.
    expect(recalledRows(mine)).to.deep.equal(['You recalled a message Edit again']);
    await waitUntil(() => recalledRows(theirs).length === 1, 'bob should see the recall');
    expect(recalledRows(theirs)).to.deep.equal(['Alice recalled a message']);
    expect(theirs.shadowRoot!.textContent).to.not.contain('from alice');
  });

  it('a message after a recalled one of the same sender still shows who wrote it (name and picture), on both sides', async () => {
    const { theirs, conv } = await threads();
    const first = await pair.alice.send(conv, 'first of a run');
    await pair.alice.send(conv, 'second of a run');
    const row = () => [...theirs.shadowRoot!.querySelectorAll('[part~="message"][part~="other"]')].find((r) => r.textContent!.includes('second of a run'));
    await waitUntil(() => row(), 'bob should see the run');
    // Before the recall the second continues the first: no name of its own.
    expect(row()!.querySelector('[part~="sender"]') === null, 'continued').to.equal(true);
    await pair.alice.recall(conv, first.id!);
    await waitUntil(() => recalledRows(theirs).length === 1, 'bob should see the recall');
    await waitUntil(() => row()!.querySelector('[part~="sender"]'), 'the second message should name its sender again');
    expect(row()!.querySelector('[part~="sender"]')!.textContent).to.equal('Alice');
    expect(row()!.querySelector('[part~="avatar"]') !== null, 'with her picture').to.equal(true);
  });

  it('a message read out as it arrived and recalled since leaves the live region: its text is nowhere in the thread', async () => {
    const { theirs, conv } = await threads();
    const sent = await pair.alice.send(conv, 'secret said aloud');
    const live = () => theirs.shadowRoot!.querySelector('[part~="log"] > .visually-hidden')!.textContent!;
    await waitUntil(() => live().includes('secret said aloud'), 'the arriving message should be read out');
    await pair.alice.recall(conv, sent.id!);
    await waitUntil(() => recalledRows(theirs).length === 1, 'bob should see the recall');
    expect(theirs.shadowRoot!.textContent).to.not.contain('secret said aloud');
  });

  it('deletes a message for me by keyboard: gone here, still there', async () => {
    const { mine, theirs } = await threads();
    mine.shadowRoot!.querySelector<HTMLElement>('[part~="other"] [part~="actions-button"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu should take focus');
    for (let i = 0; i < 10 && !focused()?.getAttribute('part')?.includes('hide'); i++) await sendKeys({ press: 'ArrowDown' });
    expect(focused()!.textContent!.trim()).to.equal('Delete for me');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !mine.shadowRoot!.textContent!.includes('from bob'), 'the message should disappear for alice');
    expect(parts(mine, 'message')).to.have.length(1);
    expect(theirs.shadowRoot!.textContent).to.contain('from bob');
  });

  it('keeps focus in the thread, on its log, when a message recalled or deleted for me by keyboard takes its ⋯ away', async () => {
    const { mine } = await threads();
    const pick = async (row: Element, item: string) => {
      row.querySelector<HTMLElement>('[part~="actions-button"]')!.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu should take focus');
      for (let i = 0; i < 10 && !focused()?.getAttribute('part')?.includes(item); i++) await sendKeys({ press: 'ArrowDown' });
      await sendKeys({ press: 'Enter' });
    };
    await pick(own(mine), 'recall');
    await waitUntil(() => recalledRows(mine).length === 1, 'the row should turn recalled');
    // Compared by name: chai's message for two unequal elements takes minutes to build.
    const where = () => (focused() === part(mine, 'log') ? 'the log' : focused()?.localName);
    expect(where(), 'not dropped to <body>').to.equal('the log');
    await pick(mine.shadowRoot!.querySelector('[part~="other"]')!, 'hide');
    await waitUntil(() => !mine.shadowRoot!.textContent!.includes('from bob'), 'the message should disappear for alice');
    expect(where()).to.equal('the log');
  });

  it('pins and unpins: the pinned bar on both sides jumps to the message and cycles through pins', async () => {
    const { mine, theirs, conv } = await threads();
    mine.shadowRoot!.querySelector<HTMLButtonElement>('[part~="other"] [part~="actions-button"]')!.click();
    await waitUntil(() => part(mine, 'pin'), 'the menu should offer Pin');
    part<HTMLButtonElement>(mine, 'pin')!.click();
    await waitUntil(() => part(mine, 'pinned-bar') && part(theirs, 'pinned-bar'), 'both threads should show the pinned bar');
    expect(part(mine, 'pinned-excerpt')!.textContent).to.equal('from bob');
    expect(part(mine, 'pinned-label')!.textContent).to.contain('Pinned message');

    // A second pin (by keyboard, P is not a shortcut: through the menu) shows first; activating cycles.
    own(mine).querySelector<HTMLElement>('[part~="actions-button"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu should take focus');
    for (let i = 0; i < 10 && !focused()?.getAttribute('part')?.includes('pin'); i++) await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(mine, 'pinned-excerpt')?.textContent === 'from alice', 'the latest pin should show');
    expect(part(mine, 'pinned-label')!.textContent).to.contain('1 of 2');
    part(mine, 'pinned-bar')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(mine, 'pinned-excerpt')?.textContent === 'from bob', 'activating moves to the next pin');
    await waitUntil(() => mine.shadowRoot!.querySelector('[data-highlight]'), 'and jumps to the pinned message');

    const bobsMessage = pair.alice.messages(conv).get().find((m) => !m.isSelf)!;
    await pair.bob.pin(`p2p:${pair.aliceId}`, bobsMessage.id, false);
    await waitUntil(() => part(theirs, 'pinned-excerpt')?.textContent === 'from alice' && !part(theirs, 'pinned-label')!.textContent!.includes('of'), 'unpinned: one pin left');
    mine.shadowRoot!.querySelector<HTMLButtonElement>('[part~="other"] [part~="actions-button"]')!.click();
    await waitUntil(() => part(mine, 'menu'), 'menu');
    expect(part(mine, 'unpin'), 'an unpinned message offers Pin again').to.equal(null);
  });

  it('the pinned bar names one’s own message "You" (in the active locale), and others’ by name', async () => {
    const { mine, theirs, conv } = await threads();
    const own = pair.alice.messages(conv).get().find((m) => m.isSelf)!;
    await pair.alice.pin(conv, own.id, true);
    await waitUntil(() => part(mine, 'pinned-sender') && part(theirs, 'pinned-sender'), 'both threads should show the pinned bar');
    expect(part(mine, 'pinned-sender')!.textContent).to.equal('You:');
    expect(part(mine, 'pinned-bar')!.getAttribute('aria-label')).to.equal('Pinned message: You: from alice');
    expect(part(theirs, 'pinned-sender')!.textContent).to.equal('Alice:');
    await setLocale('de');
    try {
      mine.requestUpdate();
      await mine.updateComplete;
      expect(part(mine, 'pinned-sender')!.textContent).to.equal('Du:');
    } finally {
      await setLocale('');
    }
  });

  it('reads out every pin and unpin, own ones too, and others’ recalls', async () => {
    const { mine, theirs, conv } = await threads();
    const live = (thread: ChatThread) => thread.shadowRoot!.querySelector('[part~="log"] > .visually-hidden')!.textContent!;
    const bobs = pair.alice.messages(conv).get().find((m) => !m.isSelf)!;
    await pair.alice.pin(conv, bobs.id, true);
    await waitUntil(() => live(mine).includes('You pinned a message'), 'the pinner should hear their own pin');
    await waitUntil(() => live(theirs).includes('Alice pinned a message'), 'the other side should hear who pinned');
    await pair.bob.pin(`p2p:${pair.aliceId}`, bobs.id, false);
    await waitUntil(() => live(mine).includes('Message unpinned') && live(theirs).includes('Message unpinned'), 'both should hear the unpin');
    const own = pair.alice.messages(conv).get().find((m) => m.isSelf)!;
    await pair.alice.recall(conv, own.id);
    await waitUntil(() => live(theirs).includes('Alice recalled a message'), 'the other side should hear the recall');
    expect(live(mine), 'an own recall shows where the user acted').to.not.contain('recalled');
  });

  it('shows a pin of a message the thread has not loaded, and its activation loads and reaches it', async () => {
    pair = await connectPair();
    const old = await pair.bob.send(`p2p:${pair.aliceId}`, 'pinned long ago');
    await seed(pair.bobId, pair.aliceId, 150);
    await pair.bob.pin(`p2p:${pair.aliceId}`, old.id, true);
    const device = await freshDevice(pair.aliceId);
    const thread = await fixture<ChatThread>(html`<chat-thread style="height: 420px; width: 380px" .client=${device} conversation=${`p2p:${pair.bobId}`}></chat-thread>`);
    // pins() answers carry the sender and one line: the bar shows them before the message is loaded.
    await waitUntil(() => part(thread, 'pinned-excerpt')?.textContent?.trim() === 'pinned long ago', 'the pin should show its excerpt though its message is not loaded');
    expect(part(thread, 'pinned-sender')!.textContent).to.equal('Bob:');
    expect(part(thread, 'pinned-bar')!.getAttribute('aria-label')).to.equal('Pinned message: Bob: pinned long ago');
    expect(device.messages(`p2p:${pair.bobId}`).get().some((m) => m.id === old.id), 'not loaded').to.equal(false);
    part<HTMLButtonElement>(thread, 'pinned-bar')!.click();
    await waitUntil(() => part(thread, 'pinned-excerpt')?.textContent === 'pinned long ago', 'the jump should load the message and the bar show it');
    await waitUntil(() => thread.shadowRoot!.querySelector('[data-highlight]')?.textContent?.includes('pinned long ago'), 'and reach it');
    await device.close();
  });
});
