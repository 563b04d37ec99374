/**
 * Minifies the CSS inside our `css\`…\`` literals (`*.styles.ts`) for the shipped builds, which a
 * JS minifier leaves as written: comments go, whitespace shrinks. Only rewrites that keep every
 * rule's meaning: spaces before `:` and around `+`, `-` and `*` stay (a descendant combinator
 * before a pseudo-class or `*`, calc()'s operators).
 */
import type { Plugin } from 'vite';

/** One stretch of CSS text (no `${…}` inside), shrunk. */
export function shrinkCss(text: string): string {
  return (
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/:\s+/g, ':')
      .replace(/;}/g, '}')
      // `[part~='x']` → `[part~=x]`: an attribute value that is an identifier needs no quotes.
      .replace(/\[([\w-]+)([~|^$*]?=)(['"])([A-Za-z_][\w-]*)\3\]/g, '[$1$2$4]')
      // `calc(a / 2)`, `rgb(0 0 0 / .4)`, `x !important`: no space is needed around `/` or before `!`.
      .replace(/\s*([/!])\s*/g, '$1')
      // `0.75rem` → `.75rem`: a number's leading zero (not one inside a name or a longer number).
      .replace(/(^|[^\w.#-])0\.(\d)/g, '$1.$2')
  );
}

/** `code` (a `*.styles.ts` module) with the text of its `css` literals shrunk; `${…}` stays as it is. */
export function minifyCssInModule(code: string): string {
  return code.replace(/css`([^`]*)`/g, (_m, body: string) => `css\`${body.split(/(\$\{[^}]*\})/).map((part, i) => (i % 2 ? part : shrinkCss(part))).join('')}\``);
}

/** The plugin, on our `*.styles.ts` modules. */
export function minifyCssLiterals(): Plugin {
  return {
    name: 'natter:minify-css-literals',
    apply: 'build',
    // The map is left as it was (null): these files hold nothing but styles, nothing worth stepping through.
    transform: (code, id) => (id.split('?')[0]!.endsWith('.styles.ts') ? { code: minifyCssInModule(code), map: null } : null),
  };
}
