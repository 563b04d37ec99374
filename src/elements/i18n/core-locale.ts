/**
 * What the launcher needs of the locale machinery, without it: `<chat-widget>`'s closed state
 * (the script tag's first paint) speaks through this module, and the machinery (`./localize.ts`:
 * the @lit/localize runtime, catalogue picking, `lang` following) comes later. An element whose
 * language (its nearest `lang`, else the browser's) is not English loads the machinery at once
 * (in the script tag that is the panel's chunk); on an English page it comes with the panel,
 * when the page is idle. Until then the strings are English (`msg()` answers with the call's
 * English before @lit/localize is configured: the script tag keeps it in the launcher's calls,
 * `scripts/english-chunk.ts`) and so are the formats; once it is installed,
 * each waiting element gets the machinery's `LocaleController` and follows the page's locale
 * as every other element does.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Locale } from './locale.js';
import { browserLang, langOf } from './lang.js';

type Host = ReactiveControllerHost & HTMLElement;
/** The part of `./localize.ts` this module hands over to, once it is loaded. */
export interface LocaleMachinery {
  getLocale(): Locale;
  formatLocale(): string;
  LocaleController: new (host: Host) => ReactiveController;
}

let machinery: LocaleMachinery | undefined;
/** The controllers that wait for the machinery, connected or not. */
const waiting = new Set<LazyLocaleController>();

/** Called by `./localize.ts` when it is evaluated: the waiting elements follow the page's locale from now on. */
export function installLocale(installed: LocaleMachinery): void {
  machinery ??= installed;
  for (const controller of waiting) controller.handOver(machinery);
  waiting.clear();
}

/** The locale controller of an element of the first paint: the machinery's when it is loaded, else one that waits for it. */
export function localeController(host: Host): ReactiveController {
  return machinery ? new machinery.LocaleController(host) : new LazyLocaleController(host);
}

/** The catalogue the elements speak now (`en` until a catalogue has loaded). */
export function getLocale(): Locale {
  return machinery?.getLocale() ?? 'en';
}

/** The BCP 47 locale dates, times and numbers are formatted in now (`en` until the machinery is loaded). */
export function formatLocale(): string {
  return machinery?.formatLocale() ?? 'en';
}

/** Intl plural category of `n` in the active catalogue (`one`/`other` in English, `one`/`few`/`many`/`other` in Russian, always `other` in Japanese). */
export function pluralOf(n: number): Intl.LDMLPluralRule {
  return new Intl.PluralRules(getLocale()).select(n);
}

/** One sentence per plural category (`msg()` calls of their own ids); `other` stands in for a missing one. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, () => string>> & { other: () => string };

/**
 * The form of a count's sentence that the active catalogue's plural rules pick for `n`
 * (`Intl.PluralRules`): Arabic has six (`zero`, `one`, `two`, `few`, `many`, `other`), Russian
 * four, English two, Japanese one. Each form is its own string, so every language translates
 * the forms it uses and repeats `other` in the rest.
 */
export function plural(n: number, forms: PluralForms): string {
  return (forms[pluralOf(n)] ?? forms.other)();
}

/** A number in the digits and grouping of the formatting locale. */
export function formatNumber(n: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(formatLocale(), options).format(n);
}

/**
 * Waits for the machinery's `LocaleController` and asks for it at once when the element's
 * language is not English; the machinery's controller replaces it when it is installed.
 */
class LazyLocaleController implements ReactiveController {
  readonly #host: Host;

  constructor(host: Host) {
    this.#host = host;
    host.addController(this);
    waiting.add(this);
  }

  hostConnected(): void {
    const tag = langOf(this.#host) ?? browserLang();
    if (tag.trim().toLowerCase().split(/[-_]/)[0] !== 'en') void import('./localize.js');
  }

  /** Hands the element to the machinery's controller (which connects at once when the element is connected). */
  handOver(installed: LocaleMachinery): void {
    this.#host.removeController(this);
    new installed.LocaleController(this.#host);
  }
}
