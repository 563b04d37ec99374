// A thread holding every kind of change at once (a reply quoting a recalled message, reactions,
// an edited message, a recalled one, two pins) and a composer replying: no axe violation in light
// or dark, and the Chinese strings.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatSession } from '../../src/elements/chat-session.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { setLocale } from '../../src/elements/i18n/localize.js';
import { axeViolations, nextFrames } from './a11y-helpers.js';
import { closeClients, connectPair, part, parts, type Pair } from './helpers.js';

describe('changes: the whole picture', function () {
  let pair: Pair;

  afterEach(async () => {
    await closeClients();
    await setLocale('');
  });

  /** Alice's side after bob and alice reply, react, edit, recall and pin. */
  async function picture(theme: 'light' | 'dark'): Promise<{ thread: ChatThread; composer: MessageComposer }> {
    pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    const toAlice = `p2p:${pair.aliceId}` as const;
    const first = await pair.bob.send(toAlice, 'Shall we move the demo to Friday?');
    const reply = await pair.alice.reply(conv, first.id, 'Friday works for me');
    await pair.bob.react(toAlice, reply.id, '👍', true);
    await pair.alice.react(conv, reply.id, '👍', true);
    await pair.alice.react(conv, reply.id, '🎉', true);
    const typo = await pair.bob.send(toAlice, 'I will book the rom');
    await pair.bob.edit(toAlice, typo.id, 'I will book the room');
    const oops = await pair.alice.send(conv, 'wrong chat, sorry');
    await pair.alice.recall(conv, oops.id);
    await pair.bob.pin(toAlice, typo.id, true);
    await pair.alice.pin(conv, reply.id, true);
    const root = await fixture<ChatSession>(html`<chat-session theme=${theme} .client=${pair.alice}>
      <div style="display: flex; flex-direction: column; height: 560px; width: 420px">
        <chat-thread style="flex: 1" conversation=${conv}></chat-thread>
        <message-composer conversation=${conv}></message-composer>
      </div>
    </chat-session>`);
    const thread = root.querySelector('chat-thread')!;
    const composer = root.querySelector('message-composer')!;
    await waitUntil(
      () => part(thread, 'pinned-bar') && parts(thread, 'reaction').length === 2 && part(thread, 'edited') && part(thread, 'reply-quote') && thread.shadowRoot!.querySelector('[part~="recalled"]'),
      'every change should show',
    );
    return { thread, composer };
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`has no axe violation (${theme}), with a menu open and the composer replying`, async () => {
      const { thread, composer } = await picture(theme);
      const other = thread.shadowRoot!.querySelector<HTMLButtonElement>('[part~="other"] [part~="actions-button"]')!;
      other.click();
      await waitUntil(() => part(thread, 'reply'), 'the menu');
      part<HTMLButtonElement>(thread, 'reply')!.click();
      await waitUntil(() => part(composer, 'reply-preview'), 'the composer should quote');
      other.click();
      await waitUntil(() => part(thread, 'menu'), 'the menu again');
      await nextFrames();
      const violations = [...(await axeViolations(thread)), ...(await axeViolations(composer))];
      expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
    });

    it(`has no axe violation (${theme}) with who reacted open and the reaction picker open`, async () => {
      const { thread } = await picture(theme);
      part<HTMLButtonElement>(thread, 'reactors-button')!.click();
      await waitUntil(() => parts(thread, 'reactor').length >= 2, 'who reacted');
      thread.shadowRoot!.querySelector<HTMLButtonElement>('[part~="other"] [part~="actions-button"]')!.click();
      await waitUntil(() => part(thread, 'react-more'), 'the menu');
      part<HTMLButtonElement>(thread, 'react-more')!.click();
      await waitUntil(() => part(thread, 'emoji-grid'), 'the reaction picker');
      await nextFrames();
      const violations = await axeViolations(thread);
      expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
    });
  }

  it('speaks Chinese', async () => {
    const { thread } = await picture('light');
    await setLocale('zh-CN');
    await thread.updateComplete;
    expect(part(thread, 'edited')!.textContent).to.equal('已编辑');
    expect(thread.shadowRoot!.querySelector('[part~="message"][part~="recalled"]')!.textContent!.trim()).to.equal('你撤回了一条消息');
    expect(part(thread, 'pinned-label')!.textContent).to.contain('置顶消息 1/2');
    thread.shadowRoot!.querySelector<HTMLButtonElement>('[part~="other"] [part~="actions-button"]')!.click();
    await waitUntil(() => part(thread, 'reply'), 'the menu');
    expect(part(thread, 'reply')!.textContent!.trim()).to.equal('回复');
    expect(parts(thread, 'react')[0]!.getAttribute('aria-label')).to.equal('用 👍 回应');
    expect(part(thread, 'react-more')!.getAttribute('aria-label')).to.equal('更多表情回应');
    expect(part(thread, 'reactors-button')!.textContent!.trim()).to.equal('谁回应了');
  });
});
