/**
 * The composer's @mention list, recording bar and reply, edit and link preview bars come with their
 * styles (`mention-list.styles.ts`, `voice-bar.styles.ts`, `compose-bars.styles.ts`), fetched on the
 * first `@` in a group, the microphone's first press and the first reply, edit or preview: a
 * composer shows without them, and each piece, once it shows, is styled as it was when those
 * styles came with the composer (after the composer's own sheets).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import type { ConversationId } from '../../src/protocol/ids.js';
import { composeIntent } from '../../src/elements/thread/changes/compose-intent.js';
import { closeClients, connect, connectPair, part, parts, uniqueUser } from './helpers.js';

/** Whether a sheet of the composer's shadow root has a rule whose selector names `what`. */
const styled = (el: Element, what: string) =>
  el.shadowRoot!.adoptedStyleSheets.some((sheet) => [...sheet.cssRules].some((rule) => rule instanceof CSSStyleRule && rule.selectorText.includes(what)));

describe('message-composer styles loaded with their pieces', () => {
  afterEach(closeClients);

  it('the @mention list brings its styles with it on the first @ in a group', async () => {
    const [aliceId, bobId] = [uniqueUser('alice'), uniqueUser('bob')];
    await connect(bobId, 'Bob');
    const alice = await connect(aliceId, 'Alice');
    const id = uniqueUser('team');
    const res = await fetch(`/__natter/group?${new URLSearchParams({ id, name: 'Team', members: [aliceId, bobId].join(',') })}`);
    expect(res.ok).to.equal(true);
    const group: ConversationId = `group:${id}`;
    await waitUntil(() => alice.$conversations.get().some((c) => c.id === group), 'alice should see the group');
    const el = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${group}></message-composer>`);
    expect(styled(el, 'mention-label'), 'a composer shows without the list’s styles').to.equal(false);

    part<HTMLTextAreaElement>(el, 'input')!.focus();
    await sendKeys({ type: '@' });
    await waitUntil(() => parts(el, 'mention').length === 2, 'the list should offer @all and Bob');
    expect(styled(el, 'mention-label')).to.equal(true);
    const list = part(el, 'mentions')!;
    const style = getComputedStyle(list);
    expect([style.position, style.overflowY, style.maxHeight]).to.deep.equal(['absolute', 'auto', '240px']);
    const option = getComputedStyle(parts(el, 'mention')[0]!);
    expect([option.display, option.cursor]).to.deep.equal(['flex', 'pointer']);
    expect(getComputedStyle(el.shadowRoot!.querySelector('.mention-label')!).fontWeight).to.equal('600');
  });

  it('the recording bar brings its styles with it on the microphone’s first press', async () => {
    const { bobId, alice } = await connectPair();
    const el = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${`p2p:${bobId}`}></message-composer>`);
    expect(styled(el, 'recorder-time'), 'a composer shows without the bar’s styles').to.equal(false);

    part<HTMLButtonElement>(el, 'record-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(el, 'recorder-time'), 'the recorder should start');
    expect(styled(el, 'recorder-time')).to.equal(true);
    expect(getComputedStyle(part(el, 'recorder')!).display).to.equal('flex');
    expect(getComputedStyle(part(el, 'level-meter')!).height).to.equal('6px');
    expect(getComputedStyle(part(el, 'recording-dot')!).animationName).to.equal('natter-rec-blink');
    expect(getComputedStyle(part(el, 'cancel-recording-button')!).width).to.equal('28px');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(el, 'recorder'), 'Escape cancels');
  });

  it('the reply and edit bars bring their styles with them when a reply or an edit first starts', async () => {
    const { aliceId, bobId, alice, bob } = await connectPair();
    const conv = `p2p:${bobId}` as const;
    await bob.send(`p2p:${aliceId}`, 'lunch at noon?');
    await alice.send(conv, 'see you at 5');
    await waitUntil(() => alice.messages(conv).get().filter((m) => m.status === 'sent' && m.id).length === 2, 'both messages should be held');
    const el = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${conv}></message-composer>`);
    expect(styled(el, 'reply-preview'), 'a composer shows without the bars’ styles').to.equal(false);

    const [theirs, mine] = alice.messages(conv).get();
    composeIntent(alice, conv).set({ kind: 'reply', message: theirs! });
    await waitUntil(() => part(el, 'reply-preview'), 'the reply bar should show');
    expect(styled(el, 'reply-preview')).to.equal(true);
    const bar = getComputedStyle(part(el, 'reply-preview')!);
    expect([bar.display, bar.borderInlineStartWidth, bar.fontSize]).to.deep.equal(['flex', '3px', '13px']);
    expect(getComputedStyle(part(el, 'reply-preview-excerpt')!).textOverflow).to.equal('ellipsis');
    expect(getComputedStyle(part(el, 'cancel-reply-button')!).width).to.equal('24px');

    composeIntent(alice, conv).set({ kind: 'edit', message: mine! });
    await waitUntil(() => part(el, 'edit-bar'), 'the edit bar should show');
    expect(getComputedStyle(part(el, 'edit-label')!).fontWeight).to.equal('600');
    expect(getComputedStyle(part(el, 'cancel-edit-button')!).width).to.equal('24px');
  });
});
