/**
 * The shipped builds shrink the CSS of our `css` literals (`scripts/minify-css-literals.ts`): each
 * rewrite keeps the rule's meaning, and what could change it (a combinator's space, calc()'s `+`,
 * `-` and `*`, a quoted value that is not an identifier) is left alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minifyCssInModule, shrinkCss } from '../../scripts/minify-css-literals.js';

test('comments and whitespace go (a leading one shrinks to one space); a number loses its leading zero', () => {
  assert.equal(shrinkCss('\n  /* the box */\n  :host {\n    display: block;\n    margin: 0 0.75rem;\n  }\n'), ' :host{display:block;margin:0 .75rem}');
  assert.equal(shrinkCss('a > b,\n c { opacity: 0.5 }'), 'a>b,c{opacity:.5}');
});

test('an attribute value that is an identifier loses its quotes; any other keeps them', () => {
  assert.equal(shrinkCss("[part~='report-dialog'] button, input[type=\"search\"] { x: y }"), '[part~=report-dialog] button,input[type=search]{x:y}');
  assert.equal(shrinkCss("[data-x='1a'], [title='a b'], [lang|='en' i], [part~='-x'] { x: y }"), "[data-x='1a'],[title='a b'],[lang|='en' i],[part~='-x']{x:y}");
});

test('no space around / or before !important; the spaces that mean something stay', () => {
  assert.equal(shrinkCss('a { border-radius: calc(var(--_r) / 2); background: rgb(0 0 0 / 0.4) !important }'), 'a{border-radius:calc(var(--_r)/2);background:rgb(0 0 0/.4)!important}');
  // A descendant `*` or pseudo-class, and calc()'s + - *, keep their spaces.
  assert.equal(shrinkCss(':host * { width: calc(100% - 2 * 1rem + 1px) } a :focus { x: y }'), ':host *{width:calc(100% - 2 * 1rem + 1px)}a :focus{x:y}');
});

test('only the text of css literals changes, around the interpolations', () => {
  const code = "const a = css`\n  [part~='x'] {\n    color: ${red};\n  }\n`;\nconst b = `[part~='x'] { }`;\n";
  assert.equal(minifyCssInModule(code), "const a = css` [part~=x]{color:${red}}`;\nconst b = `[part~='x'] { }`;\n");
});
