/**
 * partysocket's `ReconnectingWebSocket` (`partysocket/dist/ws.js`) as the script tag ships it
 * (`vite build --mode cdn`): the same code, less text. It is the one module of the package we
 * load, and it is self-contained (no imports), so three rewrites are safe there:
 *
 * - its three long developer notes (no global EventTarget, no WebSocket class, send() after
 *   close()), which our connection never triggers in a browser (it passes its WebSocket class,
 *   never sends after close), shrink to one line each, and the EventTarget one goes with its
 *   check (every browser has EventTarget);
 * - its debug log calls (`this._debug("connect", …)`, 17 of them) and their logger go: they print only with
 *   `debug: true`, which `src/client/connection.ts` never sets;
 * - its private-by-convention members (`this._ws`, `this._options`, `this._retryCount` …, every
 *   property name starting with `_`) get short names, as a minifier does with `#private` ones.
 *   Nothing outside the module reads them (the class is used, not extended; our code touches only
 *   its public API), and esbuild keeps every new name clear of the names the module uses.
 *
 * - its public members that `src/client/connection.ts` never reads (`binaryType`,
 *   `bufferedAmount`, `extensions`, `protocol`, `url`, `retryCount`, `shouldReconnect`,
 *   `drainQueuedMessages`) and the `_debug` method go: the script tag's copy of the class is
 *   used by that module alone (a page cannot reach it), and nothing inside the class reads them
 *   (its code uses the private fields behind them; the static `OPEN` … stay: the instance's
 *   constants read them).
 *
 * A partysocket whose text no longer matches what these rewrites expect fails the build, so an
 * upgrade is looked at rather than let through. `test/scripts/slim-partysocket.test.ts` runs the
 * rewritten module against a real `ws` server.
 */
import { transform } from 'esbuild';
import { RolldownMagicString } from 'rolldown';
import { parseAst, type Plugin } from 'vite';
import { astNodes, type AstNode } from './ast-nodes.js';

const NOTES: Array<[RegExp, string]> = [
  // Every browser the script tag runs in has EventTarget and Event: the check goes with its note.
  [/if \(!globalThis\.EventTarget \|\| !globalThis\.Event\)\s*console\.error\(`\s*PartySocket requires a global 'EventTarget'(?:[^`\\]|\\.)*`\);?/, ''],
  [/console\.error\(`‼️ No WebSocket implementation available(?:[^`\\]|\\.)*`\)/, 'console.error("partysocket: no WebSocket class")'],
  [/console\.warn\(\s*"ReconnectingWebSocket: send\(\) was called after close\(\)[^"]*"\s*\)/, 'console.warn("partysocket: send() after close()")'],
  // The logger of the debug calls that go (below): its field and its option.
  [/\n\s*_debugLogger = console\.log\.bind\(console\);/, ''],
  [/\n\s*if \(this\._options\.debugLogger\)\s*this\._debugLogger = this\._options\.debugLogger;/, ''],
];

/** The path of the module the plugin rewrites. */
export const PARTYSOCKET_WS = /[\\/]node_modules[\\/]partysocket[\\/]dist[\\/]ws\.js$/;

/** `ws.js` rewritten as described above; throws when its text is not what the rewrites expect. */
export async function slimPartysocket(code: string): Promise<string> {
  let out = code;
  for (const [note, short] of NOTES) {
    if (!note.test(out)) throw new Error(`partysocket/dist/ws.js changed: update scripts/slim-partysocket.ts (${note.source.slice(0, 40)}…)`);
    out = out.replace(note, short);
  }
  out = withoutDebugCalls(out);
  out = withoutMembers(out);
  // Only the property names change (no minifying: the build minifies the whole chunk later).
  const mangled = await transform(out, { format: 'esm', target: 'es2022', mangleProps: /^_[A-Za-z]/, legalComments: 'none' });
  return mangled.code;
}

/**
 * Turns every statement `this._debug(…);` into an empty one (`;`, so that an `if` whose body it
 * was keeps a body), and fails when there is none (the method was renamed).
 */
function withoutDebugCalls(code: string): string {
  const s = new RolldownMagicString(code);
  let removed = 0;
  for (const node of astNodes(parseAst(code))) {
    if (node.type !== 'ExpressionStatement') continue;
    const call = node.expression as AstNode & { callee?: AstNode & { object?: AstNode; property?: AstNode & { name?: string } } };
    const callee = call.type === 'CallExpression' ? call.callee : undefined;
    if (callee?.type !== 'MemberExpression' || callee.object?.type !== 'ThisExpression' || callee.property?.name !== '_debug') continue;
    s.overwrite(node.start, node.end, ';');
    removed++;
  }
  if (removed === 0) throw new Error('partysocket/dist/ws.js changed: it has no this._debug(…) calls any more; update scripts/slim-partysocket.ts');
  return s.toString();
}

/** Class members the script tag's copy leaves out (see above); a `static` one would be named `static:<name>`. */
export const UNUSED_MEMBERS = [
  'binaryType', 'retryCount', 'bufferedAmount',
  'extensions', 'protocol', 'url', 'shouldReconnect', 'drainQueuedMessages', '_debug',
];

/** Removes the class members named in UNUSED_MEMBERS; fails when one of them is not there (partysocket changed). */
function withoutMembers(code: string): string {
  const s = new RolldownMagicString(code);
  const found = new Set<string>();
  for (const node of astNodes(parseAst(code))) {
    if (node.type !== 'MethodDefinition') continue;
    const key = node.key as AstNode & { name?: string };
    const name = `${node.static ? 'static:' : ''}${key.name ?? ''}`;
    if (!UNUSED_MEMBERS.includes(name)) continue;
    s.remove(node.start, node.end);
    found.add(name);
  }
  const missing = UNUSED_MEMBERS.filter((name) => !found.has(name));
  if (missing.length) throw new Error(`partysocket/dist/ws.js changed: no member ${missing.join(', ')} to leave out; update scripts/slim-partysocket.ts`);
  return s.toString();
}

/** The plugin, for the script-tag build. */
export function slimPartysocketPlugin(): Plugin {
  return {
    name: 'natter:slim-partysocket',
    apply: 'build',
    async transform(code, id) {
      if (!PARTYSOCKET_WS.test(id.split('?')[0]!)) return null;
      try {
        return { code: await slimPartysocket(code), map: null };
      } catch (error) {
        return this.error((error as Error).message);
      }
    },
  };
}
