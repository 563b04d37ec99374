/**
 * The languages beyond English and Simplified Chinese, in real Chromium against the real server:
 * which catalogue a tag picks, plural forms where a count is worded (Russian, Arabic), and host
 * pages in Japanese and Arabic (only `<html lang>` set) showing the open widget with no English
 * left in the list, the thread and the composer; the Arabic one mirrored although the page is
 * left to right. Each locale's strings are fetched only once a page speaks it.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import { formatDay } from '../../src/elements/format.js';
import { formatTagOf, toLocale } from '../../src/elements/i18n/locale.js';
import { formatLocale, getLocale, localeReady, setLocale } from '../../src/elements/i18n/localize.js';
import { groupStrings } from '../../src/elements/i18n/groups.js';
import { listStrings } from '../../src/elements/i18n/list.js';
import { menuStrings } from '../../src/elements/i18n/message-menu.js';
import { uiStrings } from '../../src/elements/i18n/ui.js';
import { widgetStrings } from '../../src/elements/i18n/widget.js';
import { nextFrames } from './a11y-helpers.js';
import { closeClients, connect, part, parts, uniqueUser } from './helpers.js';
import { englishIn } from './i18n-helpers.js';

// Hundreds of modules load in dev mode: past the default 250 resource entries none is recorded.
performance.setResourceTimingBufferSize(100_000);

performance.setResourceTimingBufferSize(10_000);
/** The locale modules this page has fetched (`ja`, `ar` …). */
const fetchedLocales = () =>
  performance
    .getEntriesByType('resource')
    .map((e) => /\/i18n\/locales\/([\w-]+)\.[jt]s/.exec(e.name)?.[1])
    .filter((l): l is string => !!l);

const deep = (el: Element, selector: string) => el.shadowRoot!.querySelector<HTMLElement>(selector)!;
const rect = (el: Element) => el.getBoundingClientRect();

