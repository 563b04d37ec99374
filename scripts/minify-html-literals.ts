/**
 * Shrinks the indentation inside our Lit templates (`html\`…\``, `svg\`…\``) for the script-tag
 * build, which a JS minifier leaves as written: a run of whitespace that holds a line break
 * becomes that one line break. Where whitespace collapses (everywhere but `pre`-like
 * `white-space`) such a run shows as one space either way; where line breaks show (`pre-line`,
 * `pre-wrap` for the messages' text) the line break stays, and no template of ours puts
 * indentation inside those. Only the templates' own text changes (between tags, and between the
 * attributes inside one; no attribute value of ours spans lines); `${…}` is left as it is. A
 * static attribute value of one word or number loses its quotes (`type=button`: HTML's unquoted
 * form), an empty one its `=""`, and an HTML element its self-closing slash.
 */
import { RolldownMagicString } from 'rolldown';
import { parseAst, type Plugin } from 'vite';
import { astNodes, type AstNode } from './ast-nodes.js';

const TAGS = new Set(['html', 'svg']);

/** `code` (JavaScript) with its templates' indentation shrunk and a map, or null when none changed. */
export function minifyHtmlLiterals(code: string, file: string): { code: string; map: string } | null {
  const s = new RolldownMagicString(code);
  for (const node of astNodes(parseAst(code))) {
    if (node.type !== 'TaggedTemplateExpression') continue;
    const tag = node.tag as AstNode & { name?: string };
    if (tag.type !== 'Identifier' || !TAGS.has(tag.name!)) continue;
    const quasis = (node.quasi as { quasis: AstNode[] }).quasis;
    for (const quasi of quasis) {
      const text = code.slice(quasi.start, quasi.end);
      for (const run of text.matchAll(/[ \t\r\n]*\n[ \t\r\n]*/g)) {
        if (run[0] !== '\n') s.overwrite(quasi.start + run.index, quasi.start + run.index + run[0].length, '\n');
      }
      // `type="button"` → `type=button`, `tabindex="-1"` → `tabindex=-1`: a static attribute value
      // that is one word or number needs no quotes (HTML's unquoted form: no space, quote, `=`,
      // `<`, `>` or backtick; not before `/`); `alt=""` → `alt`, the empty value's short form.
      for (const attr of text.matchAll(/(?<=\s[\w:.-]+)=("[\w.-]*")(?=[\s>])/g)) {
        const at = quasi.start + attr.index;
        if (attr[1] === '""') s.overwrite(at, at + attr[0].length, '');
        else s.overwrite(at + 1, at + attr[0].length, attr[1]!.slice(1, -1));
      }
      // `exportparts="a:b, c"` → `exportparts="a:b,c"`: the list's spaces are optional.
      for (const list of text.matchAll(/(?<=\sexportparts=")[^"]*(?=")/g)) {
        const tight = list[0].replace(/\s*([,:])\s*/g, '$1');
        if (tight !== list[0]) s.overwrite(quasi.start + list.index, quasi.start + list.index + list[0].length, tight);
      }
      // `<img … />` → `<img …>`: the HTML parser ignores the slash on an HTML element; only in SVG
      // or MathML does it close one, so a template with either inside keeps its slashes.
      if (tag.name === 'html' && !quasis.some((q) => /<(svg|math)\b/i.test(code.slice(q.start, q.end)))) {
        for (const end of text.matchAll(/\s*\/>/g)) s.overwrite(quasi.start + end.index, quasi.start + end.index + end[0].length, '>');
      }
    }
  }
  return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: file }).toString() } : null;
}

/** The plugin, on our own modules once they are JavaScript. */
export function minifyHtmlLiteralsPlugin(): Plugin {
  return {
    name: 'natter:minify-html-literals',
    apply: 'build',
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!/\.[jt]s$/.test(file) || file.includes('/node_modules/') || file.startsWith('\0') || !/\b(html|svg)`/.test(code)) return null;
      return minifyHtmlLiterals(code, file);
    },
  };
}
