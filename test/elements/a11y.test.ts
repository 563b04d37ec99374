// axe-core on every element, in light and dark: forced by the `theme` attribute, and followed
// from the user's preference (prefers-color-scheme emulated by Chromium). Real server, real
// client, real data: messages both ways, an unread conversation, a failed send, broadcasts.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatSession } from '../../src/elements/chat-session.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import type { ForwardDialog } from '../../src/elements/forward-dialog.js';
import { axeViolations, nextFrames, seedInbox, type Inbox } from './a11y-helpers.js';
import { closeClients, part, parts, uniqueUser } from './helpers.js';

/** How a colour scheme is chosen: the `theme` attribute, or the user's preference with no attribute. */
interface Variant {
  name: string;
  theme: 'light' | 'dark' | '';
  prefers: 'light' | 'dark';
}

const VARIANTS: Variant[] = [
  { name: 'theme="light"', theme: 'light', prefers: 'dark' },
  { name: 'theme="dark"', theme: 'dark', prefers: 'light' },
  { name: 'prefers-color-scheme: light', theme: '', prefers: 'light' },
  { name: 'prefers-color-scheme: dark', theme: '', prefers: 'dark' },
];

/** Every animation in the document and in every shadow root under `root`. */
function animations(root: Document | ShadowRoot): Animation[] {
  const hosts = [...root.querySelectorAll('*')].filter((el) => el.shadowRoot);
  return [...root.getAnimations(), ...hosts.flatMap((el) => animations(el.shadowRoot!))];
}

/** Animations (the panel rising, the banner entering) finished, so colours are final. */
async function settled(): Promise<void> {
  await nextFrames();
  await Promise.all(animations(document).map((a) => a.finished.catch(() => undefined)));
}

async function expectNoViolations(el: Element): Promise<void> {
  await settled();
  const violations = await axeViolations(el);
  expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
}