describe('languages', function () {

  afterEach(async () => {
    document.documentElement.lang = 'en';
    await setLocale('');
    await closeClients();
    localStorage.clear();
  });

  it('picks a catalogue by language, with region and script fallback', () => {
    const picks: Record<string, string> = {
      en: 'en', 'en-GB': 'en', es: 'es', 'es-MX': 'es', 'es-419': 'es', fr: 'fr', 'fr-CA': 'fr', de: 'de', 'de-AT': 'de',
      pt: 'pt-BR', 'pt-BR': 'pt-BR', 'pt-PT': 'pt-BR', ja: 'ja', 'ja-JP': 'ja', ko: 'ko', ru: 'ru', 'ru-UA': 'ru', ar: 'ar', 'ar-EG': 'ar',
      zh: 'zh-CN', 'zh-CN': 'zh-CN', 'zh-SG': 'zh-CN', 'zh-Hans': 'zh-CN', 'zh-Hans-HK': 'zh-CN',
      'zh-TW': 'zh-TW', 'zh-HK': 'zh-TW', 'zh-MO': 'zh-TW', 'zh-Hant': 'zh-TW', 'ZH-hant-tw': 'zh-TW',
      it: 'en', he: 'en', '': 'en', 'not a tag!': 'en', ' ja ': 'ja',
    };
    const got = Object.fromEntries(Object.keys(picks).map((tag) => [tag, toLocale(tag)]));
    expect(got).to.deep.equal(picks);
    // Formats follow the tag itself; a bare language takes the browser's region for it only when that maps to the same catalogue.
    expect(formatTagOf('es-MX')).to.equal('es-MX');
    expect(formatTagOf('pt', ['pt-PT'])).to.equal('pt-PT');
    expect(formatTagOf('zh', ['zh-TW'])).to.equal('zh');
    expect(formatTagOf('en', ['de-DE', 'en-GB'])).to.equal('en-GB');
    expect(formatTagOf('zh-Hant')).to.equal('zh-Hant');
    expect(fetchedLocales(), 'picking loads nothing').to.deep.equal([]);
  });

  it('English is a catalogue fetched like the others (the script tag moves its strings there): picked, fetched, spoken, and picked again after another', async () => {
    await setLocale('en');
    expect(getLocale()).to.equal('en');
    expect(fetchedLocales()).to.include('en');
    expect([menuStrings().selected(1), menuStrings().selected(3), widgetStrings().open]).to.deep.equal(['1 message selected', '3 messages selected', 'Open chat']);
    await setLocale('ru');
    expect(widgetStrings().open).to.equal('Открыть чат');
    await setLocale('en');
    expect([getLocale(), widgetStrings().open]).to.deep.equal(['en', 'Open chat']);
  });

  it('words counts in the plural forms of Russian and Arabic (Intl.PluralRules)', async () => {
    const n = (x: number) => new Intl.NumberFormat(formatLocale()).format(x);
    await setLocale('ru');
    expect(getLocale()).to.equal('ru');
    const w = widgetStrings();
    expect([1, 2, 5, 21, 22, 111, 1.5].map((x) => w.unread(x))).to.deep.equal([
      `${n(1)} непрочитанное сообщение`,
      `${n(2)} непрочитанных сообщения`,
      `${n(5)} непрочитанных сообщений`,
      `${n(21)} непрочитанное сообщение`,
      `${n(22)} непрочитанных сообщения`,
      `${n(111)} непрочитанных сообщений`,
      `${n(1.5)} непрочитанного сообщения`,
    ]);
    expect(uiStrings().typing(['a', 'b', 'c', 'd', 'e'])).to.equal(`${n(5)} человек печатают…`);
    expect(menuStrings().selected(3)).to.equal(`Выбрано ${n(3)} сообщения`);
    expect([1, 3, 5, 21].map((x) => groupStrings().memberCount(x))).to.deep.equal([
      `${n(1)} участник`,
      `${n(3)} участника`,
      `${n(5)} участников`,
      `${n(21)} участник`,
    ]);

    await setLocale('ar');
    expect([0, 1, 2, 3, 11, 100].map((x) => w.unread(x))).to.deep.equal([
      `${n(0)} رسالة غير مقروءة`,
      `${n(1)} رسالة غير مقروءة`,
      `${n(2)} رسالتان غير مقروءتين`,
      `${n(3)} رسائل غير مقروءة`,
      `${n(11)} رسالة غير مقروءة`,
      `${n(100)} رسالة غير مقروءة`,
    ]);
    expect(menuStrings().selected(4)).to.equal(`تم تحديد ${n(4)} رسائل`);
    expect(listStrings().unread(12)).to.equal(`${n(12)} رسالة غير مقروءة`);
    expect([2, 3, 11].map((x) => groupStrings().memberCount(x))).to.deep.equal([`${n(2)} عضوان`, `${n(3)} أعضاء`, `${n(11)} عضوًا`]);
    // The day headings come from Intl.RelativeTimeFormat in the locale's words.
    expect(formatDay(Date.now())).to.equal('اليوم');
    await setLocale('ja');
    expect(formatDay(Date.now() - 86_400_000)).to.equal('昨日');
    expect(w.unread(3)).to.equal(`未読メッセージ ${n(3)} 件`);
    // English too: the page spoke it first, and it is a catalogue fetched like the others (empty in the sources, whose msg() calls hold it).
    expect(fetchedLocales().sort()).to.deep.equal(['ar', 'en', 'ja', 'ru']);
  });

  describe('host pages in other languages show the open widget fully translated', () => {
    let aliceId: string;
    let bobId: string;
    let alice: ChatClient;

    beforeEach(async () => {
      [aliceId, bobId] = [uniqueUser('alice'), uniqueUser('bob')];
      const bob = await connect(bobId, '鈴木');
      alice = await connect(aliceId, '佐藤');
      await alice.send(`p2p:${bobId}`, '１２３');
      await bob.send(`p2p:${aliceId}`, '４５６');
      await bob.send(`p2p:${aliceId}`, '７８９');
      await waitUntil(() => (alice.$conversations.get()[0]?.unread ?? 0) === 2, 'bob’s two messages should be unread');
    });

    /** The widget open on bob's conversation, wide enough for list and thread side by side, on a page of `lang`. */
    async function openWidget(lang: string): Promise<ChatWidget> {
      document.documentElement.lang = lang;
      const widget = await fixture<ChatWidget>(html`<chat-widget style="--chat-widget-width: 720px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-widget>`);
      await localeReady();
      await widget.show();
      await waitUntil(() => deep(widget, 'chat-thread') && parts(deep(widget, 'chat-thread'), 'bubble').length === 3, 'the thread should show the messages');
      await waitUntil(() => parts(deep(widget, 'conversation-list'), 'item').length === 1, 'the list should show bob');
      await localeReady();
      await nextFrames();
      return widget;
    }

    /** English words anywhere in the widget, the test's own ids aside. */
    const english = (widget: ChatWidget) => englishIn(widget, [aliceId, bobId]);

    it('Japanese (<html lang="ja">)', async () => {
      const widget = await openWidget('ja');
      expect(getLocale()).to.equal('ja');
      expect(english(widget)).to.deep.equal([]);
      const composer = deep(widget, 'message-composer');
      expect(part<HTMLTextAreaElement>(composer, 'input')!.placeholder).to.equal('メッセージ');
      expect(part(composer, 'send-button')!.getAttribute('aria-label')).to.equal('送信');
      expect(part(deep(widget, 'chat-thread'), 'day')!.textContent).to.equal('今日');
      expect(part(widget, 'close-button')!.getAttribute('aria-label')).to.equal('チャットを閉じる');
      // Left to right: the send button at the end of the line, on the right.
      expect(rect(part(composer, 'send-button')!).left).to.be.above(rect(part(composer, 'input')!).left);
      expect(fetchedLocales()).to.include('ja');
    });

    it('Arabic (<html lang="ar">, no dir): translated and mirrored', async () => {
      const widget = await openWidget('ar');
      expect(getLocale()).to.equal('ar');
      expect(english(widget)).to.deep.equal([]);
      const composer = deep(widget, 'message-composer');
      const thread = deep(widget, 'chat-thread');
      const list = deep(widget, 'conversation-list');
      expect(part<HTMLTextAreaElement>(composer, 'input')!.placeholder).to.equal('رسالة');
      expect(part(widget, 'close-button')!.getAttribute('aria-label')).to.equal('إغلاق الدردشة');
      // The panel is right to left although the page is not.
      expect(getComputedStyle(document.body).direction).to.equal('ltr');
      for (const el of [part(widget, 'header')!, list, thread, composer]) expect(getComputedStyle(el).direction, el.localName).to.equal('rtl');
      // The send button at the end of the line: on the left, its paper plane flying left.
      const send = part(composer, 'send-button')!;
      expect(rect(send).right).to.be.at.most(rect(part(composer, 'input')!).left + 1);
      expect(getComputedStyle(send.querySelector('svg')!).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
      // The list at the start (right), the thread at the end (left); the other person's bubbles on the right.
      expect(rect(list).left).to.be.above(rect(thread).left);
      const theirs = thread.shadowRoot!.querySelector('[part~="other"] [part~="bubble"]')!;
      const mine = thread.shadowRoot!.querySelector('[part~="self"] [part~="bubble"]')!;
      expect(rect(theirs).left).to.be.above(rect(mine).left);
      // The launcher keeps the page's corner (the end of a left-to-right page: the right).
      expect(innerWidth - rect(part(widget, 'launcher')!).right).to.be.closeTo(20, 1);
      expect(fetchedLocales()).to.include('ar');
    });
  });
});
