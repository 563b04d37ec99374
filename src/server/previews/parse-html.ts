/** What a link preview shows of a page. */
export interface PagePreview {
  /** The page's address (after redirects). */
  url: string;
  title?: string;
  description?: string;
  siteName?: string;
  /** The page's picture (Open Graph `og:image`), absolute http(s). */
  image?: string;
}

const LIMITS = { title: 300, description: 600, siteName: 120 };

/**
 * Reads a preview out of a page's HTML: Open Graph (`og:title`, `og:description`,
 * `og:site_name`, `og:image`), then Twitter cards, then `<title>` and `<meta name=description>`.
 * Regular expressions over the head only (no DOM, nothing executed); text is decoded from
 * entities, squeezed to one line and cut to a length.
 */
export function parsePreviewHtml(html: string, page: URL): PagePreview {
  const headEnd = html.search(/<\/head\s*>|<body[\s>]/i);
  const head = headEnd === -1 ? html.slice(0, 256 * 1024) : html.slice(0, headEnd);
  const meta = new Map<string, string>();
  for (const tag of head.match(/<meta\b[^>]{0,2000}>/gi) ?? []) {
    const attrs = attributes(tag);
    const key = (attrs.get('property') ?? attrs.get('name') ?? '').toLowerCase();
    const content = attrs.get('content');
    if (key && content !== undefined && !meta.has(key)) meta.set(key, content);
  }
  const titleTag = /<title\b[^>]*>([^<]{0,2000})/i.exec(head)?.[1];
  const pick = (...keys: string[]) => keys.map((k) => meta.get(k)).find((v) => v !== undefined && v.trim() !== '');
  const preview: PagePreview = { url: page.href };
  const title = clean(pick('og:title', 'twitter:title') ?? titleTag, LIMITS.title);
  const description = clean(pick('og:description', 'twitter:description', 'description'), LIMITS.description);
  const siteName = clean(pick('og:site_name', 'application-name'), LIMITS.siteName);
  const image = absoluteHttp(pick('og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image'), page);
  if (title) preview.title = title;
  if (description) preview.description = description;
  if (siteName) preview.siteName = siteName;
  if (image) preview.image = image;
  return preview;
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([a-zA-Z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g)) {
    out.set(m[1]!.toLowerCase(), decode(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, entity: string) => {
    if (entity[0] !== '#') return NAMED[entity.toLowerCase()] ?? whole;
    const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
  });
}

function clean(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  const line = decode(text).replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  const chars = [...line];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : line || undefined;
}

function absoluteHttp(raw: string | undefined, page: URL): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw.trim(), page);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.href.length <= 2048 ? url.href : undefined;
  } catch {
    return undefined;
  }
}
