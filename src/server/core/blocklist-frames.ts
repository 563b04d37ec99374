import { fieldsBytes, fitting } from './frame-budget.js';

/**
 * A blocklist in parts that each fit a frame: the first goes in `session.ready` (or a
 * `blocklist.updated` that replaces the client's list), the others in `blocklist.updated
 * {append: true}` frames right after it. Always at least one part, possibly empty.
 */
export function blocklistParts(blocked: readonly string[]): string[][] {
  const parts: string[][] = [];
  let rest = blocked;
  do {
    const n = fitting(rest, (id) => fieldsBytes(id));
    parts.push(rest.slice(0, n));
    rest = rest.slice(n);
  } while (rest.length > 0);
  return parts;
}
