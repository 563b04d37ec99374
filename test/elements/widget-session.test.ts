// <chat-widget> inside a <chat-session> uses the session's client. In the script tag the widget
// comes first and <chat-session> with the panel's chunk: the widget asks for the session's client
// once that chunk is in, and a client it had made itself from `server` + `token` gives way (and is
// closed). This page registers only the widget at first, as the script tag's first chunk does.
import { expect, waitUntil } from '@open-wc/testing';
import type { ChatClient } from '../../src/client/types.js';
import { ChatWidget } from '../../src/elements/chat-widget.js';
import { defineElements } from '../../src/elements/widget/define-elements.js';
import { loadPanel } from '../../src/elements/widget/load-panel.js';
import { closeClients, connect, tokenFor, uniqueUser } from './helpers.js';

defineElements({ 'chat-widget': ChatWidget });

describe('chat-widget in a chat-session', function () {

  after(async () => {
    document.body.replaceChildren();
    await closeClients();
  });

  it("takes the session's client once the panel's chunk is in, follows it when it changes, and closes the client it had made", async () => {
    const alice = await connect(uniqueUser('alice'));
    const carol = await connect(uniqueUser('carol'));
    const { token, url } = await tokenFor(uniqueUser('bob'));
    expect(customElements.get('chat-session'), 'the panel is not loaded yet').to.equal(undefined);

    const session = document.createElement('chat-session') as HTMLElement & { client?: ChatClient };
    session.client = alice;
    const widget = document.createElement('chat-widget');
    widget.server = url;
    widget.token = token;
    session.append(widget);
    document.body.append(session);
    await widget.updateComplete;
    const own = widget.client!;
    expect(own, 'a client of its own until a session answers').to.exist;
    expect(own).to.not.equal(alice);

    await loadPanel();
    await waitUntil(() => widget.client === alice, "the widget should take the session's client");
    await waitUntil(() => own.$connection.get() === 'closed', 'its own client should be closed');

    (session as HTMLElement & { client?: ChatClient }).client = carol;
    await waitUntil(() => widget.client === carol, "the widget should follow the session's new client");
  });
});
