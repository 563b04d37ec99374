import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MAX_INLINE_DEPTH, MAX_QUOTE_DEPTH, parseInline, parseMarkdown, type Block, type Inline } from '../../src/elements/markdown/parse.js';
import { plainText, quoteExcerpt } from '../../src/protocol/plain-text.js';

const text = (t: string): Inline => ({ t: 'text', text: t });
const para = (...children: Inline[]): Block => ({ t: 'para', children });

/** The text a reader sees of some inline nodes. */
function flat(nodes: Inline[]): string {
  return nodes.map((n) => ('children' in n ? flat(n.children) : n.text)).join('');
}
function flatBlocks(blocks: Block[]): string {
  return blocks
    .map((b) => (b.t === 'para' ? flat(b.children) : b.t === 'code' ? b.text : b.t === 'quote' ? flatBlocks(b.children) : b.items.map((i) => `- ${flat(i)}`).join('\n')))
    .join('\n');
}
function depthOf(nodes: Inline[]): number {
  return Math.max(0, ...nodes.map((n) => ('children' in n ? 1 + depthOf(n.children) : 0)));
}
function links(blocks: Block[]): string[] {
  const out: string[] = [];
  const inl = (nodes: Inline[]): void => nodes.forEach((n) => (n.t === 'link' && out.push(n.href), 'children' in n && inl(n.children)));
  const blk = (bs: Block[]): void => bs.forEach((b) => (b.t === 'para' ? inl(b.children) : b.t === 'quote' ? blk(b.children) : b.t === 'list' ? b.items.forEach(inl) : undefined));
  blk(blocks);
  return out;
}

describe('markdown subset: constructs', () => {
  const cases: [string, Inline[]][] = [
    ['**bold**', [{ t: 'strong', children: [text('bold')] }]],
    ['__bold__', [{ t: 'strong', children: [text('bold')] }]],
    ['*italic*', [{ t: 'em', children: [text('italic')] }]],
    ['_italic_', [{ t: 'em', children: [text('italic')] }]],
    ['~~gone~~', [{ t: 'del', children: [text('gone')] }]],
    ['`a <b> *c*`', [{ t: 'code', text: 'a <b> *c*' }]],
    ['``a ` b``', [{ t: 'code', text: 'a ` b' }]],
    ['[site](https://example.com/a?b=1)', [{ t: 'link', href: 'https://example.com/a?b=1', children: [text('site')] }]],
    ['[mail](mailto:a@example.com)', [{ t: 'link', href: 'mailto:a@example.com', children: [text('mail')] }]],
    ['***both***', [{ t: 'strong', children: [{ t: 'em', children: [text('both')] }] }]],
    ['*a **b** c*', [{ t: 'em', children: [text('a '), { t: 'strong', children: [text('b')] }, text(' c')] }]],
    ['**[x](https://e.com)**', [{ t: 'strong', children: [{ t: 'link', href: 'https://e.com/', children: [text('x')] }] }]],
  ];
  for (const [src, expected] of cases) {
    test(`inline ${src}`, () => assert.deepEqual(parseInline(src), expected));
  }

  test('markers that do not open or close stay text', () => {
    for (const src of ['2 * 3 * 4', 'snake_case_name', 'a ** b ** c', '~single~', '** **', 'price: 5* and 6*']) {
      const blocks = parseMarkdown(src);
      assert.equal(flatBlocks(blocks), src.trim(), src);
    }
  });

  test('backslash escapes markers', () => {
    assert.deepEqual(parseInline('\\*not italic\\* \\`nor code\\`'), [text('*not italic* `nor code`')]);
  });

  test('blocks: fenced code, quotes, lists, paragraphs between them', () => {
    assert.deepEqual(parseMarkdown('intro\n```ts\nconst a = 1 < 2;\n  **not bold**\n```\n> quoted *words*\n> second\n- one\n- **two**\n3. three\n4) four\nend'), [
      para(text('intro')),
      { t: 'code', text: 'const a = 1 < 2;\n  **not bold**' },
      { t: 'quote', children: [para(text('quoted '), { t: 'em', children: [text('words')] }, text('\nsecond'))] },
      { t: 'list', ordered: false, start: 1, items: [[text('one')], [{ t: 'strong', children: [text('two')] }]] },
      { t: 'list', ordered: true, start: 3, items: [[text('three')], [text('four')]] },
      para(text('end')),
    ]);
  });

  test('an unclosed fence runs to the end; line breaks stay in paragraphs', () => {
    assert.deepEqual(parseMarkdown('```\nlet x;\nmore'), [{ t: 'code', text: 'let x;\nmore' }]);
    assert.deepEqual(parseMarkdown('line one\nline two'), [para(text('line one\nline two'))]);
  });
});