describe('accessibility (axe-core)', function () {
  // axe walks every shadow root and computes contrast per text node: seconds, not milliseconds.

  let { aliceId, bobId, carolId, alice, messageId } = {} as Inbox;

  before(async () => {
    ({ aliceId, bobId, carolId, alice, messageId } = await seedInbox(
      {
        bobName: 'Bob Builder',
        fromBob: 'Hi Alice, see https://example.com/plan',
        toBob: 'Thanks, looking now',
        fromCarol: 'Unread hello from Carol',
        broadcasts: [
          ['Maintenance tonight at 22:00', 'Ops team'],
          ['New feature: forwarding', 'Product'],
        ],
      },
      // A send that fails (over the size limit): the thread shows the reason, Resend and Discard.
      (users) => users.alice.send(`p2p:${users.bobId}`, 'x'.repeat(9000)).catch(() => {}),
    ));
    await waitUntil(() => alice.$conversations.get().length >= 2, 'alice should list both conversations');
  });

  after(closeClients);

  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
    localStorage.clear();
  });

  // Avatars without a picture are coloured by a hue derived from the user id (random in these
  // tests): check the initials' contrast over the whole circle, not only the hues a run drew.
  for (const tag of ['conversation-list', 'chat-thread'] as const) {
    it(`${tag}: avatar initials meet contrast on every hue`, async () => {
      const el = await fixture<HTMLElement>(
        tag === 'conversation-list'
          ? html`<conversation-list .client=${alice}></conversation-list>`
          : html`<chat-thread style="height: 300px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`,
      );
      await waitUntil(() => el.shadowRoot!.querySelector('span[part~="avatar"]'), 'an avatar with initials should show');
      const avatar = el.shadowRoot!.querySelector<HTMLElement>('span[part~="avatar"]')!;
      const failing: string[] = [];
      for (let hue = 0; hue < 360; hue += 15) {
        avatar.style.setProperty('--_hue', String(hue));
        const violations = await axeViolations(avatar, ['color-contrast']);
        if (violations.length > 0) failing.push(`hue ${hue}: ${violations[0]!.nodes[0]}`);
      }
      expect(failing).to.deep.equal([]);
    });
  }

  for (const v of VARIANTS) {
    describe(v.name, () => {
      beforeEach(() => emulateMedia({ colorScheme: v.prefers }));

      /** The three elements as a page would lay them out in a session, with data loaded. */
      async function session(): Promise<ChatSession> {
        const el = await fixture<ChatSession>(html`
          <chat-session .client=${alice} theme=${v.theme}>
            <div style="display: grid; grid-template-columns: 16rem 1fr; height: 500px">
              <conversation-list selected=${`p2p:${bobId}`}></conversation-list>
              <div style="display: flex; flex-direction: column; min-width: 0">
                <chat-thread style="flex: 1; min-height: 0" conversation=${`p2p:${bobId}`}></chat-thread>
                <message-composer conversation=${`p2p:${bobId}`}></message-composer>
              </div>
            </div>
          </chat-session>
        `);
        const thread = el.querySelector<ChatThread>('chat-thread')!;
        await waitUntil(() => parts(thread, 'bubble').length >= 3, 'the thread should show its messages');
        await waitUntil(() => part(thread, 'failure'), 'the failed message should show');
        await waitUntil(() => parts(el.querySelector('conversation-list')!, 'item').length >= 2, 'the list should show');
        return el;
      }

      // One test per element of the session, so a violation names its element.
      for (const tag of ['chat-session', 'conversation-list', 'chat-thread', 'message-composer'] as const) {
        it(tag === 'chat-session' ? 'chat-session with conversation-list, chat-thread and message-composer' : `${tag} in that session`, async () => {
          const el = await session();
          await expectNoViolations(tag === 'chat-session' ? el : el.querySelector(tag)!);
        });
      }

      it('forward-dialog, open and after a refused forward', async () => {
        const session = await fixture<ChatSession>(html`
          <chat-session .client=${alice} theme=${v.theme}><forward-dialog></forward-dialog></chat-session>
        `);
        const dialog = session.querySelector<ForwardDialog>('forward-dialog')!;
        await dialog.show({ conversationId: `p2p:${bobId}`, messageIds: [messageId], merge: false });
        await waitUntil(() => parts(dialog, 'target').length >= 2, 'the dialog should list targets');
        part<HTMLInputElement>(dialog, 'target')!.querySelector('input')!.click();
        await dialog.updateComplete;
        await expectNoViolations(session);

        // The results view: one target refused (an unknown user), with its reason and Resend.
        const search = part<HTMLInputElement>(dialog, 'search')!;
        search.value = uniqueUser('nobody');
        search.dispatchEvent(new Event('input'));
        await waitUntil(() => parts(dialog, 'target').length === 1, 'the typed id should be offered');
        part(dialog, 'target')!.querySelector('input')!.click();
        part<HTMLButtonElement>(dialog, 'confirm-button')!.click();
        await waitUntil(() => parts(dialog, 'result').every((r) => !r.part.contains('sending')), 'every target should settle');
        await expectNoViolations(session);
        dialog.close();
      });

      it('chat-thread report dialog, open and after "Reported. Thanks"', async () => {
        const el = await session();
        const thread = el.querySelector<ChatThread>('chat-thread')!;
        thread.shadowRoot!.querySelector<HTMLButtonElement>('[part~="message"][part~="other"] [part~="actions-button"]')!.click();
        await waitUntil(() => part(thread, 'report'), 'others’ messages offer Report');
        part<HTMLButtonElement>(thread, 'report')!.click();
        await waitUntil(() => part<HTMLDialogElement>(thread, 'report-dialog')?.open, 'the report dialog should open');
        part<HTMLTextAreaElement>(thread, 'report-note')!.value = 'a note';
        await expectNoViolations(thread);
        part<HTMLButtonElement>(thread, 'report-send-button')!.click();
        await waitUntil(() => part(thread, 'report-close-button'), 'the confirmation should show');
        await expectNoViolations(thread);
        part<HTMLButtonElement>(thread, 'report-close-button')!.click();
      });

      it('broadcast-banner with several broadcasts', async () => {
        const session = await fixture<ChatSession>(html`
          <chat-session .client=${alice} theme=${v.theme}><broadcast-banner></broadcast-banner></chat-session>
        `);
        const banner = session.querySelector('broadcast-banner')!;
        await waitUntil(() => part(banner, 'pager'), 'the banner should show a pager');
        await expectNoViolations(session);
      });

      it('chat-widget, closed', async () => {
        const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice} theme=${v.theme}></chat-widget>`);
        await waitUntil(() => part(widget, 'badge'), 'the launcher should show the unread count');
        await expectNoViolations(widget);
      });

      it('chat-widget, open on the list', async () => {
        const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice} theme=${v.theme}></chat-widget>`);
        await widget.show();
        await waitUntil(() => parts(widget.shadowRoot!.querySelector('conversation-list')!, 'item').length >= 2, 'the list should show');
        await expectNoViolations(widget);
        widget.hide();
      });

      it('chat-widget, open on a conversation, narrow and wide', async () => {
        const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice} theme=${v.theme}></chat-widget>`);
        widget.conversation = `p2p:${bobId}`;
        await widget.show();
        const thread = widget.shadowRoot!.querySelector<ChatThread>('chat-thread')!;
        await waitUntil(() => thread && parts(thread, 'bubble').length >= 3, 'the thread should show its messages');
        await waitUntil(() => part(widget.shadowRoot!.querySelector('broadcast-banner')!, 'broadcast'), 'the banner should show');
        await expectNoViolations(widget);

        // Wide: list and thread side by side.
        widget.style.setProperty('--chat-widget-width', '720px');
        await nextFrames();
        await expectNoViolations(widget);
        widget.hide();
      });
    });
  }
});
