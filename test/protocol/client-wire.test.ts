import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MembersSchema } from '../../src/protocol/answer-frames.js';
import { LaterAnswerFrames, ServerFrameSchema } from '../../src/protocol/codec.js';
import { acceptAnswers, decodeServerFrameInClient } from '../../src/protocol/client-wire.js';
import { decodeServerFrame } from '../../src/protocol/codec.js';
import { CoreServerFrames } from '../../src/protocol/frames.js';

const typeOf = (schema: { entries: { type: { literal: string } } }) => schema.entries.type.literal;

test('every server frame is a core frame or a later answer, never both', () => {
  const core = CoreServerFrames.map(typeOf);
  const later = LaterAnswerFrames.map(typeOf);
  assert.deepEqual(core.filter((t) => later.includes(t)), []);
  assert.deepEqual(
    [...core, ...later].sort(),
    ServerFrameSchema.options.map((o) => typeOf(o as never)).sort(),
  );
  // A later answer always answers a request: it carries the reqId the request picked.
  for (const schema of LaterAnswerFrames) assert.ok('reqId' in schema.entries, typeOf(schema));
});

test('a client reads core frames as the full decoder does', () => {
  for (const raw of [
    '{"type":"sync.done"}',
    '{"type":"ok","reqId":"r1"}',
    '{"type":"conversation.read","conversationId":"p2p:bob","readSeq":3}',
    '{"type":"history.page","reqId":"r2","conversationId":"p2p:bob","fromSeq":1,"toSeq":1,"messages":[],"hasMore":false}',
  ]) {
    assert.deepEqual(decodeServerFrameInClient(raw), decodeServerFrame(raw), raw);
  }
  assert.equal(decodeServerFrameInClient('{"type":"ok"}').ok, false);
});

test('a later answer is an unknown frame to a client until the code asking for it registers its schema', () => {
  const members = JSON.stringify({ type: 'members', reqId: 'r3', conversationId: 'p2p:bob', members: [{ id: 'bob', readSeq: 2, role: 'member' }] });
  assert.equal(decodeServerFrame(members).ok, true);
  const before = decodeServerFrameInClient(members);
  assert.equal(before.ok, false);
  assert.equal(!before.ok && before.error.name, 'BAD_FRAME');
  assert.match(!before.ok ? before.error.message : '', /Unknown frame type "members"/);

  acceptAnswers(MembersSchema);
  assert.deepEqual(decodeServerFrameInClient(members), decodeServerFrame(members));
  // Registered, it is validated like any frame.
  const broken = JSON.stringify({ type: 'members', reqId: 'r4', conversationId: 'p2p:bob', members: [{ id: 'bob', readSeq: -1 }] });
  assert.equal(decodeServerFrameInClient(broken).ok, false);
  // Other answers stay unknown.
  assert.equal(decodeServerFrameInClient('{"type":"pins","reqId":"r5","conversationId":"p2p:bob","pins":[]}').ok, false);
});

test("the first paint's protocol modules do not import stored-text.ts; a control character still answers TEXT_NUL", async () => {
  const { readFileSync } = await import('node:fs');
  const { dirname, resolve } = await import('node:path');
  // The static imports (not `import type`, not `import()`) from what the client decodes and sends with.
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*?from '(\.[^']+)\.js';/gm)) walk(resolve(dirname(file), `${m[1]}.ts`));
  };
  for (const entry of ['client-wire.ts', 'frame-decode.ts', 'fields.ts', 'frames.ts']) walk(resolve('src/protocol', entry));
  assert.ok(seen.has(resolve('src/protocol/fields.ts')));
  assert.ok(![...seen].some((f) => f.endsWith('/stored-text.ts')), [...seen].join('\n'));
  // frame-decode.ts compares with stored-text.ts's issue as a literal: the two must agree.
  const { TEXT_CONTROL_ISSUE } = await import('../../src/protocol/stored-text.js');
  assert.equal(TEXT_CONTROL_ISSUE, 'TEXT_NUL');
  const { decodeClientFrame } = await import('../../src/protocol/client-codec.js');
  const frame = (name: string) => JSON.stringify({ type: 'group.create', reqId: 'r1', groupId: 'g_abc', name, members: [] });
  const bad = decodeClientFrame(frame('a\u0001b'));
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.error.name, 'TEXT_NUL');
});
