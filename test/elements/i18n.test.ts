/**
 * Both locales end to end, in real Chromium against the real server: every element's strings
 * in English and in Simplified Chinese (no English left in representative states), switching
 * at runtime, the Chinese strings loaded only once used, dates and numbers per locale.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { BroadcastBanner } from '../../src/elements/broadcast-banner.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import type { ForwardDialog } from '../../src/elements/forward-dialog.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { formatDay } from '../../src/elements/format.js';
import { getLocale, localeReady, setLocale } from '../../src/elements/i18n/localize.js';
import type { Elem } from '../../src/protocol/elems.js';
import { LIMITS } from '../../src/protocol/limits.js';
import { closeClients, connect, part, parts, uniqueUser, plain } from './helpers.js';
import { englishIn, spoken } from './i18n-helpers.js';

// Hundreds of modules load in dev mode: past the default 250 resource entries none is recorded.
performance.setResourceTimingBufferSize(100_000);

// Every module of the page is a resource entry: room for all of them, so the locale's shows.
performance.setResourceTimingBufferSize(10_000);
/** Whether the Chinese strings module has been fetched by this page (each test file has its own page). */
const zhRequested = () => performance.getEntriesByType('resource').some((e) => /\/i18n\/locales\/zh-CN\.[jt]s/.test(e.name));

/** Renders `content` inside `<div lang>`, waits for the locale to load and the elements to render. */
async function inLang<T extends Element>(lang: string, content: ReturnType<typeof html>, selector: string): Promise<T> {
  const wrapper = await fixture<HTMLDivElement>(html`<div lang=${lang}>${content}</div>`);
  const el = wrapper.querySelector<T>(selector)!;
  await localeReady();
  await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
  return el;
}

/** Sends a broadcast through the real server's admin API (see web-test-runner.config.mjs). */
async function broadcast(content: string, from?: string): Promise<void> {
  const res = await fetch(`/__natter/broadcast?${new URLSearchParams({ content, ...(from ? { from } : {}) })}`);
  if (!res.ok) throw new Error(`broadcast route: ${res.status}`);
}

/** Sends any elem from one user to another as an admin (see web-test-runner.config.mjs). */
async function adminSend(from: string, to: string, elem: Elem): Promise<void> {
  const res = await fetch(`/__natter/send?json=${encodeURIComponent(JSON.stringify({ from, to, elem }))}`);
  if (!res.ok) throw new Error(`send route: ${res.status} ${await res.text()}`);
}

/** The locale English formats in here: the browser's English (`en-US` in the test browser), as `lang="en"` narrows to it. */
const EN = navigator.languages.find((l) => l.startsWith('en-')) ?? 'en';

const deep = (el: Element, selector: string) => el.shadowRoot!.querySelector<HTMLElement>(selector)!;

