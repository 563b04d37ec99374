/**
 * What a change to a sent message (SPEC §9) costs the SQLite node's event loop (issue 23): 1,000
 * reactions to 200 messages of one group, 20 submitted per event-loop turn (distinct targets),
 * through the store itself (no sockets). Prints the synchronous part of each `commitChange`
 * (what every socket of the node waits for) as p50/p99/max and summed, and the wall time for all.
 * Changes used to commit on the main connection, whose fsync was that synchronous part.
 *
 *   npx tsx bench/sqlite-changes.ts                       (this tree)
 *   npx tsx bench/sqlite-changes.ts --baseline /tmp/old   (and another copy, alternating, 3 rounds)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/bundle.js';

const { values } = parseArgs({ options: { baseline: { type: 'string' }, rounds: { type: 'string', default: '3' } } });

async function run(root: string): Promise<string> {
  const { createSqliteStore } = await import(join(root, 'src/server/store/sqlite-store.ts'));
  const { applyChange } = await import(join(root, 'src/server/changes/apply.ts'));
  const { DEFAULT_CHANGE_POLICY } = await import(join(root, 'src/server/changes/policy.ts'));
  const dir = mkdtempSync(join(tmpdir(), 'natter-bench-changes-'));
  const store = createSqliteStore(join(dir, 'natter.db'));
  const users = Array.from({ length: 10 }, (_, i) => `u${i}`);
  await store.createGroup({ id: 'g', name: 'G', createdAt: 1 }, users);
  const key = 'group:g';
  let n = 0;
  const message = (sender: string, over: object) => ({
    id: `m${++n}`, conversationId: key, seq: 0, clientMsgId: `c${n}`, sender, senderProfile: {}, time: Date.now(), ...over,
  });
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const outs = await store.commitMessages(users.map((u) => ({ key, type: 'group', message: message(u, { elem: { type: 'text', text: `hello ${i}` } }) })));
    for (const o of outs) ids.push(o.message.id);
  }
  const sync: number[] = [];
  const started = performance.now();
  for (let t = 0; t < 50; t++) {
    const turn = [];
    for (let i = 0; i < 20; i++) {
      const actor = users[(t + i) % users.length]!;
      const draft = {
        key, type: 'group', targetId: ids[(t * 20 + i) % ids.length]!,
        message: message(actor, { elem: { type: 'recalled' }, isExcludedFromUnreadCount: true, isExcludedFromLastMessage: true }),
        apply: (target: unknown, visibleTo: unknown, pins: number) => applyChange({ kind: 'reaction', emoji: '👍', on: true }, target, visibleTo, pins,
          { userId: actor, admin: false, group: true, now: Date.now() }, DEFAULT_CHANGE_POLICY),
      };
      const s = performance.now();
      turn.push(store.commitChange(draft));
      sync.push(performance.now() - s);
    }
    await Promise.all(turn);
  }
  const wall = performance.now() - started;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  sync.sort((a, b) => a - b);
  const at = (p: number) => sync[Math.min(sync.length - 1, Math.floor(p * sync.length))]!.toFixed(3);
  return `| ${root === ROOT ? 'this tree' : root} | ${wall.toFixed(0)} | ${at(0.5)} | ${at(0.99)} | ${at(1)} | ${sync.reduce((a, b) => a + b, 0).toFixed(0)} |`;
}

console.log('| tree | 1,000 changes, ms | event loop per change p50 ms | p99 ms | max ms | event loop summed ms |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (let r = 0; r < Number(values.rounds); r++) {
  if (values.baseline) console.log(await run(values.baseline));
  console.log(await run(ROOT));
}
