import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import { createChatClient } from '../../src/client/index.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { closeClients, connect, part, tokenFor, uniqueUser } from './helpers.js';

/** A second life of the same user on this device: the same IndexedDB database, as after a reload. */
async function reload(userId: string): Promise<ChatClient> {
  const { token, url } = await tokenFor(userId, 'Alice');
  const client = createChatClient({ url, token });
  await waitUntil(() => client.$sync.get() === 'synced', 'the reloaded client should sync');
  return client;
}

describe('drafts', () => {
  afterEach(closeClients);

  it('survive a reload (IndexedDB), show in the conversation list and clear on send', async () => {
    const aliceId = uniqueUser('alice');
    const bobId = uniqueUser('bob');
    const bob = await connect(bobId, 'Bob');
    const alice = await connect(aliceId, 'Alice');
    await bob.send(`p2p:${aliceId}`, 'are you there?');
    const composer = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation="p2p:${bobId}"></message-composer>`);
    part<HTMLTextAreaElement>(composer, 'input')!.focus();
    await sendKeys({ type: 'half written' });
    const drafts = await alice.drafts;
    await waitUntil(() => drafts.$drafts.get()[`p2p:${bobId}`]?.text === 'half written', 'the draft should be kept');
    await alice.close();
    composer.remove();

    const again = await reload(aliceId);
    try {
      const list = await fixture<ConversationList>(html`<conversation-list .client=${again}></conversation-list>`);
      await waitUntil(() => part(list, 'draft'), 'the list should show the draft');
      expect(part(list, 'item')!.textContent!.replace(/\s+/g, ' ')).to.contain('Draft: half written');
      expect(part(list, 'item')!.textContent).not.to.contain('are you there?');

      const restored = await fixture<MessageComposer>(html`<message-composer .client=${again} conversation="p2p:${bobId}"></message-composer>`);
      await waitUntil(() => part<HTMLTextAreaElement>(restored, 'input')!.value === 'half written', 'the composer should restore the draft');
      part<HTMLTextAreaElement>(restored, 'input')!.focus();
      await sendKeys({ type: '!' });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => again.messages(`p2p:${bobId}`).get().some((m) => m.elem.type === 'text' && m.elem.text === 'half written!' && m.status === 'sent'), 'the draft should be sent');
      await waitUntil(() => !part(list, 'draft'), 'the list should drop the draft once sent');
      expect(part(list, 'item')!.textContent).to.contain('half written!');
    } finally {
      await again.close();
    }
    const third = await reload(aliceId);
    try {
      expect((await third.drafts).$drafts.get()[`p2p:${bobId}`]).to.equal(undefined);
    } finally {
      await third.close();
    }
  });

  it('keeps each conversation its own draft while the composer switches', async () => {
    const alice = await connect(uniqueUser('alice'), 'Alice');
    const [b, c] = [uniqueUser('bob'), uniqueUser('carol')];
    const composer = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation="p2p:${b}"></message-composer>`);
    const input = () => part<HTMLTextAreaElement>(composer, 'input')!;
    input().focus();
    await sendKeys({ type: 'to bob' });
    composer.conversation = `p2p:${c}`;
    await composer.updateComplete;
    expect(input().value).to.equal('');
    input().focus();
    await sendKeys({ type: 'to carol' });
    composer.conversation = `p2p:${b}`;
    await composer.updateComplete;
    expect(input().value).to.equal('to bob');
    expect((await alice.drafts).$drafts.get()[`p2p:${c}`]?.text).to.equal('to carol');
  });
});
