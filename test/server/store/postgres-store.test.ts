import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { groupKey, p2pKey } from '../../../src/server/core/conversation-key.js';
import type { Store } from '../../../src/server/core/store.js';
import type { CommitOutcome } from '../../../src/server/core/types.js';
import { CommitBatcher } from '../../../src/server/core/commit-batcher.js';
import { MIGRATIONS } from '../../../src/server/store/postgres-schema.js';
import { connectionOptions, createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { freshSchema, POSTGRES_URL, requirePostgres, schemaRestorer, uniqueName } from '../helpers/services.js';
import { draft, storeContract } from './store-contract.js';

await requirePostgres();

// Every contract run gets its own schema, dropped when the file is done.
const schemas: { drop(): Promise<void> }[] = [];
after(async () => {
  for (const s of schemas) await s.drop();
});
async function schemaUrl(): Promise<{ schema: string; url: string }> {
  const s = await freshSchema();
  schemas.push(s);
  return s;
}

// Each contract case opens a new store on one migrated schema, put back as migrated before it:
// migrating a schema per case made this file about five times slower.
const contract = await schemaUrl();
await (await createPostgresStore({ connectionString: contract.url })).close();
const asMigrated = await schemaRestorer(contract);
storeContract('postgres', async () => {
  await asMigrated();
  return createPostgresStore({ connectionString: contract.url });
});

const seqOf = (o: CommitOutcome) => (o.status === 'conflict' ? -1 : o.message.seq);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('PostgreSQL store across nodes', () => {
  let url: string;
  let nodeA: Store;
  let nodeB: Store;
  before(async () => {
    ({ url } = await schemaUrl());
    [nodeA, nodeB] = await Promise.all([createPostgresStore({ connectionString: url }), createPostgresStore({ connectionString: url })]);
  });
  after(async () => {
    await nodeA.close();
    await nodeB.close();
  });

  it('runs each migration once when several nodes start at the same time, and again finds nothing to do', async () => {
    const schema = uniqueName('natter_test');
    schemas.push({ drop: () => dropSchema(schema) });
    const stores = await Promise.all(range(5).map(() => createPostgresStore({ connectionString: POSTGRES_URL, schema })));
    const late = await createPostgresStore({ connectionString: POSTGRES_URL, schema });
    for (const s of [...stores, late]) await s.close();
    const c = new pg.Client({ connectionString: POSTGRES_URL });
    await c.connect();
    const { rows } = await c.query(`SELECT version FROM ${schema}.natter_migrations ORDER BY version`);
    await c.end();
    assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
  });

  it('gives gapless seqs when two nodes commit batches into the same conversations at once', async () => {
    await nodeA.createGroup({ id: 'race', name: 'Race', createdAt: 1 }, ['a', 'b']);
    const g = groupKey('race');
    const p = p2pKey('a', 'b');
    // Batches name the two conversations in opposite orders on the two nodes: a node that locked
    // conversations in batch order would deadlock here.
    const batches = range(20).map((i) => {
      const node = i % 2 === 0 ? nodeA : nodeB;
      const keys = i % 2 === 0 ? [g, p, g] : [p, g, p];
      return node.commitMessages(keys.map((k) => draft(k, i % 2 === 0 ? 'a' : 'b')));
    });
    const outcomes = (await Promise.all(batches)).flat();
    assert.ok(outcomes.every((o) => o.status === 'committed'));
    const stored = async (key: string) => (await nodeA.readRange(key, 'a', { afterSeq: 0, toSeq: 1000, limit: 1000, take: 'oldest' })).map((m) => m.seq);
    assert.deepEqual(await stored(g), range(30));
    assert.deepEqual(await stored(p), range(30));
    assert.equal((await nodeB.getConversation('b', p))?.lastSeq, 30);
    // Within one batch, seqs rise in batch order.
    assert.deepEqual((await nodeB.commitMessages([draft(g, 'b'), draft(p, 'b'), draft(g, 'b')])).map(seqOf), [31, 31, 32]);
  });

  it('commits a (sender, clientMsgId) sent to two nodes at once exactly once; the other node answers duplicate', async () => {
    const k = p2pKey('da', 'db');
    for (let i = 0; i < 10; i++) {
      const clientMsgId = `twice-${i}-client`;
      const [a, b] = await Promise.all([
        nodeA.commitMessages([draft(k, 'da', { clientMsgId })]),
        nodeB.commitMessages([draft(k, 'da', { clientMsgId })]),
      ]);
      const statuses = [a[0]!.status, b[0]!.status].sort();
      assert.deepEqual(statuses, ['committed', 'duplicate']);
      assert.equal(seqOf(a[0]!), seqOf(b[0]!));
      assert.equal(seqOf(a[0]!), i + 1);
    }
    assert.equal((await nodeA.getConversation('da', k))?.lastSeq, 10);
  });

  it('fails to start with a clear message when PostgreSQL is unreachable', async () => {
    await assert.rejects(createPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test' }), /PostgreSQL at .* is unreachable/);
  });
});

describe('PostgreSQL store under the commit batcher', () => {
  it('commits batches of different conversations at the same time, never two of one conversation, seqs in submission order', async () => {
    const store = await createPostgresStore({ connectionString: (await schemaUrl()).url });
    try {
      assert.ok((store.concurrentCommits ?? 1) > 1);
      const keys = [groupKey('c0'), groupKey('c1'), p2pKey('x', 'y'), p2pKey('x', 'z')];
      for (const k of keys.slice(0, 2)) await store.createGroup({ id: k.slice(6), name: k, createdAt: 1 }, ['x']);
      const commit = store.commitMessages.bind(store);
      const inFlight: string[][] = [];
      let most = 0;
      // The first batch's outcome is held until every turn has sent (its commit runs meanwhile):
      // the batcher adds a second batch only once 32 drafts wait, and a commit that came back
      // sooner (a loaded test process, a quick database) left no batch to go beside.
      let release!: () => void;
      const sentAll = new Promise<void>((r) => (release = r));
      let first = true;
      store.commitMessages = async (drafts) => {
        const mine = [...new Set(drafts.map((d) => d.key))];
        for (const other of inFlight) assert.ok(!other.some((k) => mine.includes(k)), 'two batches of one conversation in flight');
        inFlight.push(mine);
        most = Math.max(most, inFlight.length);
        const held = first;
        first = false;
        try {
          const outcomes = commit(drafts);
          if (held) await Promise.all([sentAll, outcomes]);
          return await outcomes;
        } finally {
          inFlight.splice(inFlight.indexOf(mine), 1);
        }
      };
      const batcher = new CommitBatcher(store);
      const sent: { key: string; outcome: Promise<CommitOutcome> }[] = [];
      // Each turn sends to one conversation only, so the next turn's batch can go beside it.
      for (let turn = 0; turn < 24; turn++) {
        const key = keys[turn % keys.length]!;
        for (let i = 0; i < 5; i++) sent.push({ key, outcome: batcher.submit(draft(key, 'x')) });
        await new Promise((r) => setImmediate(r));
      }
      release();
      const seqs = await Promise.all(sent.map((s) => s.outcome.then(seqOf)));
      assert.ok(most > 1, 'batches of different conversations commit concurrently');
      for (const k of keys) assert.deepEqual(seqs.filter((_, i) => sent[i]!.key === k), range(30));
    } finally {
      await store.close();
    }
  });

  it('commits a batch of new messages in one statement, and a batch with a stored or repeated clientMsgId through the transaction, seqs gapless', async () => {
    const store = await createPostgresStore({ connectionString: (await schemaUrl()).url });
    try {
      const k = p2pKey('f1', 'f2');
      const first = draft(k, 'f1');
      assert.deepEqual((await store.commitMessages([first, draft(k, 'f2')])).map((o) => [o.status, seqOf(o)]), [['committed', 1], ['committed', 2]]);
      // A resend of `first` beside a new message: nothing of the one statement may stay written.
      const again = await store.commitMessages([draft(k, 'f1', { clientMsgId: first.message.clientMsgId }), draft(k, 'f2')]);
      assert.deepEqual(again.map((o) => [o.status, seqOf(o)]), [['duplicate', 1], ['committed', 3]]);
      const twice = draft(k, 'f1');
      const repeated = await store.commitMessages([twice, draft(k, 'f1', { clientMsgId: twice.message.clientMsgId })]);
      assert.deepEqual(repeated.map((o) => [o.status, seqOf(o)]), [['committed', 4], ['duplicate', 4]]);
      const stored = await store.readRange(k, 'f2', { afterSeq: 0, toSeq: 100, limit: 100, take: 'oldest' });
      assert.deepEqual(stored.map((m) => m.seq), [1, 2, 3, 4]);
      assert.equal((await store.getConversation('f2', k))?.lastSeq, 4);
    } finally {
      await store.close();
    }
  });

  it('returns the stored body of each committed message, as readRange reads it', async () => {
    const store = await createPostgresStore({ connectionString: (await schemaUrl()).url });
    try {
      const k = p2pKey('j1', 'j2');
      const [o] = await store.commitMessages([draft(k, 'j1', { elem: { type: 'text', text: 'quote " and \\ backslash' } })]);
      assert.equal(o!.status, 'committed');
      const [stored] = await store.readRange(k, 'j1', { afterSeq: 0, toSeq: 10, limit: 10, take: 'oldest' });
      assert.deepEqual(JSON.parse((o as { json: string }).json), stored);
    } finally {
      await store.close();
    }
  });

  it('stores hostile texts exactly, in one statement and through the transaction (line breaks, escapes, array syntax, lone surrogates)', async () => {
    const store = await createPostgresStore({ connectionString: (await schemaUrl()).url });
    try {
      const k = groupKey('hostile');
      await store.createGroup({ id: 'hostile', name: 'Hostile', createdAt: 1 }, ['h1', 'h2']);
      const texts = ['line\nbreak', 'cr\r\nlf', '\u2028\u2029', 'nul \u0000 byte', 'lone \ud800 high', '\udc00', 'quote " \\ back \\"', '{a,"b"},NULL', 'null', '', '🙂 é 漢字', '\\n not a break'];
      const mentions = ['h2', '@all'];
      const batch = texts.map((text, i) => draft(k, 'h1', { elem: { type: 'text', text }, ...(i % 2 ? { groupAtUserList: mentions } : {}) }, i % 3 ? undefined : ['h1', 'h2']));
      const fast = await store.commitMessages(batch.slice(0, 6));
      // A resend in the batch takes the transaction's statements.
      const slow = await store.commitMessages([draft(k, 'h1', { clientMsgId: batch[0]!.message.clientMsgId }), ...batch.slice(6)]);
      const committed = [...fast, ...slow.slice(1)];
      assert.deepEqual(committed.map((o) => o.status), texts.map(() => 'committed'));
      const stored = await store.readRange(k, 'h2', { afterSeq: 0, toSeq: 100, limit: 100, take: 'oldest' });
      assert.deepEqual(stored.map((m) => (m.elem as { text: string }).text), texts);
      for (const [i, o] of committed.entries()) {
        assert.deepEqual(JSON.parse((o as { json: string }).json), stored[i], texts[i]);
        assert.deepEqual(stored[i]!.groupAtUserList, i % 2 ? mentions : undefined);
      }
    } finally {
      await store.close();
    }
  });
});

describe('PostgreSQL connection options', () => {
  it('keep the string\'s own options, turn JIT off and put the schema last (pg lets the string\'s replace ours)', async () => {
    const { schema, url } = await schemaUrl();
    const o = connectionOptions(`${url}&application_name=natter-options-test`);
    assert.doesNotMatch(o.connectionString, /options=/);
    assert.equal(o.options, `-c search_path=${schema} -c jit=off`);
    const client = new pg.Client(o);
    await client.connect();
    try {
      const show = async (name: string) => Object.values((await client.query(`SHOW ${name}`)).rows[0])[0];
      assert.deepEqual([await show('jit'), await show('search_path'), await show('application_name')], ['off', schema, 'natter-options-test']);
    } finally {
      await client.end();
    }
    assert.deepEqual(connectionOptions('postgres://u@h/db', 'natter'), { connectionString: 'postgres://u@h/db', options: '-c jit=off -c search_path="natter"' });
  });
});

async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}
