import { LIMITS } from './limits.js';

/** The bounds {@link jsonBoundsError} checks; LIMITS' frame bounds unless a caller narrows them. */
export interface JsonBounds {
  depth: number;
  arrayItems: number;
  objectKeys: number;
}

const FRAME_BOUNDS: JsonBounds = { depth: LIMITS.frameDepth, arrayItems: LIMITS.frameArrayItems, objectKeys: LIMITS.frameObjectKeys };

/**
 * Why a parsed JSON value is too deep or too wide to validate, or undefined when it is within
 * bounds. Iterative (an explicit stack), so the scan itself needs no call stack however deep the
 * value is, and it stops at the first bound exceeded: a hostile frame costs at most one pass over
 * what JSON.parse already built. Validators recurse with the data; this runs before them.
 */
export function jsonBoundsError(value: unknown, bounds: JsonBounds = FRAME_BOUNDS): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop() as object;
    const depth = depths.pop()!;
    if (depth > bounds.depth) return `The frame nests deeper than ${bounds.depth} levels.`;
    if (Array.isArray(node)) {
      if (node.length > bounds.arrayItems) return `An array in the frame has more than ${bounds.arrayItems} entries.`;
      for (let i = 0; i < node.length; i++) push(node[i], depth);
    } else {
      // JSON.parse makes plain objects with own keys only (`__proto__` included), so for-in sees them all.
      let keys = 0;
      for (const key in node) {
        if (++keys > bounds.objectKeys) return `An object in the frame has more than ${bounds.objectKeys} keys.`;
        push((node as Record<string, unknown>)[key], depth);
      }
    }
  }
  return undefined;

  function push(child: unknown, parentDepth: number): void {
    if (child !== null && typeof child === 'object') {
      stack.push(child);
      depths.push(parentDepth + 1);
    }
  }
}
