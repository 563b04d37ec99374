/**
 * @lit/localize as the script tag ships it (`vite build --mode cdn`): without the hash that names
 * a `msg()` written without an `id` (`generateMsgId`, an FNV-1a 64 over the template's text with
 * its lookup table). Every `msg()` of ours has an explicit id (`npm run check:localize` fails on
 * one without), so the hash never runs: in the build it becomes a function answering an id no
 * catalogue has, and such a string would show in English rather than break the page.
 */
import type { Plugin } from 'vite';

/** The module replaced, in any layout of node_modules. */
export const ID_GENERATION = /[\\/]node_modules[\\/]@lit[\\/]localize[\\/]internal[\\/]id-generation\.js$/;

/** What the build loads in its place (same exports). */
export const NO_ID_GENERATION = `export const HASH_DELIMITER = '\\x1e';
export const generateMsgId = () => '';
`;

export function slimLocalizePlugin(): Plugin {
  return {
    name: 'natter:slim-localize',
    apply: 'build',
    load: (id) => (ID_GENERATION.test(id.split('?')[0]!) ? NO_ID_GENERATION : null),
  };
}
