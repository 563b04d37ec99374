/**
 * The open search at a phone's width (320 and 375 px), left to right and right to left (Arabic):
 * the field and the search button share one row, the button at the line's end and level with the
 * field, nothing spilling out of the element; in `<conversation-list>` (under New group and
 * Contacts) and in `<chat-thread>`'s header. Measured from real layout in Chromium. Before, the
 * open search took a row of its own under the button (flex-basis 100%), so the button sat alone
 * on a row above the field.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatSearch } from '../../src/elements/search/chat-search.js';
import { closeClients, connect, part, uniqueUser } from './helpers.js';

const rect = (el: Element) => el.getBoundingClientRect();

async function openSearch(host: HTMLElement): Promise<{ button: HTMLElement; field: HTMLElement }> {
  const button = part(host, 'search-button')!;
  button.click();
  await waitUntil(() => part(host, 'search'), 'the search should open');
  const search = part<ChatSearch>(host, 'search')!;
  await search.updateComplete;
  return { button, field: part(search, 'input')! };
}

for (const dir of ['ltr', 'rtl'] as const) {
  describe(`the open search at 320–375 px, ${dir}`, function () {
    this.timeout(20_000);
    let aliceId: string;
    let bobId: string;
    let alice: ChatClient;

    before(async () => {
      document.documentElement.dir = dir;
      document.documentElement.lang = dir === 'rtl' ? 'ar' : 'en';
      [aliceId, bobId] = [uniqueUser('alice'), uniqueUser('bob')];
      await connect(bobId, 'Bob');
      alice = await connect(aliceId, 'Alice');
      await alice.send(`p2p:${bobId}`, 'hello');
    });

    after(async () => {
      document.documentElement.removeAttribute('dir');
      document.documentElement.lang = 'en';
      await closeClients();
      localStorage.clear();
    });

    /** Field and button on one row, the button after the field along the line, both inside `host`. */
    function expectOneRow(host: HTMLElement, button: HTMLElement, field: HTMLElement): void {
      const b = rect(button);
      const f = rect(field);
      const h = rect(host);
      expect(f.width, 'the field keeps a usable width').to.be.greaterThan(150);
      // Level: the button's middle lies within the field's height.
      const middle = (b.top + b.bottom) / 2;
      expect(middle, 'button level with the field').to.be.within(f.top, f.bottom);
      // The button at the line's end: right of the field in LTR, left of it in RTL.
      if (dir === 'ltr') expect(b.left, 'button after the field').to.be.at.least(f.right);
      else expect(b.right, 'button after the field').to.be.at.most(f.left);
      for (const r of [b, f]) {
        expect(r.left, 'inside the element').to.be.at.least(h.left - 0.5);
        expect(r.right, 'inside the element').to.be.at.most(h.right + 0.5);
      }
    }

    for (const width of [320, 375]) {
      it(`<conversation-list create-group contacts> at ${width} px`, async () => {
        const list = await fixture<HTMLElement>(html`<conversation-list style=${`width: ${width}px`} create-group contacts .client=${alice}></conversation-list>`);
        await waitUntil(() => part(list, 'item'), 'the list shows bob');
        const { button, field } = await openSearch(list);
        expectOneRow(list, button, field);
      });

      it(`<chat-thread> header at ${width} px`, async () => {
        const thread = await fixture<HTMLElement>(html`<chat-thread style=${`width: ${width}px; height: 400px; display: flex; flex-direction: column`} .client=${alice} conversation=${`p2p:${bobId}`}><span slot="header">Bob</span></chat-thread>`);
        const { button, field } = await openSearch(thread);
        expectOneRow(thread, button, field);
      });
    }
  });
}
