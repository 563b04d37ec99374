import { it } from 'node:test';
import { startServerOn } from './helpers/store-server.js';
import { createUsers } from './helpers/test-server.js';

for (const store of ['postgres', 'sqlite'] as const) it('explain ' + store, { timeout: 600_000 }, async () => {
  const t = await startServerOn(store);
  await createUsers(t, 'alice', 'bob', 'carol', 'dan');
  const admin = t.server.admin;
  await admin.createGroup({ id: 'g', name: 'G', members: ['alice', 'bob'], historyVisibility: 'all' });
  await admin.createGroup({ id: 'h', name: 'H', members: ['carol', 'dan'] });
  const words = ['hello', 'world', 'zebra', 'apple', 'banana', 'cherry', 'delta', 'echo'];
  const N = 30000;
  for (let i = 0; i < N; i += 500) {
    await Promise.all(Array.from({ length: 500 }, (_, k) => {
      const n = i + k;
      const inG = n % 3 !== 0;
      return admin.send({ from: inG ? 'bob' : 'carol', groupId: inG ? 'g' : 'h', elem: { type: 'text', text: `${words[n % 8]} ${words[(n * 7) % 8]} number${n} ab` } });
    }));
  }
  await new Promise((r) => setTimeout(r, 3000));
  const q = async (label: string, query: string) => {
    const times: number[] = [];
    let body: any;
    for (let k = 0; k < 5; k++) {
      const s = performance.now();
      body = (await t.rest('GET', `/v1/users/alice/search?${query}`)).body;
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    console.log(store, label.padEnd(40), 'median', times[2]!.toFixed(1), 'ms', 'results', body.results?.length ?? body.name);
  };
  const mid = Date.now() - 5000;
  await q('hello', 'q=hello');
  await q('hello from=bob', 'q=hello&from=bob');
  await q('hello from=alice (none)', 'q=hello&from=alice');
  await q('hello from=carol (none visible)', 'q=hello&from=carol');
  await q('ab (no lookup)', 'q=ab');
  await q('ab from=alice (none)', 'q=ab&from=alice');
  await q('ab kind=location (none)', 'q=ab&kind=location');
  await q('hello kind=file (none)', 'q=hello&kind=file');
  await q('hello before=1 (none)', 'q=hello&before=1');
  await q('hello after=now (none)', `q=hello&after=${Date.now() + 100000}`);
  await q('ab before=1 (none)', 'q=ab&before=1');
  await q('ab after>before', `q=ab&after=${mid}&before=${mid - 100000}`);
  await q('hello in g from=alice', 'q=hello&conversationId=group:g&from=alice');
  await q('ab in g from=alice', 'q=ab&conversationId=group:g&from=alice');
  await q('ab in g kind=file', 'q=ab&conversationId=group:g&kind=file');
  await t.stop(true);
});