describe('i18n', () => {
  let aliceId: string;
  let bobId: string;
  let carolId: string;
  let alice: ChatClient;
  let bob: ChatClient;

  beforeEach(async () => {
    [aliceId, bobId, carolId] = [uniqueUser('alice'), uniqueUser('bob'), uniqueUser('carol')];
    bob = await connect(bobId, '鲍勃');
    await connect(carolId, '卡罗尔');
    alice = await connect(aliceId, '爱丽丝');
  });

  afterEach(async () => {
    await closeClients();
    localStorage.clear();
    await setLocale('');
  });

  // First: nothing before it may have used Chinese in this page.
  it('fetches the Chinese strings only once an element speaks Chinese', async () => {
    const en = await inLang<MessageComposer>('en', html`<message-composer .client=${alice} conversation=${`p2p:${bobId}`}></message-composer>`, 'message-composer');
    await inLang<ChatThread>('en-US', html`<chat-thread .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`, 'chat-thread');
    expect(part<HTMLTextAreaElement>(en, 'input')!.placeholder).to.equal('Message');
    expect(zhRequested(), 'English must not fetch the Chinese module').to.equal(false);

    const zh = await inLang<MessageComposer>('zh-CN', html`<message-composer .client=${alice} conversation=${`p2p:${bobId}`}></message-composer>`, 'message-composer');
    expect(zhRequested()).to.equal(true);
    expect(getLocale()).to.equal('zh-CN');
    expect(part<HTMLTextAreaElement>(zh, 'input')!.placeholder).to.equal('消息');
  });

  describe('every element, in both locales', () => {
    it('system notifications, worded in the reader\'s language from the names they carry', async () => {
      const groupId = uniqueUser('g');
      await fetch(`/__natter/group?id=${groupId}&members=${aliceId},${bobId}&name=Team`);
      const group = `group:${groupId}` as const;
      const joined: Elem = { type: 'system', event: 'member-joined', text: 'carol joined the group.', targets: [carolId], targetNames: ['卡罗尔'] };
      const res = await fetch(`/__natter/send?json=${encodeURIComponent(JSON.stringify({ from: 'system', groupId, elem: joined }))}`);
      expect(res.ok).to.equal(true);
      await waitUntil(() => alice.messages(group).get().length === 2, 'both notifications should reach alice');
      const notes = (el: Element) => parts(el, 'system').map((n) => plain(n.textContent).trim());

      const en = await inLang<ChatThread>('en', html`<chat-thread .client=${alice} conversation=${group}></chat-thread>`, 'chat-thread');
      await waitUntil(() => notes(en).length === 2, 'both notifications should show');
      expect(notes(en)).to.deep.equal(['Group "Team" was created.', '卡罗尔 joined the group.']);
      const list = await inLang<ConversationList>('en', html`<conversation-list .client=${alice}></conversation-list>`, 'conversation-list');
      await waitUntil(() => parts(list, 'item').length > 0, 'the group should be listed');
      // A notification is its own preview, with no "system:" before it.
      expect(plain(list.shadowRoot!.querySelector('.preview')!.textContent).trim()).to.equal('卡罗尔 joined the group.');

      await setLocale('zh-CN');
      await en.updateComplete;
      expect(notes(en)).to.deep.equal(['群聊“Team”已创建。', '卡罗尔 加入了群聊。']);
    });

    it('an empty conversation list', async () => {
      const nobody = await connect(uniqueUser('nobody'), '无名');
      const en = await inLang<ConversationList>('en', html`<conversation-list .client=${nobody}></conversation-list>`, 'conversation-list');
      expect(spoken(en)).to.include('No conversations yet.');
      const zh = await inLang<ConversationList>('zh-CN', html`<conversation-list .client=${nobody}></conversation-list>`, 'conversation-list');
      expect(spoken(zh)).to.include('还没有会话。');
      expect(englishIn(zh)).to.deep.equal([]);
    });

    it('a conversation list with previews, @mentions and unread counts', async () => {
      await adminSend(bobId, aliceId, { type: 'image', url: `${location.origin}/__natter/picture.svg`, width: 4, height: 3, size: 100, mime: 'image/svg+xml' });
      await alice.send(`p2p:${carolId}`, '你好');
      await waitUntil(() => alice.$conversations.get().length === 2, 'two conversations');
      const zh = await inLang<ConversationList>('zh-CN', html`<conversation-list .client=${alice}></conversation-list>`, 'conversation-list');
      await waitUntil(() => parts(zh, 'item').length === 2 && part(zh, 'unread-badge'), 'both conversations should be listed');
      const text = spoken(zh).join(' | ');
      expect(text).to.contain('[图片]').and.to.contain('我').and.to.contain('1 条未读');
      expect(englishIn(zh, [bobId, carolId])).to.deep.equal([]);
      const en = await inLang<ConversationList>('en', html`<conversation-list .client=${alice}></conversation-list>`, 'conversation-list');
      await waitUntil(() => parts(en, 'item').length === 2, 'both conversations should be listed');
      expect(spoken(en).join(' | ')).to.contain('[image]').and.to.contain('You').and.to.contain('1 unread');
    });

    it('a thread with a failed message and its menu', async () => {
      const stranger = uniqueUser('nobody');
      const show = async (lang: string, text: string) => {
        const el = await inLang<ChatThread>(lang, html`<chat-thread style="height: 400px" .client=${alice} conversation=${`p2p:${stranger}`}></chat-thread>`, 'chat-thread');
        await alice.send(`p2p:${stranger}`, text).catch(() => {});
        await waitUntil(() => parts(el, 'error').some((e) => e.closest('[data-key]')!.textContent!.includes(text)), 'the failure should show');
        part<HTMLButtonElement>(el, 'actions-button')!.click();
        await waitUntil(() => part(el, 'menu'), 'the menu should open');
        return el;
      };
      const zh = await show('zh-CN', '有人吗');
      // The sentence comes with the features loaded on first use (thread/failure.ts, errorLine).
      await waitUntil(() => part(zh, 'error')!.textContent === '该用户不存在。', 'the failure\'s sentence should show');
      // Refused for good (an unknown user): no Resend; Copy for its text.
      expect(parts(zh, 'menu-item').map((b) => b.textContent!.trim())).to.deep.equal(['删除']);
      expect(part(zh, 'copy-text-button')!.innerText.trim()).to.equal('复制');
      expect(part(zh, 'day')!.textContent).to.equal('今天');
      expect(part(zh, 'status')!.textContent).to.equal('未发送');
      expect(englishIn(zh, [stranger])).to.deep.equal([]);
      const en = await show('en', 'anyone?');
      // The sentence comes with the features loaded on first use (thread/failure.ts, errorLine).
      await waitUntil(() => part(en, 'error')!.textContent === 'There is no user with this id.', 'the failure\'s sentence should show');
      expect(parts(en, 'menu-item').map((b) => b.textContent!.trim())).to.deep.equal(['Delete']);
      expect(part(en, 'failure')!.getAttribute('aria-label')).to.equal('Message not sent');
    });

    it('the forward dialog and multi-select', async () => {
      await bob.send(`p2p:${aliceId}`, '值得分享');
      await adminSend(bobId, aliceId, { type: 'file', url: 'https://files.example/r.pdf', name: '报告.pdf', size: 1536, mime: 'application/pdf' });
      await waitUntil(() => alice.$conversations.get().length > 0, 'alice should know bob');
      const open = async (lang: string) => {
        const el = await inLang<ChatThread>(lang, html`<chat-thread style="height: 500px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`, 'chat-thread');
        await waitUntil(() => parts(el, 'actions-button').length === 2, 'bob’s messages should offer their actions');
        const ids = alice.messages(`p2p:${bobId}`).get().map((m) => m.id);
        await el.forward(ids, { merge: true });
        const dialog = el.shadowRoot!.querySelector<ForwardDialog>('forward-dialog')!;
        await waitUntil(() => dialog.open && parts(dialog, 'target').length > 0, 'the dialog should list targets');
        return { el, dialog };
      };
      const zh = await open('zh-CN');
      expect(part(zh.dialog, 'title')!.textContent).to.equal('转发');
      expect(part(zh.dialog, 'preview')!.textContent).to.contain('2 条消息合并为一条聊天记录').and.to.contain('鲍勃：值得分享').and.to.contain('[文件] 报告.pdf');
      expect(part<HTMLInputElement>(zh.dialog, 'search')!.placeholder).to.equal('搜索，或输入用户 ID');
      expect(englishIn(zh.dialog, [bobId, carolId, 'pdf', 'PDF'])).to.deep.equal([]);
      zh.dialog.close();
      // Multi-select: the bar counts in Chinese.
      part<HTMLButtonElement>(zh.el, 'actions-button')!.click();
      await waitUntil(() => part(zh.el, 'select'), 'the menu should offer Select');
      part<HTMLButtonElement>(zh.el, 'select')!.click();
      await waitUntil(() => part(zh.el, 'selection-bar'), 'the selection bar should show');
      expect(part(zh.el, 'selection-bar')!.textContent).to.contain('已选择 1 条消息').and.to.contain('逐条转发');
      expect(englishIn(zh.el, [bobId, carolId, 'pdf', 'PDF'])).to.deep.equal([]);

      const en = await open('en');
      expect(part(en.dialog, 'preview')!.textContent).to.contain('2 messages as one chat history').and.to.contain('[file] 报告.pdf');
      expect(part(en.dialog, 'confirm-button')!.textContent!.trim()).to.equal('Forward');
    });

    it('the broadcast banner with a pager', async () => {
      const tag = uniqueUser('b');
      await broadcast(`${tag} 一`);
      await broadcast(`${tag} 二`, '运营');
      const show = async (lang: string) => {
        const el = await inLang<BroadcastBanner>(lang, html`<broadcast-banner .client=${alice}></broadcast-banner>`, 'broadcast-banner');
        await waitUntil(() => part(el, 'count'), 'two broadcasts should page');
        return el;
      };
      const zh = await show('zh-CN');
      expect(part(zh, 'count')!.textContent).to.equal('1 / 2');
      expect(part(zh, 'dismiss-button')!.getAttribute('aria-label')).to.equal('关闭公告');
      part<HTMLButtonElement>(zh, 'next-button')!.click();
      await waitUntil(() => part(zh, 'sender')!.textContent === '公告', 'the older one has the default sender');
      expect(englishIn(zh, [tag])).to.deep.equal([]);
      const en = await show('en');
      expect(part(en, 'count')!.textContent).to.equal('1 of 2');
      expect(part(en, 'count')!.getAttribute('aria-label')).to.equal('Announcement 1 of 2');
    });

    it('the composer with its emoji picker and a file error', async () => {
      const show = async (lang: string) => {
        const el = await inLang<MessageComposer>(lang, html`<message-composer .client=${alice} conversation=${`p2p:${bobId}`}></message-composer>`, 'message-composer');
        const video = new File([new Uint8Array(LIMITS.videoBytes + 1)], '视频.mp4', { type: 'video/mp4' });
        const data = new DataTransfer();
        data.items.add(video);
        part(el, 'input')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }));
        part<HTMLButtonElement>(el, 'emoji-button')!.click();
        await waitUntil(() => parts(el, 'emoji').length > 0, 'the picker should show emoji');
        return el;
      };
      const zh = await show('zh-CN');
      expect(part(zh, 'file-error')!.textContent).to.contain('“视频.mp4”过大');
      expect(part<HTMLInputElement>(zh, 'emoji-search')!.placeholder).to.equal('搜索表情');
      expect(englishIn(zh, ['mp4'])).to.deep.equal([]);
      const en = await show('en');
      expect(part(en, 'file-error')!.textContent).to.contain('is too large to send');
      expect(part(en, 'emoji')!.getAttribute('aria-label')).to.match(/^[a-z]/i);
    });

    it('the widget, open on a conversation', async () => {
      await bob.send(`p2p:${aliceId}`, '在吗？');
      const show = async (lang: string) => {
        const widget = await inLang<ChatWidget>(lang, html`<chat-widget .client=${alice} conversation=${`p2p:${bobId}`} open></chat-widget>`, 'chat-widget');
        await waitUntil(() => deep(widget, 'chat-thread') && parts(deep(widget, 'chat-thread'), 'bubble').length === 1, 'the thread should show bob’s message');
        await waitUntil(() => part(widget, 'badge') || parts(deep(widget, 'conversation-list'), 'item').length === 1, 'the list should show bob');
        return widget;
      };
      const zh = await show('zh-CN');
      expect(part(zh, 'close-button')!.getAttribute('aria-label')).to.equal('关闭聊天');
      expect(englishIn(zh, [bobId])).to.deep.equal([]);
      const en = await show('en');
      expect(part(en, 'close-button')!.getAttribute('aria-label')).to.equal('Close chat');
      expect(part<HTMLTextAreaElement>(deep(en, 'message-composer'), 'input')!.placeholder).to.equal('Message');
    });
  });

  describe('switching', () => {
    it('re-renders when a lang attribute changes, and setLocale() overrides lang until it is cleared', async () => {
      await bob.send(`p2p:${aliceId}`, 'hi');
      const wrapper = await fixture<HTMLDivElement>(html`<div lang="en">
        <message-composer .client=${alice} conversation=${`p2p:${bobId}`}></message-composer>
        <chat-thread style="height: 300px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>
      </div>`);
      const composer = wrapper.querySelector('message-composer')!;
      const thread = wrapper.querySelector('chat-thread')!;
      await waitUntil(() => part(thread, 'day'), 'the thread should show its day');
      const placeholder = () => part<HTMLTextAreaElement>(composer, 'input')!.placeholder;
      expect([placeholder(), part(thread, 'day')!.textContent]).to.deep.equal(['Message', 'Today']);

      wrapper.lang = 'zh-CN';
      await waitUntil(() => placeholder() === '消息', 'the composer should switch to Chinese');
      await waitUntil(() => part(thread, 'day')!.textContent === '今天', 'the thread should switch too');

      await setLocale('en');
      await composer.updateComplete;
      expect(placeholder()).to.equal('Message');
      // Chosen with setLocale(), the language stays when more elements connect under lang="zh-CN".
      wrapper.append(document.createElement('conversation-list'));
      await localeReady();
      expect(getLocale()).to.equal('en');

      await setLocale('');
      await composer.updateComplete;
      expect(placeholder()).to.equal('消息');
    });
  });

  describe('dates and numbers', () => {
    it('formats times in the locale of the lang tag: en-US, en-GB and zh-CN clocks', async () => {
      await bob.send(`p2p:${aliceId}`, 'hi');
      await waitUntil(() => alice.messages(`p2p:${bobId}`).get().length === 1, 'the message should arrive');
      const [message] = alice.messages(`p2p:${bobId}`).get();
      const clock = (locale: string) => new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(message!.time);
      for (const lang of ['en-US', 'en-GB', 'zh-CN']) {
        const el = await inLang<ChatThread>(lang, html`<chat-thread style="height: 300px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`, 'chat-thread');
        await waitUntil(() => el.shadowRoot!.querySelector('[part~="message"] time'), 'the message should show its time');
        await el.updateComplete;
        expect(el.shadowRoot!.querySelector('[part~="message"] time')!.textContent, lang).to.equal(clock(lang));
      }
      expect(clock('en-US')).to.not.equal(clock('en-GB'));
    });

    it('formats day headings and file sizes per locale, also for a language without strings (it)', async () => {
      await adminSend(bobId, aliceId, { type: 'file', url: 'https://files.example/a.zip', name: 'a.zip', size: 1536, mime: 'application/zip' });
      const size = (locale: string) => new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', unitDisplay: 'short', maximumFractionDigits: 1 }).format(1.536);
      const longAgo = new Date(2020, 2, 2, 12).getTime();
      const longDate = (locale: string) => new Intl.DateTimeFormat(locale, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' }).format(longAgo);
      for (const lang of ['it', 'zh-CN', 'en']) {
        const el = await inLang<ChatThread>(lang, html`<chat-thread style="height: 300px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`, 'chat-thread');
        await waitUntil(() => part(el, 'file-size'), 'the file card should show');
        await el.updateComplete;
        expect(part(el, 'file-size')!.textContent, lang).to.equal(size(lang === 'en' ? EN : lang));
        expect(formatDay(longAgo), lang).to.equal(longDate(lang === 'en' ? EN : lang));
      }
      // Italian gets English strings (no catalogue) with Italian numbers: "1,5 kB", "Download".
      const italian = await inLang<ChatThread>('it', html`<chat-thread style="height: 300px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`, 'chat-thread');
      await waitUntil(() => part(italian, 'download-link'), 'the file card should show');
      expect([part(italian, 'download-link')!.textContent, part(italian, 'file-size')!.textContent]).to.deep.equal(['Download', size('it')]);
    });
  });
});
