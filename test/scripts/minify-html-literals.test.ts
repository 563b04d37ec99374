/**
 * The script-tag build shrinks the indentation inside Lit templates (`scripts/minify-html-literals.ts`):
 * only whitespace that holds a line break, only inside `html`/`svg` templates, nested ones too;
 * the quotes of a static attribute value that is one word or number, `=""`, and an HTML element's
 * self-closing slash.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minifyHtmlLiterals } from '../../scripts/minify-html-literals.js';

test('a run of whitespace with a line break becomes the line break, in html and svg templates, nested ones too', () => {
  const code = [
    'const row = (x) => html`',
    '    <li part="item">',
    '      ${x.ok ? html`<span>\t yes  </span>` : svg`',
    '        <path d="M0 0" />',
    '      `}',
    '    </li>  ',
    '  `;',
  ].join('\n');
  const out = minifyHtmlLiterals(code, 'row.js');
  assert.equal(out?.code, 'const row = (x) => html`\n<li part=item>\n${x.ok ? html`<span>\t yes  </span>` : svg`\n<path d="M0 0" />\n`}\n</li>\n`;');
  assert.equal(JSON.parse(out.map).sources[0], 'row.js');
});

test('other templates, strings and code are left as they are; nothing to do is null', () => {
  const code = 'const a = css`\n  :host {\n    display: block;\n  }\n`;\nconst b = `\n  plain\n`;\nconst c = "html`\\n  x`";\n';
  assert.equal(minifyHtmlLiterals(code, 'a.js'), null);
  // Escapes stay escapes: `\n` written as two characters is not a line break of the source.
  assert.equal(minifyHtmlLiterals('html`a\\n   b`', 'b.js'), null);
});

test('a static attribute value of one word or number loses its quotes, an empty one its `=""`; a value with a space, a binding or before `/` keeps them', () => {
  const code = 'const b = svg`<button type="button" part="a b" class="x ${y}" aria-hidden="true" tabindex="-1" r="6.25">${z}</button><input type="text"/><img alt="" src="x" >`;';
  assert.equal(minifyHtmlLiterals(code, 'b.js')?.code, 'const b = svg`<button type=button part="a b" class="x ${y}" aria-hidden=true tabindex=-1 r=6.25>${z}</button><input type="text"/><img alt src=x >`;');
  // Text that is not a tag's attribute is left alone when it is not followed by a space or `>`.
  assert.equal(minifyHtmlLiterals('html`<code>a="b"</code>`', 'c.js'), null);
});

test('an html template loses its self-closing slashes, unless SVG or MathML is inside it; svg templates keep theirs', () => {
  assert.equal(minifyHtmlLiterals('html`<img src=${a} alt="" /><input type="text"/>${b}<br />`', 'a.js')?.code, 'html`<img src=${a} alt><input type="text">${b}<br>`');
  assert.equal(minifyHtmlLiterals('html`<img src=${a} /><svg viewBox="0 0 1 1">${b}<path d=${c} /></svg>`', 'b.js'), null);
  assert.equal(minifyHtmlLiterals('svg`<path d=${c} />`', 'c.js'), null);
});

test('a static exportparts list loses the spaces around its commas and colons', () => {
  assert.equal(minifyHtmlLiterals('html`<x-a exportparts="dialog: x-dialog, title:x-title ,note" part="a, b"></x-a>`', 'a.js')?.code, 'html`<x-a exportparts="dialog:x-dialog,title:x-title,note" part="a, b"></x-a>`');
});
