/**
 * Names, not ids: wherever a person is named, the profile name (the forward dialog's typed
 * target and its result, the title of a thread with no messages yet), and avatar initials from
 * letters only.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import type { ForwardDialog } from '../../src/elements/forward-dialog.js';
import { initials } from '../../src/elements/format.js';
import { closeClients, connect, connectPair, part, parts, uniqueUser } from './helpers.js';

async function befriend(a: string, b: string): Promise<void> {
  const res = await fetch(`/__natter/friends?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  expect(res.ok).to.equal(true);
}

describe('names, not ids', function () {
  afterEach(closeClients);

  it('takes initials from letters only; a CJK name gives its first character', () => {
    expect(initials('Ada Lovelace')).to.equal('AL');
    expect(initials('alice')).to.equal('A');
    expect(initials('<S')).to.equal('S');
    expect(initials('<Script> Bob')).to.equal('SB');
    expect(initials('  "zoë" ')).to.equal('Z');
    expect(initials('Émile Zola')).to.equal('ÉZ');
    expect(initials('张伟')).to.equal('张');
    expect(initials('山田 太郎')).to.equal('山');
    expect(initials('김민준')).to.equal('김');
    expect(initials('123 !!')).to.equal('?');
    expect(initials('')).to.equal('?');
  });

  it('shows a typed forward target, and its result, by the person’s profile name', async () => {
    const { aliceId, bobId, alice, bob } = await connectPair();
    const carolId = uniqueUser('carol');
    await (await connect(carolId, 'Carol Ng')).close();
    // A contact: the server names only people one has a chat with or is friends with (no account oracle).
    await befriend(aliceId, carolId);
    await bob.send(`p2p:${aliceId}`, 'worth sharing');
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
    await waitUntil(() => alice.messages(`p2p:${bobId}`).get().length === 1, 'bob’s message should arrive');
    const id = alice.messages(`p2p:${bobId}`).get()[0]!.id;
    void el.forward([id]);
    const dialog = el.shadowRoot!.querySelector<ForwardDialog>('forward-dialog')!;
    await waitUntil(() => dialog.open && part(dialog, 'search'), 'the dialog should open');
    part<HTMLInputElement>(dialog, 'search')!.focus();
    await sendKeys({ type: carolId });
    await waitUntil(() => parts(dialog, 'target').length === 1, 'carol should be the only target');
    await waitUntil(() => part(dialog, 'target')!.querySelector('.label')!.textContent!.trim() === 'Carol Ng', 'the typed target should show carol’s name');
    expect(dialog.shadowRoot!.textContent).to.not.contain(`"${carolId}"`);
    part(dialog, 'target')!.querySelector('input')!.click();
    await waitUntil(() => part(dialog, 'target')!.part.contains('selected'), 'carol should be picked');
    await waitUntil(() => !part<HTMLButtonElement>(dialog, 'confirm-button')!.disabled, 'Forward should be enabled');
    part<HTMLButtonElement>(dialog, 'confirm-button')!.click();
    await waitUntil(() => part(dialog, 'result'), 'the dialog should show the result');
    expect(part(dialog, 'result')!.querySelector('.label')!.textContent!.trim()).to.equal('Carol Ng');
  });

  it('titles a thread with no messages by the person’s name, not the id', async () => {
    const { aliceId, alice } = await connectPair();
    const daveId = uniqueUser('dave');
    await (await connect(daveId, 'Dave Lee')).close();
    await befriend(aliceId, daveId);
    const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice} conversation=${`p2p:${daveId}`} open></chat-widget>`);
    const title = () => widget.shadowRoot!.querySelector('.title-narrow')!.textContent!.trim();
    await waitUntil(() => title() === 'Dave Lee', `the title should be the name (is "${title()}")`);
  });
});
