/**
 * The shipped builds give our TypeScript `private` members short names
 * (`scripts/short-private-members.ts`): only a name the file uses in nothing but its private
 * declarations and `this.name`, never a decorated, static or accessor member, and every name of
 * a build distinct.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { privateNames, renamablePrivates, renamePrivates } from '../../scripts/short-private-members.js';

const source = `class A extends LitElement {
  /** Closes the panel (onClose in a comment does not count). */
  private onClose = (e: Event) => { this.open = false; };
  private readonly onKey = (e: KeyboardEvent) => this.onClose(e);
  private helper(x: number): number { return x; }
  @state() private shown = false;
  private static count = 0;
  private get size() { return 1; }
  private used = 1;
  render() { return html\`<button @click=\${this.onClose} @keydown=\${this?.onKey}>\${this.helper(1)}\${this.shown}</button>\`; }
}
const options = { used: 2 };
`;

test('a private member used only as this.name is renamed, declaration and uses; others keep their names', () => {
  assert.deepEqual(renamablePrivates(source), ['onClose', 'onKey', 'helper']);
  const to = new Map([['onClose', '_0'], ['onKey', '_1'], ['helper', '_2'], ['used', '_3']]);
  const out = renamePrivates(source, 'a.ts', to);
  assert.ok(out);
  assert.match(out.code, /private _0 = \(e: Event\)/);
  assert.match(out.code, /private readonly _1 = \(e: KeyboardEvent\) => this\._0\(e\);/);
  assert.match(out.code, /private _2\(x: number\)/);
  assert.match(out.code, /@click=\$\{this\._0\} @keydown=\$\{this\?\._1\}>\$\{this\._2\(1\)\}\$\{this\.shown\}/);
  // The comment is left as it was; decorated, static, accessor and shared names stay.
  assert.match(out.code, /onClose in a comment/);
  assert.match(out.code, /@state\(\) private shown = false;/);
  assert.match(out.code, /private static count = 0;/);
  assert.match(out.code, /private get size\(\)/);
  assert.match(out.code, /private used = 1;/);
  assert.equal(JSON.parse(out.map).sources[0], 'a.ts');
  assert.equal(renamePrivates('const a = 1;', 'b.ts', to), null);
});

test("the build's table: every new name distinct, the same for the same sources", () => {
  const dirs = [new URL('../../src/elements', import.meta.url).pathname, new URL('../../src/client', import.meta.url).pathname];
  const table = privateNames(dirs);
  const names = [...table.values()].flatMap((m) => [...m.values()]);
  assert.ok(names.length >= 20, `${names.length} members`);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual([...privateNames(dirs)], [...table]);
  const composer = [...table].find(([file]) => file.endsWith('src/elements/message-composer.ts'))?.[1];
  assert.ok(composer?.has('onSubmit'));
});
