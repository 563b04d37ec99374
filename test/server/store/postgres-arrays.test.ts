import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { arrayParam } from '../../../src/server/store/postgres-arrays.js';
import { requirePostgres, POSTGRES_URL } from '../helpers/services.js';

await requirePostgres();

/** Hostile strings: array syntax, escapes, the word NULL, JSON text, non-ASCII, control characters, lone surrogates. */
const hostile = [
  '', ' ', 'plain', 'NULL', 'null', '"', '\\', '\\"', '"\\', '{', '}', '{a,b}', ',', 'a, b', ' lead', 'trail ', "'quote'",
  '{"seq":1,"text":"say \\"hi\\" \\\\ there"}', '[1,2]', 'é ß 漢字 🙂', '\u2028\u2029', '\u007f', '/\\/',
  'tab\there', 'line\nbreak', 'nul-less \u0001', '\ud83d', 'lone \udc00 low', '🙂\ud83d',
];

describe('PostgreSQL array parameters (arrayParam)', () => {
  let client: pg.Client;
  before(async () => {
    client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
  });
  after(() => client.end());

  /** What PostgreSQL reads from the parameter, and what it reads from pg's own encoding of the same array. */
  const both = async (values: (string | number | boolean | null)[], type: string, jsonText = false) => {
    const { rows } = await client.query<{ ours: unknown[]; theirs: unknown[] }>(`SELECT $1::${type}[] AS ours, $2::${type}[] AS theirs`, [arrayParam(values, jsonText), values]);
    return rows[0]!;
  };

  it('reads back every hostile string, each alone and all together, as pg itself would send it', async () => {
    for (const s of hostile) {
      const { ours, theirs } = await both([s], 'text');
      assert.deepEqual(ours, theirs, JSON.stringify(s));
    }
    const { ours, theirs } = await both([...hostile, null], 'text');
    assert.deepEqual(ours, theirs);
    // The strings PostgreSQL can hold as they are come back exactly (a lone surrogate cannot be UTF-8).
    assert.deepEqual(ours.slice(0, -4), hostile.slice(0, -3));
    assert.equal(ours.at(-1), null);
  });

  it('writes a literal for safe strings and leaves an array with a control character or lone surrogate to pg', () => {
    assert.equal(arrayParam(['a', 'b"c', 'd\\e', null]), '{"a","b\\"c","d\\\\e",null}');
    assert.equal(arrayParam([]), '{}');
    for (const unsafe of ['line\nbreak', 'nul-less \u0001', 'lone \udc00 low', '🙂']) {
      const values = ['ok', unsafe];
      assert.equal(arrayParam(values), values, JSON.stringify(unsafe));
    }
  });

  it('takes JSON text unchecked: whatever JSON.stringify wrote reads back exactly', async () => {
    const texts = [JSON.stringify({ t: 'line\nbreak \u0001 \\ " 🙂 \udc00' }), JSON.stringify(['a', 'b']), JSON.stringify('"{x}"'), null];
    const param = arrayParam(texts, true);
    assert.equal(typeof param, 'string');
    const { ours } = await both(texts, 'text', true);
    assert.deepEqual(ours, texts);
  });

  it('carries booleans, numbers and NULL as their types', async () => {
    assert.deepEqual((await both([true, false, null], 'bool')).ours, [true, false, null]);
    assert.deepEqual((await both([1, 0, -5, 2 ** 53 - 1], 'bigint')).ours, ['1', '0', '-5', String(2 ** 53 - 1)]);
  });
});
