/** `registerRenderer`'s refusals (src/client/renderers.ts): each mistake a TypeError, nothing registered. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRenderers } from '../../src/client/renderers.js';
import type { CustomRenderer } from '../../src/client/types.js';

test('registerRenderer refuses an empty or non-string type, a tag that is no custom element name, and anything but a function or a tag', () => {
  const events = new EventTarget();
  let changes = 0;
  events.addEventListener('renderer', () => changes++);
  const r = createRenderers(events);
  const draw: CustomRenderer = () => 'x';
  for (const [type, renderer] of [['', draw], [7, draw], ['poll', 'Poll'], ['poll', 'poll'], ['poll', 42], ['poll', null]] as const) {
    assert.throws(() => r.registerRenderer(type as string, renderer as unknown as CustomRenderer), TypeError, `${String(type)} ${String(renderer)}`);
  }
  assert.equal(r.renderer('poll'), undefined);
  assert.equal(changes, 0);
  const off = r.registerRenderer('poll', 'poll-card');
  assert.equal(r.renderer('poll'), 'poll-card');
  off();
  assert.equal(changes, 2);
});
