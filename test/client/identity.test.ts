import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClientMsgId } from '../../src/client/identity.js';
import { ClientMsgIdSchema } from '../../src/protocol/ids.js';
import * as v from 'valibot';

describe('clientMsgIds', () => {
  it('are valid idempotency keys, unique, and start with the time so later ones sort after earlier ones', async () => {
    const first = Array.from({ length: 10_000 }, () => createClientMsgId());
    for (const id of first.slice(0, 100)) assert.ok(v.is(ClientMsgIdSchema, id), id);
    assert.ok(first.every((id) => /^[0-9a-f]{32}$/.test(id)));
    assert.equal(new Set(first).size, first.length);
    const before = Date.now();
    assert.equal(parseInt(first[0]!.slice(0, 12), 16) <= before, true);
    await new Promise((r) => setTimeout(r, 5));
    const later = createClientMsgId();
    assert.ok(first.every((id) => id < later), 'an id made later sorts after every earlier one');
    assert.ok(parseInt(later.slice(0, 12), 16) >= before);
  });
});
