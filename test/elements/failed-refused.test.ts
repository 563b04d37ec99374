// After a send fails, in real Chromium against the real server: Resend only where a resend can
// succeed; a refusal that would only come back shows why and offers what helps instead (Copy,
// Edit for a text refused for what it says, Discard), in the row and in its menu.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { formatUntil as when } from '../../src/elements/format.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { closeClients, connectPair, part, parts, type Pair } from './helpers.js';

async function adminMute(user: string, until?: number, reason?: string): Promise<void> {
  const res = await fetch(`/__natter/mute?${new URLSearchParams({ user, ...(until && { until: String(until) }), ...(reason && { reason }) })}`);
  if (!res.ok) throw new Error(`mute route: ${res.status}`);
}

/** A real click in the middle of `el` (user activation, as the clipboard asks for). */
async function click(el: Element): Promise<void> {
  const box = el.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
}

describe('a failed message', function () {
  let pair: Pair;

  afterEach(() => closeClients());

  async function thread(withComposer = false): Promise<{ thread: ChatThread; composer: MessageComposer | null; conv: `p2p:${string}` }> {
    pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    const root = await fixture<HTMLElement>(html`<div style="display: flex; flex-direction: column; height: 500px; width: 420px">
      <chat-thread style="flex: 1" .client=${pair.alice} conversation=${conv}></chat-thread>
      ${withComposer ? html`<message-composer .client=${pair.alice} conversation=${conv}></message-composer>` : ''}
    </div>`);
    return { thread: root.querySelector('chat-thread')!, composer: root.querySelector('message-composer'), conv };
  }

  async function menuItems(el: ChatThread): Promise<string[]> {
    part<HTMLButtonElement>(el, 'actions-button')!.click();
    await waitUntil(() => part(el, 'menu'), 'the menu opens');
    const items = parts(el, 'menu-item').map((b) => b.getAttribute('part')!.replace('menu-item ', ''));
    part<HTMLButtonElement>(el, 'actions-button')!.click();
    return items;
  }

  it('refused for good (a mute with no end): why, Copy and Discard, no Resend anywhere; Copy puts the text on the clipboard', async () => {
    const { thread: el, conv } = await thread();
    await adminMute(pair.aliceId);
    await waitUntil(() => pair.alice.$sanctions.get().length === 1, 'muted');
    await pair.alice.send(conv, 'a text to keep').catch(() => undefined);
    await waitUntil(() => part(el, 'failure'), 'the message shows failed');
    expect(part(el, 'failure')!.dataset.code).to.equal('MUTED');
    // The sentence comes with the features loaded on first use (thread/failure.ts, errorLine).
    await waitUntil(() => part(el, 'error')!.textContent === "You can't send messages.", 'the failure\'s sentence should show');
    expect(!!part(el, 'resend-button'), 'resend-button not shown').to.equal(false);
    expect(!!part(el, 'edit-text-button'), 'nothing in the text to change').to.equal(false);
    expect(await menuItems(el)).to.deep.equal(['delete']);

    const copy = part<HTMLButtonElement>(el, 'copy-text-button')!;
    expect(copy.innerText.trim()).to.equal('Copy');
    await click(copy);
    await waitUntil(() => copy.hasAttribute('data-copied'), 'the button says it copied');
    expect(copy.innerText.trim()).to.equal('Copied');
    // Pasted by the keyboard (reading the clipboard from script needs a permission headless Chromium does not grant).
    const pasteTarget = document.createElement('textarea');
    document.body.append(pasteTarget);
    pasteTarget.focus();
    await sendKeys({ press: 'Control+v' });
    pasteTarget.remove();
    expect(pasteTarget.value).to.equal('a text to keep');

    part<HTMLButtonElement>(el, 'discard-button')!.click();
    await waitUntil(() => !part(el, 'failure'), 'discarded');
    expect(pair.alice.messages(conv).get().some((m) => m.status === 'failed')).to.equal(false);
  });

  it('refused until a time (a mute with an end): Resend, in the row and the menu', async () => {
    const { thread: el, conv } = await thread();
    await adminMute(pair.aliceId, Date.now() + 60_000);
    await waitUntil(() => pair.alice.$sanctions.get().length === 1, 'muted');
    await pair.alice.send(conv, 'later then').catch(() => undefined);
    await waitUntil(() => part(el, 'failure'), 'the message shows failed');
    expect(!!part(el, 'resend-button'), 'resend-button shown').to.equal(true);
    expect(!!part(el, 'copy-text-button'), 'copy-text-button not shown').to.equal(false);
    expect(await menuItems(el)).to.deep.equal(['resend', 'delete']);
  });

  it('refused by a mute with a reason: says that the sender is muted and until when, then the reason (not the reason alone)', async () => {
    const { thread: el, conv } = await thread();
    const until = Date.now() + 60 * 60_000;
    await adminMute(pair.aliceId, until, 'Spam links');
    await waitUntil(() => pair.alice.$sanctions.get().length === 1, 'muted');
    await pair.alice.send(conv, 'one more link').catch(() => undefined);
    await waitUntil(() => part(el, 'failure'), 'the message shows failed');
    // The server's retryAfterMs, read against this clock: within a minute of the mute's end.
    // The sentence comes with the features loaded on first use (thread/failure.ts, errorLine).
    await waitUntil(() => /^You can't send messages until (.+)\. \(Spam links\)$/.test(part(el, 'error')!.textContent!), 'the failure\'s sentence should show');
    const shown = /until (.+)\./.exec(part(el, 'error')!.textContent!)![1];
    expect([-60_000, 0, 60_000].map((d) => when(until + d)), `${shown} is the mute's end (${when(until)})`).to.include(shown);
  });

  it('a text refused for what it says (too long): Edit puts it back in the composer and removes the failed message', async () => {
    const { thread: el, composer, conv } = await thread(true);
    // Hostile too: markup in it stays text, in the row and in the composer.
    const long = `<img src=x onerror="window.__pwned=1"> ${'word '.repeat(2000)}`;
    await pair.alice.send(conv, long).catch(() => undefined);
    await waitUntil(() => part(el, 'failure'), 'the message shows failed');
    expect(!!el.shadowRoot!.querySelector('img'), 'no element from the text').to.equal(false);
    expect(!!part(el, 'resend-button'), 'resend-button not shown').to.equal(false);
    expect(!!part(el, 'copy-text-button'), 'copy-text-button shown').to.equal(true);
    part<HTMLButtonElement>(el, 'edit-text-button')!.click();
    const input = part<HTMLTextAreaElement>(composer!, 'input')!;
    await waitUntil(() => input.value === long, 'the text is the composer’s draft');
    await waitUntil(() => !part(el, 'failure'), 'the failed message is gone');
    expect(pair.alice.messages(conv).get().length).to.equal(0);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });
});
