import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS } from '../../../src/protocol/index.js';
import { MAX_CONTAINERS, rawJsonExcess, TOP_LEVEL_FIELDS, topLevelOnly } from '../../../src/server/core/raw-nesting.js';

describe('nesting read from JSON text', () => {
  it('counts the nesting of arrays and objects, not brackets inside strings (escaped quotes included)', () => {
    assert.equal(rawJsonExcess('[[[]]]', 3), undefined);
    assert.equal(rawJsonExcess('[[[[]]]]', 3), 'depth');
    assert.equal(rawJsonExcess('{"a":{"b":[1]}}', 3), undefined);
    assert.equal(rawJsonExcess('{"a":{"b":[{}]}}', 3), 'depth');
    assert.equal(rawJsonExcess(`{"t":"${'['.repeat(50)}\\"${'{'.repeat(50)}"}`, 1), undefined);
    assert.equal(rawJsonExcess(`{"t":"\\\\"${'['.repeat(5)}}`, 3), 'depth', 'an escaped backslash ends no string early');
  });

  it('counts arrays and objects side by side, not brackets inside strings', () => {
    assert.equal(rawJsonExcess('[[],{},[]]', 2, 4), undefined);
    assert.equal(rawJsonExcess('[[],{},[],{}]', 2, 4), 'width');
    assert.equal(rawJsonExcess(`["${'[],'.repeat(100)}",{}]`, 2, 2), undefined);
  });

  it('takes the widest input the server accepts (a word list of 10,000 entries) and refuses empty arrays spread over keys past the bound', () => {
    const words = JSON.stringify({ items: Array.from({ length: 10_000 }, (_, i) => ({ word: `w${i}`, mode: 'mask' })) });
    assert.equal(rawJsonExcess(words, LIMITS.frameDepth), undefined);
    // Three keys, each an array within LIMITS.frameArrayItems: 4 + 3 × `each` containers in all.
    const spread = (each: number) => `{"type":"ping",${['a', 'b', 'c'].map((k) => `"${k}":[${'[],'.repeat(each - 1)}[]]`).join(',')}}`;
    const most = Math.floor((MAX_CONTAINERS - 4) / 3);
    assert.equal(rawJsonExcess(spread(most), LIMITS.frameDepth), undefined);
    assert.equal(rawJsonExcess(spread(most + 1), LIMITS.frameDepth), 'width');
  });

  it('counts object keys by the colons outside strings, and refuses more than asked', () => {
    assert.equal(rawJsonExcess('{"a":1,"b":{"c":2}}', 3, 10, 3), undefined);
    assert.equal(rawJsonExcess('{"a":1,"b":{"c":2,"d":3}}', 3, 10, 3), 'keys');
    assert.equal(rawJsonExcess('{"a":"x:y:z","b\\":"\\":"}', 3, 10, 2), undefined, 'colons in strings (escapes included) are not keys');
    assert.equal(rawJsonExcess(`{${Array.from({ length: 20 }, (_, i) => `"${i}":0`).join(',')}}`, 3), undefined, 'no key bound unless asked');
  });

  it('keeps the top-level scalars of an object and nothing nested, so the address of a frame parses alone', () => {
    const raw = `{"type":"message.send","clientMsgId":"ab\\"[cd","elem":{"type":"text","text":"]}{["},"x":${'['.repeat(1000)}${']'.repeat(1000)},"reqId":"r1"}`;
    assert.deepEqual(JSON.parse(topLevelOnly(raw)), { type: 'message.send', clientMsgId: 'ab"[cd', elem: 0, x: 0, reqId: 'r1' });
    assert.deepEqual(JSON.parse(topLevelOnly('{"a":1}')), { a: 1 });
    assert.throws(() => JSON.parse(topLevelOnly('{"a":[[')), SyntaxError, 'unfinished text stays invalid');
    const fields = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":[1,2]`).join(',')}}`;
    assert.equal(Object.keys(JSON.parse(topLevelOnly(fields(TOP_LEVEL_FIELDS)))).length, TOP_LEVEL_FIELDS);
    assert.throws(() => JSON.parse(topLevelOnly(fields(TOP_LEVEL_FIELDS + 1))), SyntaxError, 'more fields than a frame has are not read');
  });
});
