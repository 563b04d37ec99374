/**
 * The elements' strings go through @lit/localize in runtime mode: `msg()` answers in the active
 * locale, and each catalogue is a module of its own (`./locales/<locale>.js`, generated from
 * `xliff/` by `npm run localize:build`) that is fetched the first time its locale is used. English
 * is one of them (`./locales/en.ts`): its strings are written in the `msg()` calls, and the script
 * tag's build moves them into that module (`scripts/english-chunk.ts`), so the elements of the
 * panel are registered once a catalogue is in (`stringsReady`). Their loaders (`./loaders.ts`) are reached through the
 * widget's panel module: in the script tag that is the panel's chunk, so the launcher's first
 * paint names no locale chunk (a page in another language than English fetches the panel at
 * once). The launcher's first paint has none of this module: `<chat-widget>` speaks through
 * `./core-locale.ts`, which loads it at once on a page not in English and hands its elements to
 * `LocaleController` when it is evaluated (the last line). The active locale is page-global: every Natter element on a page speaks the same
 * language.
 *
 * Which one: the language `setLocale()` set, else the nearest `lang` attribute of the element
 * that connected (or whose `lang` changed) last, else the browser's. Dates, times and numbers
 * follow the same tag through `Intl` (`formatLocale()`).
 */
import { configureLocalization, LOCALE_STATUS_EVENT } from '@lit/localize';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { allLocales } from './locale-codes.js';
import { browserLang, formatTagOf, langOf, toLocale, type Locale } from './locale.js';
import { installLocale } from './core-locale.js';

/** Fired on `window` when only the formatting locale changed (`en-US` → `en-GB`): the strings stayed. */
const FORMAT_EVENT = 'natter-format-locale';

type Runtime = ReturnType<typeof configureLocalization>;
/** Configured on first use, so importing the elements has no side effect. Null: another copy of @lit/localize was configured by the page. */
let runtime: Runtime | null | undefined;
/** The language `setLocale()` chose; empty while the elements follow `lang` attributes. */
let chosen = '';
/** The formatting tag per catalogue, as last requested. */
const formatTags = new Map<Locale, string>();
let ready: Promise<void> = Promise.resolve();
/** Whether the catalogue asked for last failed to load (offline): `stringsReady()` asks for it again. */
let failed = false;
/** Whether a feature loaded on first use asked for its strings (`extrasStrings()`): from then on each catalogue loads with its second part. */
let extras = false;

/**
 * @lit/localize's source locale, which no element asks for: it has no module, and English is
 * loaded like the other catalogues. The elements speak it until the first catalogue is in.
 */
const NO_CATALOGUE = 'und';

function configured(): Runtime | null {
  if (runtime !== undefined) return runtime;
  try {
    runtime = configureLocalization({ sourceLocale: NO_CATALOGUE, targetLocales: allLocales, loadLocale: (locale) => loadCatalogue(locale, extras) });
  } catch (error) {
    // The page configured @lit/localize for itself (one configuration per copy of the library).
    console.warn('[natter] @lit/localize is configured by the page already; the elements follow its locale.', error);
    runtime = null;
  }
  return runtime;
}

/** A catalogue's strings, through the loaders that come with the panel (`./loaders.ts`). */
function loadCatalogue(locale: string, withExtras: boolean) {
  return import('../widget/panel.js').then((m) => m.loadLocale(locale, withExtras));
}

/** Switches the catalogue (loading it if needed) and the formatting locale to those of a language tag. */
function request(tag: string): Promise<void> {
  const locale = toLocale(tag);
  const format = formatTagOf(tag);
  const rt = configured();
  const formatChanged = formatTags.get(locale) !== format;
  formatTags.set(locale, format);
  if (!rt) return ready;
  ready = rt.setLocale(locale);
  failed = false;
  // @lit/localize answers a locale whose load failed with that failure until another is asked for:
  // going back to the active one lets the next request load it again.
  ready.catch(() => {
    failed = true;
    void rt.setLocale(rt.getLocale());
  });
  if (formatChanged && rt.getLocale() === locale) window.dispatchEvent(new Event(FORMAT_EVENT));
  return ready;
}

/** The catalogue the elements speak now (`en` until a catalogue has loaded). */
export function getLocale(): Locale {
  const locale = runtime?.getLocale();
  return locale && locale !== NO_CATALOGUE ? (locale as Locale) : 'en';
}

/** The BCP 47 locale dates, times and numbers are formatted in now (`en-US`, `en-GB`, `zh-CN`, `es-MX` …). */
export function formatLocale(): string {
  const locale = getLocale();
  return formatTags.get(locale) ?? locale;
}

