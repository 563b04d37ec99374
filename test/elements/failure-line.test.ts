// The sentences of why a message failed are loaded the first time a row shows a failure (in the
// script tag: with the features loaded on first use, thread/failure.ts' errorLine). A failed
// message the thread shows at once (restored from the outbox, or failed before the thread opened)
// must not move when its sentence comes: its line is there, a no-break space, from the first
// render. In its own file, so that this page has not loaded the sentences before.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { closeClients, connectPair, part, uniqueUser } from './helpers.js';

describe('a failed message’s sentence, loaded on first use', () => {
  afterEach(closeClients);

  it('keeps the failure row’s height from the first render to the sentence (the line is reserved)', async () => {
    const { alice } = await connectPair();
    const conv = `p2p:${uniqueUser('nobody')}` as const;
    await alice.send(conv, 'anyone there?').catch(() => {});
    expect(alice.messages(conv).get()[0]?.status).to.equal('failed');

    // Every state the row goes through, read as each render lands (before any paint), from the
    // first: the observer is on the shadow root before the thread's first update.
    const box = await fixture<HTMLElement>(html`<div style="width: 300px"></div>`);
    const el = document.createElement('chat-thread');
    el.style.height = '400px';
    el.client = alice;
    el.conversation = conv;
    box.append(el);
    const seen: Array<{ text: string; height: number }> = [];
    const observer = new MutationObserver(() => {
      const failure = part(el, 'failure');
      if (failure) seen.push({ text: part(el, 'error')!.textContent!, height: failure.getBoundingClientRect().height });
    });
    observer.observe(el.renderRoot, { subtree: true, childList: true, characterData: true, attributes: true });
    // Narrow (300px): the sentence alone fits a line, but not beside the Copy and Discard buttons.
    const sentence = 'There is no user with this id.';
    await waitUntil(() => part(el, 'error')?.textContent === sentence, 'the sentence comes');
    observer.disconnect();

    expect(seen.length, 'the row was seen before its sentence came').to.be.greaterThan(1);
    expect(seen[0]!.text).to.equal('\u00a0');
    const last = seen[seen.length - 1]!;
    expect(last.text).to.equal(sentence);
    expect(last.height, `the row's height before (${seen[0]!.height}) and after the sentence (${last.height})`).to.equal(seen[0]!.height);
  });
});
