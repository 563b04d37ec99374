// The XLIFF files lit-localize writes (`xliff/<locale>.xlf`, one `<trans-unit>` per msg() id):
// their units, and a plain-text form of a source or target in which each placeholder is written
// as its expression (`${count}`), for people and tools that translate. Used by
// `check-localize.mjs` and `localize-todo.mjs`.

const UNIT = /<trans-unit id="([^"]+)">([\s\S]*?)<\/trans-unit>/g;
const PLACEHOLDER = /<x id="(\d+)" equiv-text="([^"]*)"\/>/g;

/** The units of an XLIFF file: id, source and target (XML fragments; target undefined when missing). */
export function unitsOf(xml) {
  return [...xml.matchAll(UNIT)].map(([, id, body]) => ({
    id,
    source: /<source>([\s\S]*?)<\/source>/.exec(body)?.[1] ?? '',
    target: /<target>([\s\S]*?)<\/target>/.exec(body)?.[1],
  }));
}

const unescapeXml = (s) => s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]);
const escapeXml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The placeholders of a fragment, as their expressions (`${count}`), sorted: equal lists mean a target keeps every placeholder exactly once. */
export function placeholdersOf(fragment) {
  return [...fragment.matchAll(PLACEHOLDER)].map(([, , expr]) => unescapeXml(expr)).sort();
}

/** A fragment as plain text: `<x … equiv-text="${count}"/>` becomes `${count}`. */
export function toText(fragment) {
  const parts = fragment.split(PLACEHOLDER);
  // split() with two groups: text, id, expression, text, id, expression, …, text.
  return parts.map((p, i) => (i % 3 === 1 ? '' : unescapeXml(p))).join('');
}

/** Why a target's placeholders do not fit its source's, as lit-localize's build requires (undefined when they do). */
export function placeholderProblem(source, target) {
  const want = placeholdersOf(source);
  const have = placeholdersOf(target);
  const unknown = have.filter((p) => !want.includes(p));
  const twice = have.filter((p, i) => have.indexOf(p) !== i);
  const missing = want.filter((p) => !have.includes(p));
  if (unknown.length) return `has placeholders its English string does not: ${unknown.join(' ')}`;
  if (twice.length) return `uses a placeholder more than once: ${twice.join(' ')}`;
  if (missing.length) return `leaves out placeholders: ${missing.join(' ')}`;
  return undefined;
}

/**
 * A translation written as plain text back to a fragment, its `${…}` turned into the source's
 * placeholders. Throws when it names an expression the source does not have, or does not use
 * each of the source's exactly once.
 */
export function fromText(text, source) {
  const xs = new Map([...source.matchAll(PLACEHOLDER)].map((m) => [unescapeXml(m[2]), m[0]]));
  // A placeholder's expression may be several (lit-localize joins `${a} ${b}` into one): longest first.
  const names = [...xs.keys()].sort((a, b) => b.length - a.length).map((e) => e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const parts = names.length ? text.split(new RegExp(`(${names.join('|')})`)) : [text];
  const fragment = parts
    .map((part, i) => {
      if (i % 2 === 1) return xs.get(part);
      const stray = /\$\{[^}]*\}/.exec(part);
      if (stray) throw new Error(`${stray[0]} is not a placeholder of “${toText(source)}”`);
      return escapeXml(part);
    })
    .join('');
  const problem = placeholderProblem(source, fragment);
  if (problem) throw new Error(`“${text}” ${problem}`);
  return fragment;
}

/** The XLIFF text with the given targets (id → fragment) written in, replacing any there. */
export function withTargets(xml, targets) {
  return xml.replace(UNIT, (unit, id, body) => {
    const target = targets.get(id);
    if (target === undefined) return unit;
    const rest = body.replace(/\s*<target>[\s\S]*?<\/target>/, '');
    return `<trans-unit id="${id}">${rest.replace(/(<\/source>)/, `$1\n  <target>${target}</target>`)}</trans-unit>`;
  });
}
