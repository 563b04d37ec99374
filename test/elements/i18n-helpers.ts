// What the elements say, for tests that no English is left in a translated UI.

/**
 * Everything a person sees or hears in `el`: its text through every shadow root (screen-reader
 * only text too) and its labels (`aria-label`, `title`, `placeholder`, `alt`).
 */
export function spoken(el: Element): string[] {
  const out: string[] = [];
  const visit = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.nodeValue!.trim();
      if (text) out.push(text);
      return;
    }
    if (node instanceof Element) {
      if (['style', 'script', 'svg', 'template'].includes(node.localName)) return;
      // Initials standing in for a picture come from a name: data, not words of the UI.
      if (node.part.contains('avatar')) return;
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = node.getAttribute(name)?.trim();
        if (value) out.push(value);
      }
      if (node.shadowRoot) visit(node.shadowRoot);
    }
    node.childNodes.forEach(visit);
  };
  visit(el);
  return out;
}

/** Latin words a Chinese UI may keep: key names, a brand, units, "ID". */
const KEPT = new Set(['Enter', 'OpenStreetMap', 'ID', 'MB', 'KB', 'kB', 'GB']);

/** English words in what `el` says, once the test's own data (ids, file names) is taken out. */
export function englishIn(el: Element, data: string[] = []): string[] {
  return spoken(el).flatMap((text) => {
    const rest = data.reduce((s, d) => s.split(d).join(' '), text);
    return (rest.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !KEPT.has(w)).map((w) => `${w} (in “${text}”)`);
  });
}
