/** A run of plain text, or a link that is safe to put in an `href`. */
export type TextPart = { text: string; href?: undefined } | { text: string; href: string };

// Candidate links: an http(s) or mailto URL up to whitespace or a character that cannot end one.
const URL_CANDIDATE = /\b(?:https?:\/\/|mailto:)[^\s<>"'`]+/gi;
// Punctuation that usually closes the sentence rather than the URL.
const TRAILING = /[.,;:!?)\]}'"]+$/;

/**
 * Splits message text into plain runs and links. Only `http:`, `https:` and `mailto:` URLs
 * become links (never `javascript:`, `data:` …); everything else stays text, which the caller
 * renders as text, never as HTML.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_CANDIDATE)) {
    let raw = match[0];
    const start = match.index ?? 0;
    const trailing = TRAILING.exec(raw);
    // Keep a closing parenthesis that belongs to the URL, e.g. Wikipedia's `Foo_(bar)`.
    if (trailing) {
      let cut = trailing[0];
      if (cut.startsWith(')') && raw.slice(0, -cut.length).includes('(')) cut = cut.slice(1);
      raw = raw.slice(0, raw.length - cut.length);
    }
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** The normalised URL if it parses as http(s) or mailto (with an address), else undefined. */
export function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    if (url.protocol === 'mailto:') return /^[^@\s]+@[^@\s]+/.test(decodeURIComponent(url.pathname)) ? url.href : undefined;
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
