import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';
import type { Message } from '../../../src/protocol/index.js';
import { searchKindOf } from '../../../src/server/core/search-text.js';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';

/**
 * The PostgreSQL kind function (postgres-search-kinds.ts) behind the `messages_kind` index, which
 * every commit evaluates: one expression PostgreSQL inlines (migration 34), never an SQL function
 * call a row, and the kind searchKindOf gives in JavaScript for every body.
 */
let client: pg.Client;
let drop: () => Promise<void>;
before(async () => {
  await requirePostgres();
  const schema = await freshSchema();
  drop = schema.drop;
  const store = await createPostgresStore({ connectionString: schema.url });
  await store.close();
  client = new pg.Client({ connectionString: schema.url });
  await client.connect();
});
after(async () => {
  await client.end();
  await drop();
});

it('is inlined: the plan evaluates its expression, not a call of it', async () => {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>('EXPLAIN (VERBOSE) SELECT natter_search_kind(body) FROM messages');
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  assert.doesNotMatch(plan, /natter_search_kind/, plan);
  assert.match(plan, /CASE/, plan);
});

it('gives every body the kind searchKindOf gives it', async () => {
  const elems: unknown[] = [
    { type: 'text', text: 'plain words' },
    { type: 'text', text: 'see https://example.com' },
    { type: 'text', text: 'SEE HTTP://EXAMPLE.COM' },
    { type: 'text', text: 'at Www.Example.com' },
    { type: 'text', text: 'wwwXexample and http:/ not' },
    { type: 'text', text: 'a NUL \u0000 and a lone \ud800 with https://x.y' },
    { type: 'text', text: 'a NUL \u0000 alone' },
    { type: 'image', url: 'https://cdn/x.jpg', width: 1, height: 1 },
    { type: 'video', url: 'https://cdn/x.mp4' },
    { type: 'sound', url: 'https://cdn/x.ogg' },
    { type: 'file', url: 'https://cdn/x.pdf', name: 'x.pdf' },
    { type: 'location', latitude: 1, longitude: 2 },
    { type: 'custom', data: 'https://example.com' },
    { type: 'recalled' },
  ];
  const bodies = elems.map((elem) => JSON.stringify({ id: 'x', senderProfile: { avatar: 'https://a/b.png' }, elem }));
  const { rows } = await client.query<{ kind: string | null }>('SELECT natter_search_kind(b) AS kind FROM unnest($1::text[]) WITH ORDINALITY AS t(b, n) ORDER BY n', [bodies]);
  assert.deepEqual(rows.map((r) => r.kind), bodies.map((b) => searchKindOf(JSON.parse(b) as Message)));
});
