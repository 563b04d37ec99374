/**
 * `<chat-search>` is loaded on first use. Its own file, as the test needs a page where it was
 * never loaded: a field that appeared only after its download lost the letters typed meanwhile.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import { closeClients, connectPair, part } from './helpers.js';

describe('search code loaded ahead', () => {
  afterEach(closeClients);

  it('focusing the search button by keyboard loads <chat-search> before the button is pressed', async () => {
    expect(customElements.get('chat-search'), 'a page that never searched has not loaded it').to.equal(undefined);
    const { alice } = await connectPair();
    const wrapper = await fixture<HTMLElement>(html`<div><button id="before">before</button><conversation-list .client=${alice}></conversation-list></div>`);
    const list = wrapper.querySelector<ConversationList>('conversation-list')!;
    await list.updateComplete;
    wrapper.querySelector<HTMLButtonElement>('#before')!.focus();
    for (let i = 0; i < 10 && list.shadowRoot!.activeElement?.getAttribute('part') !== 'search-button'; i++) await sendKeys({ press: 'Tab' });
    expect(list.shadowRoot!.activeElement?.getAttribute('part')).to.equal('search-button');
    await waitUntil(() => customElements.get('chat-search'), 'focus alone should load the search');
    expect(part(list, 'search-button')!.getAttribute('aria-expanded')).to.equal('false');
    expect(part(list, 'search')).to.equal(null);
  });
});