/**
 * Sets the language of every Natter element on the page (any tag: `ja`, `es-MX`, `zh-Hant` …; one
 * without a catalogue gets English strings with its own date and number formats, see
 * `toLocale`), over any `lang` attribute. An empty string goes back to following `lang` attributes. Resolves
 * once the strings are loaded and the elements re-render.
 */
export function setLocale(tag: string): Promise<void> {
  chosen = tag.trim();
  return chosen ? request(chosen) : followLang();
}

/** Resolves once the locale requested last is loaded (at once when nothing is loading). */
export function localeReady(): Promise<void> {
  return ready;
}

/**
 * Resolves once a catalogue is loaded, asking for the page's language when no element has asked
 * for one yet, or again when it failed to load (what `setLocale()` chose, else the `lang`
 * followed): the panel's elements are registered after it (`../widget/panel.ts`), since in the
 * script tag their English is in the `en` chunk.
 */
export function stringsReady(): Promise<void> {
  return runtime !== undefined && !failed ? ready : setLocale(chosen);
}

/**
 * Resolves once the strings of the features loaded on first use are in the active catalogue too
 * (its second part, the script tag's only: `scripts/locale-parts.ts`), and the elements re-render
 * with them; every catalogue loaded from now on comes with its second part. Rejects when a part
 * failed to load (offline): the next call tries again.
 */
function extrasStrings(): Promise<void> {
  extras = true;
  return stringsReady().then(() => {
    const locale = runtime?.getLocale();
    if (!locale || locale === NO_CATALOGUE) return;
    return loadCatalogue(locale, true).then(() => hosts.forEach((host) => host.requestUpdate()));
  });
}

/**
 * What the script tag's build wraps around an element module's `import()` of a feature loaded on
 * first use (`scripts/locale-parts.ts`): the module is handed over once the second part of the
 * page's catalogue is in too, so the feature never renders a string before its translation. A
 * failed load of either rejects, and the caller's loader (`../load-once.ts`) tries both again.
 */
export function withExtrasStrings<M>(module: Promise<M>): Promise<M> {
  return Promise.all([module, extrasStrings()]).then(([m]) => m);
}

export { formatNumber, plural, pluralOf, type PluralForms } from './core-locale.js';

// Elements that speak: they pick the locale up when they connect and re-render when it changes.
const hosts = new Set<ReactiveControllerHost & HTMLElement>();
let observer: MutationObserver | undefined;

/** Follows the `lang` of the element that connected last (or of the page when none is connected). */
function followLang(from?: Element): Promise<void> {
  if (chosen) return ready;
  const el = from ?? [...hosts].at(-1) ?? document.documentElement;
  return request(langOf(el) ?? browserLang());
}

/** Whether `node` is `ancestor` or inside it, across shadow roots. */
function composedContains(ancestor: Node, node: Node): boolean {
  for (let n: Node | null = node; n; n = n.parentNode ?? (n instanceof ShadowRoot ? n.host : null)) {
    if (n === ancestor) return true;
  }
  return false;
}

/** A `lang` attribute changed in the document: the elements under it follow. */
function onLangMutation(records: MutationRecord[]): void {
  for (const record of records) {
    const host = [...hosts].reverse().find((h) => composedContains(record.target, h));
    if (host) {
      void followLang(host);
      return;
    }
  }
}

/**
 * Makes an element speak the page's locale: on connect it requests the locale of its `lang`
 * (unless `setLocale()` chose one), and it re-renders when the locale (strings or formats)
 * changes, as `updateWhenLocaleChanges()` of @lit/localize does. A `lang` attribute changed
 * later anywhere in the document above a connected element is followed too.
 */
export class LocaleController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    hosts.delete(this.#host);
    hosts.add(this.#host);
    window.addEventListener(LOCALE_STATUS_EVENT, this.#onStatus);
    window.addEventListener(FORMAT_EVENT, this.#onFormat);
    void followLang(this.#host);
    if (!observer) {
      observer = new MutationObserver(onLangMutation);
      observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
    }
  }

  hostDisconnected(): void {
    hosts.delete(this.#host);
    window.removeEventListener(LOCALE_STATUS_EVENT, this.#onStatus);
    window.removeEventListener(FORMAT_EVENT, this.#onFormat);
    if (hosts.size === 0) {
      observer?.disconnect();
      observer = undefined;
    }
  }

  #onStatus = (e: WindowEventMap[typeof LOCALE_STATUS_EVENT]) => {
    if (e.detail.status === 'ready') this.#host.requestUpdate();
  };

  #onFormat = () => this.#host.requestUpdate();
}

// The launcher's elements (`./core-locale.ts`) follow the locale from now on.
installLocale({ getLocale, formatLocale, LocaleController });
