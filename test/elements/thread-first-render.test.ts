/**
 * The first render of `<chat-thread>` builds no `Intl.DateTimeFormat` when the page had an idle
 * moment after the tag was defined: the page's first Intl object costs 40–80 ms in Chromium (ICU
 * loads its data), and landing in the first render it made that render about 30 % slower in the
 * render benchmark.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { formatLocale } from '../../src/elements/i18n/localize.js';
import { closeClients, connectPair, part, parts } from './helpers.js';

// Counts the formatters built from here on; the elements are imported after this runs (below),
// so the ones they build at definition count too.
const RealDateTimeFormat = Intl.DateTimeFormat;
const built: string[] = [];
Intl.DateTimeFormat = new Proxy(RealDateTimeFormat, {
  construct(target, args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
    built.push(JSON.stringify(args));
    return Reflect.construct(target, args);
  },
  apply(target, _this, args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
    built.push(JSON.stringify(args));
    return Reflect.apply(target, undefined, args);
  },
});

const idle = () => new Promise<void>((resolve) => requestIdleCallback(() => resolve()));

describe('chat-thread first render', () => {
  before(async () => {
    await import('../../src/elements/define.js');
  });

  after(() => {
    Intl.DateTimeFormat = RealDateTimeFormat;
  });

  afterEach(closeClients);

  it('uses date formatters built while the page was idle, not new ones', async () => {
    const { aliceId, bobId, alice, bob } = await connectPair();
    await bob.send(`p2p:${aliceId}`, 'hi alice');
    await alice.send(`p2p:${bobId}`, 'hi bob');
    await idle();
    const before = built.length;
    expect(before, 'formatters built while idle').to.be.greaterThan(0);

    const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
    await waitUntil(() => parts(el, 'bubble').length === 2, 'both messages should show');
    await el.updateComplete;

    expect(built.slice(before)).to.deep.equal([]);
    // And they format in the thread's locale.
    const time = part(el, 'message')!.querySelector('time')!;
    const sent = Date.parse(time.dateTime);
    expect(time.textContent).to.equal(new RealDateTimeFormat(formatLocale(), { hour: 'numeric', minute: '2-digit' }).format(sent));
  });
});
