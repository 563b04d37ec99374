/**
 * One loader per catalogue. Static specifiers (not `./locales/${l}.js`) so every bundler
 * (Vite, Rollup, esbuild, webpack) makes each its own chunk, also from a pre-bundled dependency.
 * `localize.ts` reaches this module through the widget's panel module (`../widget/panel.ts`),
 * which the script tag loads as a chunk of its own: the launcher's first paint then carries no
 * locale chunk names (each with its hash), and only a page in another language than English
 * asks for the panel before the page is idle.
 */
import type { LocaleModule } from '@lit/localize';
import type { allLocales } from './locale-codes.js';

const LOADERS: Record<(typeof allLocales)[number], () => Promise<LocaleModule>> = {
  ar: () => import('./locales/ar.js'),
  de: () => import('./locales/de.js'),
  en: () => import('./locales/en.js'),
  es: () => import('./locales/es.js'),
  fr: () => import('./locales/fr.js'),
  ja: () => import('./locales/ja.js'),
  ko: () => import('./locales/ko.js'),
  'pt-BR': () => import('./locales/pt-BR.js'),
  ru: () => import('./locales/ru.js'),
  'zh-CN': () => import('./locales/zh-CN.js'),
  'zh-TW': () => import('./locales/zh-TW.js'),
};

/** A catalogue's module; in the script tag, with the loader of its second part (`scripts/locale-parts.ts`). */
type Part = LocaleModule & { extras?: () => Promise<LocaleModule> };

/**
 * The strings of a catalogue (English among them: see `./locales/en.ts`); `withExtras`, with its
 * second part merged in where it has one (the script tag's: the strings only the features loaded on
 * first use show, see `withExtrasStrings` in `./localize.ts`): into the first part's table, which @lit/localize
 * reads while that locale is active, so a merge into the active catalogue shows at the next render.
 */
export function loadLocale(locale: string, withExtras = false): Promise<LocaleModule> {
  const strings: Promise<Part> = LOADERS[locale as keyof typeof LOADERS]();
  return withExtras ? strings.then((first) => first.extras?.().then((second) => (Object.assign(first.templates, second.templates), first)) ?? first) : strings;
}
