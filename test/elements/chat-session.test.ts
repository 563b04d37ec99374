import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatSession } from '../../src/elements/chat-session.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { closeClients, connect, expectOwnClientLife, tokenFor, uniqueUser } from './helpers.js';

describe('chat-session', () => {
  afterEach(closeClients);

  it('provides its client to the elements inside it', async () => {
    const client = await connect(uniqueUser('alice'));
    const session = await fixture<ChatSession>(html`
      <chat-session .client=${client}>
        <div><chat-thread conversation="p2p:bob"></chat-thread></div>
        <message-composer conversation="p2p:bob"></message-composer>
      </chat-session>
    `);
    expect(session.querySelector<ChatThread>('chat-thread')!.client).to.equal(client);
    expect(session.querySelector<MessageComposer>('message-composer')!.client).to.equal(client);
  });

  it('creates a client from server and token, and closes it when removed', async () => {
    const userId = uniqueUser('dave');
    const { token, url } = await tokenFor(userId, 'Dave');
    const session = await fixture<ChatSession>(html`
      <chat-session server=${url} token=${token}><message-composer conversation="p2p:bob"></message-composer></chat-session>
    `);
    const client = session.client!;
    expect(client).to.not.equal(undefined);
    expect(session.querySelector<MessageComposer>('message-composer')!.client).to.equal(client);
    await waitUntil(() => client.$connection.get() === 'online', 'the session should connect');
    expect(client.$me.get()?.id).to.equal(userId);

    session.remove();
    await waitUntil(() => client.$connection.get() === 'closed', 'the client should close');
    expect(session.client).to.equal(undefined);
  });

  it('keeps its client when moved, and a new token closes it and creates one for the new user', async () => {
    const { token, url } = await tokenFor(uniqueUser('erin'));
    await expectOwnClientLife(await fixture<ChatSession>(html`<chat-session server=${url} token=${token}></chat-session>`));
  });

  it('reflects a forced theme for the elements inside', async () => {
    const session = await fixture<ChatSession>(html`<chat-session theme="dark"><chat-thread></chat-thread></chat-session>`);
    const thread = session.querySelector('chat-thread')!;
    expect(getComputedStyle(thread).colorScheme).to.equal('dark');
  });
});