describe('markdown subset: hostile input', () => {
  test('links to anything but http(s) and mailto stay text', () => {
    for (const src of ['[x](javascript:alert(1))', '[x](JaVaScRiPt:alert(1))', '[x](data:text/html,<script>alert(1)</script>)', '[x](vbscript:msgbox)', '[x](//evil.com)', '[x](/relative)', '[x](java\tscript:alert(1))', '[x](file:///etc/passwd)']) {
      const blocks = parseMarkdown(src);
      assert.deepEqual(links(blocks), [], src);
      assert.equal(flatBlocks(blocks), src.replace('\t', '\t'), src);
    }
  });

  test('HTML stays text', () => {
    const src = '<img src=x onerror=alert(1)> **<script>alert(1)</script>**';
    assert.equal(flatBlocks(parseMarkdown(src)), '<img src=x onerror=alert(1)> <script>alert(1)</script>');
  });

  test('nesting is bounded: deeper markers and quotes stay text', () => {
    const deep = '*'.repeat(40) + 'x' + '*'.repeat(40);
    assert.ok(depthOf((parseMarkdown(deep)[0] as { children: Inline[] }).children) <= MAX_INLINE_DEPTH + 1);
    let blocks = parseMarkdown('>'.repeat(500) + ' deep');
    let quotes = 0;
    while (blocks[0]?.t === 'quote') (blocks = blocks[0].children), quotes++;
    assert.equal(quotes, MAX_QUOTE_DEPTH);
  });

  test('any 8 KB of marker soup parses in bounded time, and every link is http(s) or mailto', () => {
    const soups = ['*'.repeat(8000), '[a'.repeat(4000), '[a'.repeat(4000) + ']', '**a '.repeat(2000), '` `` ``` '.repeat(800), '*_~`['.repeat(1600), '> '.repeat(4000), '- a\n'.repeat(2000), '```\n'.repeat(2000), '_a '.repeat(2600)];
    for (const soup of soups) {
      const started = performance.now();
      parseMarkdown(soup);
      plainText(soup);
      assert.ok(performance.now() - started < 500, `${soup.slice(0, 12)}… took too long`);
    }
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('*', '_', '~', '`', '[', ']', '(', ')', '>', '-', '1.', ' ', '\n', 'a', 'javascript:', 'https://x.y', '\\', '<b>'), maxLength: 300 }), (src) => {
        const blocks = parseMarkdown(src);
        for (const href of links(blocks)) assert.match(href, /^(https?:|mailto:)/);
        plainText(src);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('plain text of formatted messages', () => {
  test('drops the markers, keeps the words', () => {
    assert.equal(plainText('**bold** and *it* and ~~s~~ `code *x*`'), 'bold and it and s code *x*');
    assert.equal(plainText('> q\n> > qq\n- a\n- b'), 'q\nqq\n- a\n- b');
    assert.equal(plainText('see [the docs](https://example.com) now'), 'see the docs now');
    assert.equal(plainText('```js\nlet x = 1;\n```\nafter'), 'let x = 1;\nafter');
    assert.equal(plainText('snake_case_name, 2 * 3 * 4, \\*kept\\*'), 'snake_case_name, 2 * 3 * 4, *kept*');
    assert.equal(plainText('plain text'), 'plain text');
  });

  test('agrees with the parser on well-formed text', () => {
    for (const src of ['**bold** and _it_', 'a ~~b~~ c', '[x](https://e.com) `y`', '*a **b** c*']) {
      assert.equal(plainText(src), flatBlocks(parseMarkdown(src)), src);
    }
  });

  test('a reply quotes the text without its markers', () => {
    assert.equal(quoteExcerpt({ type: 'text', text: '**Look** at\n`this`' }), 'Look at this');
  });
});
