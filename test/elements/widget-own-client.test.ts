// <chat-widget> with `server` + `token` makes a client of its own: a new token replaces it (the old
// one closed), moving the element keeps it, and removing the element closes it.
import { expect, waitUntil } from '@open-wc/testing';
import { ChatWidget } from '../../src/elements/chat-widget.js';
import { defineElements } from '../../src/elements/widget/define-elements.js';
import { closeClients, tokenFor, uniqueUser } from './helpers.js';

defineElements({ 'chat-widget': ChatWidget });

describe('chat-widget with a client of its own', function () {
  this.timeout(20_000);

  after(async () => {
    document.body.replaceChildren();
    await closeClients();
  });

  it('keeps its client when moved, closes it for a new token, and closes the new one when removed', async () => {
    const first = await tokenFor(uniqueUser('gina'));
    const secondUser = uniqueUser('hank');
    const second = await tokenFor(secondUser);
    const widget = document.createElement('chat-widget');
    widget.server = first.url;
    widget.token = first.token;
    document.body.append(widget);
    await widget.updateComplete;
    const old = widget.client!;
    await waitUntil(() => old.$connection.get() === 'online', 'the widget should connect');

    // Removed and inserted in one task: the same client, still open.
    document.body.prepend(widget);
    await Promise.resolve();
    expect(widget.client).to.equal(old);
    expect(old.$connection.get()).to.equal('online');

    widget.token = second.token;
    await widget.updateComplete;
    const fresh = widget.client!;
    expect(fresh).to.not.equal(old);
    await waitUntil(() => old.$connection.get() === 'closed', 'the client made for the old token should close');
    await waitUntil(() => fresh.$me.get()?.id === secondUser, 'the new client should sign in as the new user');
    widget.remove();
    await waitUntil(() => fresh.$connection.get() === 'closed', 'the new client should close when removed');
  });
});
