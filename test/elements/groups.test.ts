// The group dialogs (SPEC §13) in real Chromium against the real server: creating a group from
// <conversation-list create-group> with the keyboard, the group panel by role (owner, admin,
// member), axe-clean in light and dark at 320 px, and zh-CN strings.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import type { GroupPanel } from '../../src/elements/groups/group-panel.js';
import type { ConversationSelectEvent } from '../../src/elements/events/conversation-select.js';
import { setLocale } from '../../src/elements/i18n/localize.js';
import type { SystemElem } from '../../src/protocol/elems.js';
import { axeViolations, focused, nextFrames } from './a11y-helpers.js';
import { closeClients, connect, connectTrio, part, parts, plain, plainSystemText, type Trio, uniqueUser, wordLeft } from './helpers.js';

describe('groups (SPEC §13)', function () {
  let { aliceId, bobId, carolId, alice, bob, carol } = {} as Trio;

  beforeEach(async () => {
    ({ aliceId, bobId, carolId, alice, bob, carol } = await connectTrio());
    // carol knows alice and bob from 1:1 chats, so the create dialog offers them.
    await alice.send(`p2p:${carolId}`, 'hi carol');
    await bob.send(`p2p:${carolId}`, 'hello carol');
    await waitUntil(() => carol.$conversations.get().length >= 2, 'carol should list alice and bob');
  });

  afterEach(async () => {
    await closeClients();
    await setLocale('');
    await emulateMedia({ colorScheme: 'light' });
    await setViewport({ width: 800, height: 600 });
  });

  /** carol's group with alice and bob, made through the client API; answers its conversation id. */
  async function carolsGroup(): Promise<`group:${string}`> {
    const id = await (await carol.groups()).createGroup({ name: 'Trip', members: [aliceId, bobId] });
    await waitUntil(() => carol.$conversations.get().some((c) => c.id === id), 'the group should be listed');
    return id as `group:${string}`;
  }

  async function openPanel(client = carol, id?: string): Promise<GroupPanel> {
    const conversationId = id ?? (await carolsGroup());
    const panel = await fixture<GroupPanel>(html`<group-panel .client=${client}></group-panel>`);
    await panel.show(conversationId);
    await waitUntil(() => parts(panel, 'member').length === 3, 'the members should load');
    return panel;
  }

  it('creates a group from the conversation list with the keyboard and selects it', async () => {
    const list = await fixture<ConversationList>(html`<conversation-list create-group .client=${carol}></conversation-list>`);
    const selected = new Promise<ConversationSelectEvent>((resolve) => list.addEventListener('conversation-select', resolve, { once: true }));
    part(list, 'new-group-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => list.shadowRoot!.querySelector('group-create-dialog'), 'the dialog should render');
    const dialog = list.shadowRoot!.querySelector('group-create-dialog');
    await waitUntil(() => dialog!.open && focused() === part(dialog!, 'name-input'), 'the dialog should open with focus on the name');
    expect(part(dialog!, 'dialog')!.matches(':modal')).to.equal(true);
    await sendKeys({ type: 'Weekend' });
    await sendKeys({ press: 'Tab' }); // picture URL
    await sendKeys({ press: 'Tab' }); // search
    await sendKeys({ type: aliceId });
    await waitUntil(() => parts(dialog!, 'person').length === 1, 'the search should leave alice');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Space' });
    await waitUntil(() => part(dialog!, 'person')!.part.contains('selected'), 'Space should pick alice');
    part(dialog!, 'create-button')!.focus();
    await sendKeys({ press: 'Enter' });
    const event = await selected;
    expect(event.detail.conversationId).to.match(/^group:g-/);
    await waitUntil(() => alice.$conversations.get().some((c) => c.id === event.detail.conversationId && c.name === 'Weekend'), 'alice should have the group');
    expect(dialog!.open).to.equal(false);
  });

  it('shows the owner every action, makes alice an admin and renames the group, each told to the members', async () => {
    const panel = await openPanel();
    const id = panel.conversation as `group:${string}`;
    const rows = parts(panel, 'member');
    expect(rows.map((r) => r.querySelector('[part~="role"]')!.textContent)).to.have.members(['Owner', 'Member', 'Member']);
    expect(part(panel, 'dismiss-button')).to.exist;
    expect(part(panel, 'leave-button')).to.equal(null);
    const aliceRow = rows.find((r) => r.textContent!.includes('Alice'))!;
    const promote = aliceRow.querySelector<HTMLButtonElement>('[part~="promote-button"]')!;
    expect(promote.getAttribute('aria-label')).to.equal('Make admin: Alice');
    promote.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => parts(panel, 'member').some((r) => r.textContent!.includes('Alice') && r.textContent!.includes('Admin')), 'alice should be an admin');
    // Listed by role: the owner, the admins, the members.
    expect(parts(panel, 'role').map((r) => r.textContent)).to.deep.equal(['Owner', 'Admin', 'Member']);
    const name = part<HTMLInputElement>(panel, 'name-input')!;
    name.focus();
    name.select();
    await sendKeys({ type: 'Trip 2027' });
    part(panel, 'save-button')!.click();
    await waitUntil(() => panel.shadowRoot!.querySelector('h2')!.textContent!.includes('Trip 2027'), 'the title should follow');
    await waitUntil(() => alice.$conversations.get().find((c) => c.id === id)?.name === 'Trip 2027', "alice's list should follow the rename");
    const texts = () => alice.messages(id).get().filter((m) => m.elem.type === 'system').map((m) => m.elem.type === 'system' && m.elem.event);
    await waitUntil(() => texts().includes('group-renamed') && texts().includes('member-promoted'), 'alice should receive both notifications');
    // Worded as the new name, not as a group of that name renamed.
    const systemText = await plainSystemText();
    const renamed = alice.messages(id).get().find((m) => m.elem.type === 'system' && m.elem.event === 'group-renamed')!;
    expect(renamed.elem.type === 'system' && systemText(renamed.elem)).to.equal('Carol renamed the group to "Trip 2027".');
    expect(renamed.elem.type === 'system' && systemText({ ...renamed.elem, operator: undefined, operatorName: undefined })).to.equal('The group was renamed to "Trip 2027".');
  });

  it('words one\'s own group events "You …" in the thread and the list (in every language), others\' by name', async () => {
    const id = await carolsGroup();
    const texts = (el: Element) => parts(el, 'system').map((s) => plain(s.textContent).trim());
    const own = await fixture<ChatThread>(html`<chat-thread .client=${carol} conversation=${id}></chat-thread>`);
    await waitUntil(() => texts(own).length > 0, "carol's thread shows the notice");
    expect(texts(own)).to.include('You created the group "Trip".');
    const list = await fixture<ConversationList>(html`<conversation-list .client=${carol}></conversation-list>`);
    await waitUntil(() => parts(list, 'item').some((r) => plain(r.textContent).includes('You created the group "Trip".')), "carol's list says You");
    const other = await fixture<ChatThread>(html`<chat-thread .client=${alice} conversation=${id}></chat-thread>`);
    await waitUntil(() => texts(other).length > 0, "alice's thread shows the notice");
    expect(texts(other)).to.include('Carol created the group "Trip".');
    await setLocale('ru');
    await waitUntil(() => texts(own).includes('Вы создали группу «Trip».'), 'in Russian too');
    // Every event someone does to a group has its "You" sentence, in every locale (no English left, no name).
    const systemText = await plainSystemText();
    const by = { operator: 'c', operatorName: 'Carol', targets: ['b'], targetNames: ['Bob'], groupName: 'Trip' };
    const events: SystemElem['event'][] = ['group-created', 'group-renamed', 'group-avatar', 'group-notice', 'group-dismissed', 'member-joined', 'member-removed', 'member-muted', 'member-unmuted'];
    for (const lang of ['en', 'ar', 'de', 'es', 'fr', 'ja', 'ko', 'pt-BR', 'ru', 'zh-CN', 'zh-TW']) {
      await setLocale(lang);
      for (const event of events) {
        for (const data of event === 'member-muted' ? [undefined, String(Date.now() + 3_600_000)] : [undefined]) {
          const elem: SystemElem = { type: 'system', event, text: 'x', ...by, ...(data && { data }) };
          const mine = systemText(elem, 'c');
          expect(mine, `${lang} ${event}`).not.to.contain('Carol');
          expect(mine, `${lang} ${event}`).to.not.equal(systemText(elem, 'b'));
          expect(systemText(elem, 'b'), `${lang} ${event}`).to.contain('Carol');
          if (lang !== 'en') expect(mine, `${lang} ${event}`).not.to.match(/^You /);
        }
      }
      // Joining (by oneself, or added by the site) and leaving are about the reader, done by no one else: "You joined", "You left".
      for (const elem of [
        { type: 'system', event: 'member-joined', text: 'x', operator: 'b', operatorName: 'Bob', targets: ['b'], targetNames: ['Bob'] },
        { type: 'system', event: 'member-joined', text: 'x', targets: ['b'], targetNames: ['Bob'] },
        { type: 'system', event: 'member-left', text: 'x', targets: ['b'], targetNames: ['Bob'] },
      ] satisfies SystemElem[]) {
        const mine = systemText(elem, 'b');
        expect(mine, `${lang} ${elem.event}`).not.to.contain('Bob');
        expect(systemText(elem, 'c'), `${lang} ${elem.event}`).to.contain('Bob');
        if (lang !== 'en') expect(mine, `${lang} ${elem.event}`).not.to.match(/^You /);
      }
      // Done to the reader by someone else: "Carol added you.", "Carol muted you until …", not their own name.
      const hour = String(Date.now() + 3_600_000);
      for (const [event, data] of [['member-joined'], ['member-removed'], ['member-muted'], ['member-muted', hour], ['member-unmuted']] as const) {
        const elem: SystemElem = { type: 'system', event, text: 'x', ...by, ...(data && { data }) };
        const mine = systemText(elem, 'b');
        expect(mine, `${lang} ${event}`).to.contain('Carol');
        expect(mine, `${lang} ${event}`).not.to.contain('Bob');
        expect(mine, `${lang} ${event}`).to.not.equal(systemText(elem, 'd'));
        if (lang !== 'en') expect(mine, `${lang} ${event}`).not.to.match(/ you/);
      }
      // The reader among several added: "Carol added you and Dave.", "You and Dave joined the group." (and the others left out).
      for (const operator of [{ operator: 'c', operatorName: 'Carol' }, {}]) {
        const elem: SystemElem = { type: 'system', event: 'member-joined', text: 'x', ...operator, targets: ['b', 'd'], targetNames: ['Bob', 'Dave'] };
        const mine = systemText(elem, 'b');
        expect(mine, `${lang} joined with others`).to.contain('Dave');
        expect(mine, `${lang} joined with others`).not.to.contain('Bob');
        expect(mine, `${lang} joined with others`).to.not.equal(systemText(elem, 'e'));
        expect(systemText(elem, 'd'), `${lang} joined with others`).to.contain('Bob');
        expect(systemText(elem, 'd'), `${lang} joined with others`).not.to.contain('Dave');
        expect(systemText(elem, 'e'), `${lang} joined with others`).to.contain('Bob');
        if ('operator' in operator) expect(mine, `${lang} joined with others`).to.contain('Carol');
        if (lang !== 'en') expect(mine, `${lang} joined with others`).not.to.match(/\byou\b/i);
        expect(systemText({ ...elem, moreTargets: 3 }, 'b'), `${lang} joined with others`).to.contain('3');
      }
      // A role the reader gave: "You made Bob an admin." (Bob reads "You are now an admin.", others "Bob is now an admin.").
      for (const event of ['member-promoted', 'member-demoted', 'owner-changed'] as const) {
        const elem: SystemElem = { type: 'system', event, text: 'x', ...by };
        const mine = systemText(elem, 'c');
        expect(mine, `${lang} ${event}`).to.contain('Bob');
        expect(mine, `${lang} ${event}`).to.not.equal(systemText(elem, 'd'));
        expect(systemText(elem, 'b'), `${lang} ${event}`).not.to.contain('Bob');
        if (lang !== 'en') expect(mine, `${lang} ${event}`).not.to.match(/^You /);
      }
      // Done to the reader by nobody named (the site, or no operator recorded): "You were muted.", "You are now an admin."
      for (const [event, data] of [['member-muted'], ['member-muted', hour], ['member-unmuted'], ['member-promoted'], ['member-demoted'], ['owner-changed']] as const) {
        const elem: SystemElem = { type: 'system', event, text: 'x', targets: ['b'], targetNames: ['Bob'], ...(data && { data }) };
        const mine = systemText(elem, 'b');
        expect(mine, `${lang} ${event}`).not.to.contain('Bob');
        expect(systemText(elem, 'c'), `${lang} ${event}`).to.contain('Bob');
        if (lang !== 'en') expect(mine, `${lang} ${event}`).not.to.match(/^You /);
      }
    }
    await setLocale('en');
    expect(systemText({ type: 'system', event: 'member-joined', text: 'x', ...by }, 'b')).to.equal('Carol added you.');
    expect(systemText({ type: 'system', event: 'member-removed', text: 'x', ...by }, 'b')).to.equal('Carol removed you from the group.');
    expect(systemText({ type: 'system', event: 'member-unmuted', text: 'x', ...by }, 'b')).to.equal('Carol unmuted you.');
    expect(systemText({ type: 'system', event: 'member-promoted', text: 'x', ...by }, 'b')).to.equal('You are now an admin.');
    expect(systemText({ type: 'system', event: 'member-promoted', text: 'x', ...by }, 'c')).to.equal('You made Bob an admin.');
    expect(systemText({ type: 'system', event: 'member-promoted', text: 'x', ...by }, 'd')).to.equal('Bob is now an admin.');
    expect(systemText({ type: 'system', event: 'member-demoted', text: 'x', ...by }, 'c')).to.equal('You removed Bob as an admin.');
    expect(systemText({ type: 'system', event: 'owner-changed', text: 'x', ...by }, 'c')).to.equal('You made Bob the owner.');
    const several = { type: 'system', event: 'member-joined', text: 'x', ...by, targets: ['b', 'd'], targetNames: ['Bob', 'Dave'] } satisfies SystemElem;
    expect(systemText(several, 'b')).to.equal('Carol added you and Dave.');
    expect(systemText({ ...several, moreTargets: 2 }, 'd')).to.equal('Carol added you and Bob and 2 others.');
    expect(systemText({ ...several, operator: undefined, operatorName: undefined }, 'b')).to.equal('You and Dave joined the group.');
    expect(systemText(several, 'e')).to.equal('Carol added Bob and Dave.');
  });

  it('gives a plain member no management actions and lets them leave after confirming; the group stays, marked left', async () => {
    const id = await carolsGroup();
    await waitUntil(() => bob.$conversations.get().some((c) => c.id === id), 'bob should have the group');
    const panel = await openPanel(bob, id);
    expect(part(panel, 'settings')).to.equal(null);
    expect(parts(panel, 'remove-button')).to.have.length(0);
    expect(parts(panel, 'promote-button')).to.have.length(0);
    part(panel, 'leave-button')!.click();
    await waitUntil(() => focused() === part(panel, 'confirm-button'), 'the confirm button should take focus');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !panel.open, 'the panel should close');
    await waitUntil(() => bob.$conversations.get().find((c) => c.id === id)?.left === true, 'the group should be marked left');
    expect(bob.messages(id).get().some((m) => m.elem.type === 'system' && m.elem.event === 'member-left')).to.equal(true);
    // Bob reads his own leaving as "You left the group." (thread and list), carol reads his name.
    const texts = (el: Element) => parts(el, 'system').map((s) => plain(s.textContent).trim());
    const own = await fixture<ChatThread>(html`<chat-thread .client=${bob} conversation=${id}></chat-thread>`);
    await waitUntil(() => texts(own).includes('You left the group.'), "bob's thread says You left");
    expect(texts(own).join()).not.to.contain('Bob left');
    const list = await fixture<ConversationList>(html`<conversation-list .client=${bob}></conversation-list>`);
    await waitUntil(() => parts(list, 'item').some((r) => plain(r.textContent).includes('You left the group.')), "bob's list says You left");
    const other = await fixture<ChatThread>(html`<chat-thread .client=${carol} conversation=${id}></chat-thread>`);
    await waitUntil(() => texts(other).includes('Bob left the group.'), "carol's thread names bob");
  });

  it("names the id an invite of several is refused for, isolated, in the reader's language", async () => {
    const panel = await openPanel();
    const invite = part<HTMLInputElement>(panel, 'invite-input')!;
    invite.focus();
    await sendKeys({ type: 'nobody-by-this-id, ' + aliceId });
    part(panel, 'invite-button')!.click();
    const status = () => part(panel, 'status')!.textContent!;
    await waitUntil(() => status().includes('nobody-by-this-id'), 'the refusal should name the unknown id');
    expect(status()).to.equal('There is no user with the id \u2068nobody-by-this-id\u2069.');
    await setLocale('de');
    part(panel, 'invite-button')!.click();
    await waitUntil(() => status().startsWith('Es gibt keine Person mit der ID'), 'the German sentence should name it too');
    expect(status()).to.equal('Es gibt keine Person mit der ID \u2068nobody-by-this-id\u2069.');
  });

  it('shows a refused invite by the field at 360 × 800, described and announced, focus and ids kept', async () => {
    await setViewport({ width: 360, height: 800 });
    const panel = await openPanel();
    const invite = part<HTMLInputElement>(panel, 'invite-input')!;
    invite.focus();
    await sendKeys({ type: 'nobody-by-this-id' });
    await sendKeys({ press: 'Enter' });
    const status = part(panel, 'status')!;
    await waitUntil(() => status.textContent!.includes('nobody-by-this-id'), 'the refusal should show');
    expect(focused() === invite, 'focus stays in the field').to.equal(true);
    expect([invite.value, status.getAttribute('role')]).to.deep.equal(['nobody-by-this-id', 'status']);
    expect(panel.shadowRoot!.getElementById(invite.getAttribute('aria-describedby') ?? '') === status, 'the field is described by it').to.equal(true);
    const shown = status.getBoundingClientRect();
    const dialog = part(panel, 'dialog')!.getBoundingClientRect();
    expect([shown.top >= Math.max(0, dialog.top), shown.bottom <= Math.min(innerHeight, dialog.bottom)]).to.deep.equal([true, true]);
  });

  it("offers an admin no action on the owner, and the server refuses an admin's promotion", async () => {
    const id = await carolsGroup();
    await (await carol.groups()).changeGroup(id.slice(6), { kind: 'role', userId: aliceId, role: 'admin' });
    await waitUntil(() => alice.$conversations.get().some((c) => c.id === id), 'alice should have the group');
    const panel = await openPanel(alice, id);
    // An admin may remove members but not the owner: the panel offers no Remove for carol.
    const carolRow = parts(panel, 'member').find((r) => r.textContent!.includes('Carol'))!;
    expect(carolRow.querySelector('[part~="remove-button"]')).to.equal(null);
    // A change the server refuses (the owner's role) is reported, not swallowed.
    const groups = await alice.groups();
    const refused = await groups.changeGroup(id.slice(6), { kind: 'role', userId: bobId, role: 'admin' }).catch((e: { name: string }) => e.name);
    expect(refused).to.equal('GROUP_ROLE_REQUIRED');
  });

  it('keeps every member name on one line beside its actions, at 800 and 320 px, a member muted and another one’s mute choices open', async () => {
    const panel = await openPanel();
    const row = (name: string) => parts(panel, 'member').find((r) => r.textContent!.includes(name))!;
    row('Bob').querySelector<HTMLButtonElement>('[part~="mute-button"]')!.click();
    await waitUntil(() => row('Bob').querySelector('[part~="mute-hour-button"]'), 'the mute choices should open');
    row('Bob').querySelector<HTMLButtonElement>('[part~="mute-hour-button"]')!.click();
    await waitUntil(() => row('Bob').querySelector('[part~="muted"]'), 'bob should show as muted');
    row('Alice').querySelector<HTMLButtonElement>('[part~="mute-button"]')!.click();
    await waitUntil(() => row('Alice').querySelector('[part~="mute-options"]'), 'alice’s mute choices should open');
    // One line box per name: squeezed by the buttons, "Bob" broke into a letter per line.
    const lines = (name: HTMLElement) => {
      const range = document.createRange();
      range.selectNodeContents(name);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    };
    for (const width of [800, 320]) {
      await setViewport({ width, height: 640 });
      await nextFrames();
      expect(parts(panel, 'member-name').map((n) => `${n.textContent}: ${lines(n)}`), `${width} px`).to.have.members(['Alice: 1', 'Bob: 1', 'Carol: 1']);
    }
  });

  it('keeps a member row\'s actions on one line together in the 448 px panel, and inside the row at 320 px', async () => {
    const panel = await openPanel();
    const actions = (row: HTMLElement) => [...row.querySelectorAll<HTMLElement>('button:not([part~="member-name"])')];
    for (const width of [800, 320]) {
      await setViewport({ width, height: 640 });
      await nextFrames();
      for (const row of parts(panel, 'member')) {
        const who = row.querySelector('[part~="member-name"]')!.textContent!;
        const box = row.getBoundingClientRect();
        for (const b of actions(row)) {
          const r = b.getBoundingClientRect();
          expect(r.left >= box.left && r.right <= box.right, `${who}: ${b.textContent} inside the row at ${width} px`).to.equal(true);
        }
        // The dialog is 448 px wide at 800: Make admin, Remove and Mute on one line (Mute alone on the next read as another row's).
        if (width === 800) expect(new Set(actions(row).map((b) => Math.round(b.getBoundingClientRect().top))).size, `${who}'s actions on one line`).to.be.at.most(1);
      }
    }
    expect(actions(parts(panel, 'member').find((r) => r.textContent!.includes('Alice'))!).map((b) => b.getAttribute('part'))).to.deep.equal(['promote-button', 'remove-button', 'mute-button']);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`is axe-clean at 320 px in ${scheme} (panel as owner, create dialog)`, async () => {
      await setViewport({ width: 320, height: 640 });
      await emulateMedia({ colorScheme: scheme });
      const panel = await openPanel();
      await nextFrames();
      const dialog = part(panel, 'dialog')!;
      expect(dialog.getBoundingClientRect().width).to.be.at.most(320);
      expect(dialog.scrollWidth).to.be.at.most(dialog.clientWidth + 1);
      let violations = await axeViolations(panel);
      expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
      panel.close();
      const list = await fixture<ConversationList>(html`<conversation-list create-group .client=${carol}></conversation-list>`);
      part(list, 'new-group-button')!.click();
      await waitUntil(() => list.shadowRoot!.querySelector('group-create-dialog')?.open, 'the dialog should open');
      await nextFrames();
      violations = await axeViolations(list.shadowRoot!.querySelector('group-create-dialog')!);
      expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
    });
  }

  it("opens a member's profile card from their name with the keyboard; Block and Unblock change the blocklist; axe-clean", async () => {
    const panel = await openPanel();
    const bobName = parts(panel, 'member-name').find((b) => b.textContent!.includes('Bob'))!;
    expect(bobName.getAttribute('aria-label')).to.equal('Profile of Bob');
    bobName.focus();
    await sendKeys({ press: 'Enter' });
    const card = await waitUntil(() => panel.shadowRoot!.querySelector('profile-card')?.open, 'the card should open').then(() => panel.shadowRoot!.querySelector('profile-card')!);
    await waitUntil(() => focused() === part(card, 'message-button'), 'focus should be on Send a message');
    expect(part(card, 'name')!.textContent).to.equal('Bob');
    expect(part(card, 'user-id')!.textContent).to.contain(bobId);
    part(card, 'block-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => carol.$blocked.get().includes(bobId), 'carol should have blocked bob');
    await waitUntil(() => part(card, 'block-button')!.part.contains('blocked'), 'the button should offer Unblock');
    const violations = await axeViolations(card);
    expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
    part(card, 'block-button')!.click();
    await waitUntil(() => !carol.$blocked.get().includes(bobId), 'Unblock should undo it');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !card.open, 'Esc should close the card');
    expect(panel.open).to.equal(true);
  });

  it('lets the site turn group actions and profile cards off (hide-groups, hide-profiles)', async () => {
    const id = await carolsGroup();
    const on = await fixture<HTMLElement>(html`<chat-widget open .client=${carol} conversation=${id}></chat-widget>`);
    await waitUntil(() => on.shadowRoot!.querySelector('[part~="group-info-button"]'), 'a group thread should offer Group info');
    const list = on.shadowRoot!.querySelector('conversation-list')!;
    await waitUntil(() => part(list, 'new-group-button'), 'the list should offer New group');
    on.shadowRoot!.querySelector<HTMLElement>('[part~="group-info-button"]')!.click();
    const panel = on.shadowRoot!.querySelector('group-panel')!;
    await waitUntil(() => parts(panel, 'member-name').length === 3, 'the panel should list the members');
    expect(parts(panel, 'member-name').every((n) => n.localName === 'button')).to.equal(true);
    panel.close();

    const off = await fixture<HTMLElement>(html`<chat-widget open hide-groups hide-profiles .client=${carol} conversation=${id}></chat-widget>`);
    await waitUntil(() => off.shadowRoot!.querySelector('chat-thread'), 'the thread should show');
    expect(off.shadowRoot!.querySelector('[part~="group-info-button"]')).to.equal(null);
    expect(part(off.shadowRoot!.querySelector('conversation-list')!, 'new-group-button')).to.equal(null);
    const plain = await fixture<GroupPanel>(html`<group-panel hide-profiles .client=${carol}></group-panel>`);
    await plain.show(id);
    await waitUntil(() => parts(plain, 'member-name').length === 3, 'the members should load');
    expect(parts(plain, 'member-name').some((n) => n.localName === 'button')).to.equal(false);
  });

  it('contacts: picks a person to chat with, lists the blocklist and unblocks, by keyboard; axe-clean in dark; off with hide-contacts', async () => {
    await carol.block(bobId);
    await waitUntil(() => carol.$blocked.get().includes(bobId), 'carol should have blocked bob');
    const list = await fixture<ConversationList>(html`<conversation-list contacts .client=${carol}></conversation-list>`);
    part(list, 'contacts-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => list.shadowRoot!.querySelector('contacts-view')?.open, 'the view should open');
    const view = list.shadowRoot!.querySelector('contacts-view')!;
    await waitUntil(() => focused() === part(view, 'search'), 'focus should be in the search');
    expect(parts(view, 'blocked-user').map((r) => r.textContent)).to.satisfy((rows: string[]) => rows.some((r) => r.includes('Bob')));
    await emulateMedia({ colorScheme: 'dark' });
    const violations = await axeViolations(view);
    expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
    part(view, 'unblock-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !carol.$blocked.get().includes(bobId), 'Unblock should unblock bob');
    const selected = new Promise<ConversationSelectEvent>((resolve) => list.addEventListener('conversation-select', resolve, { once: true }));
    part(view, 'search')!.focus();
    await sendKeys({ type: aliceId });
    await waitUntil(() => parts(view, 'person').length === 1, 'the search should leave alice');
    parts(view, 'person')[0]!.click();
    expect((await selected).detail.conversationId).to.equal(`p2p:${aliceId}`);
    expect(view.open).to.equal(false);
    const off = await fixture<HTMLElement>(html`<chat-widget open hide-contacts .client=${carol}></chat-widget>`);
    await waitUntil(() => off.shadowRoot!.querySelector('conversation-list'), 'the list should show');
    const offList = off.shadowRoot!.querySelector('conversation-list')!;
    await offList.updateComplete;
    expect(part(offList, 'contacts-button')).to.equal(null);
  });

  it('shows a hostile group name, notice and member name as inert, isolated text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">\u202eevil';
    const id = await (await carol.groups()).createGroup({ name: hostile, members: [aliceId, bobId] });
    await (await carol.groups()).changeGroup(id.slice(6), { kind: 'notice', notice: '<script>window.__pwned=1</script>\u2066x' });
    const panel = await openPanel(carol, id);
    await waitUntil(() => part(panel, 'notice')!.textContent!.includes('<script>'), 'the notice should show');
    expect(panel.shadowRoot!.querySelector('img, script')).to.equal(null);
    expect(panel.shadowRoot!.querySelector('h2 bdi')!.textContent).to.equal(hostile);
    expect(part(panel, 'notice')!.querySelector('bdi')).to.exist;
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it("keeps a name's right-to-left override from reordering a group's notices", async () => {
    // A member may be named anything the site allows: "Mallory" and an override (U+202E) reversed the
    // rest of every sentence that named her ("Mallory."pirT" puorg eht detaerc").
    const mallory = await connect(uniqueUser('mallory'), 'Mallory\u202e');
    const id = await (await mallory.groups()).createGroup({ name: 'Trip', members: [aliceId] });
    const thread = await fixture<ChatThread>(html`<chat-thread .client=${alice} conversation=${id}></chat-thread>`);
    await waitUntil(() => parts(thread, 'system').length > 0, "alice's thread shows the notice");
    const bubble = parts(thread, 'system')[0]!.querySelector('[part~="bubble"]')!;
    // Her name isolated (FSI … PDI), its own controls dropped so none can close the isolate early.
    expect(bubble.textContent!.trim()).to.equal('\u2068Mallory\u2069 created the group "\u2068Trip\u2069".');
    // And the words after it read left to right, as the sentence does.
    const left = (word: string) => wordLeft(bubble, word);
    expect(left('Mallory')).to.be.below(left('created'));
    expect(left('created')).to.be.below(left('group'));
    expect(left('group')).to.be.below(left('Trip'));
  });

  it('speaks Chinese with zh-CN: the panel and the notifications', async () => {
    await setLocale('zh-CN');
    const panel = await openPanel();
    expect(part(panel, 'dismiss-button')!.textContent!.trim()).to.equal('解散群聊');
    expect(parts(panel, 'role').map((r) => r.textContent)).to.include('群主');
    const systemText = await plainSystemText();
    expect(systemText({ type: 'system', event: 'member-removed', text: 'x', operator: 'a', operatorName: 'Alice', targets: ['b'], targetNames: ['Bob'] })).to.equal('Alice 将 Bob 移出了群聊。');
    expect(carolId).to.be.a('string');
  });
});
