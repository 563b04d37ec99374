// axe-core over the composer's popovers and messages, light and dark: the emoji picker, the
// @mention list and a file refusal, each open while checked.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { AxeResults, RunOptions } from 'axe-core';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { LIMITS } from '../../src/protocol/limits.js';
import { closeClients, connect, part, parts, uniqueUser } from './helpers.js';

/** axe-core's browser build, from node_modules as a classic script. */
function loadAxe(): Promise<{ run(context: Element, options: RunOptions): Promise<AxeResults> }> {
  const existing = (window as { axe?: never }).axe;
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => resolve((window as unknown as { axe: never }).axe);
    script.onerror = () => reject(new Error('axe-core could not be loaded'));
    document.head.append(script);
  });
}

async function expectNoViolations(el: Element): Promise<void> {
  const axe = await loadAxe();
  const results = await axe.run(el, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    // About the page, not a component.
    rules: { region: { enabled: false }, 'landmark-one-main': { enabled: false }, 'page-has-heading-one': { enabled: false } },
    resultTypes: ['violations'],
  });
  const violations = results.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`) }));
  expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
}

describe('message-composer accessibility (axe-core)', function () {

  let alice: ChatClient;
  let group: string;

  beforeEach(async () => {
    const [aliceId, bobId] = [uniqueUser('alice'), uniqueUser('bob')];
    await connect(bobId, 'Bob');
    alice = await connect(aliceId, 'Alice');
    const id = uniqueUser('team');
    const res = await fetch(`/__natter/group?${new URLSearchParams({ id, members: `${aliceId},${bobId}` })}`);
    if (!res.ok) throw new Error(`group route: ${res.status}`);
    group = `group:${id}`;
  });

  afterEach(closeClients);

  for (const theme of ['light', 'dark'] as const) {
    describe(`theme="${theme}"`, () => {
      const composer = async () => {
        const wrapper = await fixture<HTMLElement>(
          html`<div style="padding-top: 20rem; color-scheme: ${theme}; --chat-color-scheme: ${theme}">
            <message-composer .client=${alice} conversation=${group}></message-composer>
          </div>`,
        );
        return wrapper.querySelector('message-composer')! as MessageComposer;
      };

      it('with the emoji picker open, its grid focused', async () => {
        const el = await composer();
        el.stickers = [{ key: 'ok', url: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=', label: 'OK sticker' }];
        part<HTMLButtonElement>(el, 'emoji-button')!.click();
        await waitUntil(() => parts(el, 'emoji').length > 0, 'the picker should show emoji');
        await sendKeys({ press: 'ArrowDown' });
        await expectNoViolations(el);
      });

      it('with the mention list open', async () => {
        const el = await composer();
        part<HTMLTextAreaElement>(el, 'input')!.focus();
        await sendKeys({ type: 'hey @' });
        await waitUntil(() => parts(el, 'mention').length === 2, 'the list should show');
        await expectNoViolations(el);
      });

      it('with a file refused and files dragged over', async () => {
        const el = await composer();
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(LIMITS.soundBytes + 1)], 'talk.mp3', { type: 'audio/mpeg' }));
        part(el, 'input')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }));
        el.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }));
        await el.updateComplete;
        expect(part(el, 'file-error')).to.not.equal(null);
        expect(part(el, 'drop-zone')).to.not.equal(null);
        await expectNoViolations(el);
      });
    });
  }
});
