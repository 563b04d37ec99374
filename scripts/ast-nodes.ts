/** Walking the ESTree AST that Vite's `parseAst` (Oxc) returns, for the build plugins beside this file. */

/** A node: its type and its range in the code (UTF-16 offsets, as `String.prototype.slice` takes). */
export interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/** Every node under `node` (itself included), parents before children. */
export function* astNodes(node: unknown): Generator<AstNode> {
  if (Array.isArray(node)) for (const n of node) yield* astNodes(n);
  else if (node && typeof node === 'object') {
    if (typeof (node as AstNode).type === 'string') yield node as AstNode;
    for (const value of Object.values(node)) if (value && typeof value === 'object') yield* astNodes(value);
  }
}
