/**
 * Where an event loop's time goes per stage of a send, from a V8 CPU profile (`bench:server
 * --cpu-prof <dir>`: Natter's main thread is the `….0.001.cpuprofile` in <dir>, the floor's in
 * <dir>/bare): each busy sample goes to the stage of the innermost function on its stack that
 * one of the rules below names (a builtin such as JSON.parse or a socket write counts for the
 * code that called it). Issue 23's map of what is left between the SQLite node and the floor
 * (docs/benchmarks.md, "The SQLite node toward the floor").
 *
 *   npx tsx bench/profile-stages.ts <profile>                    (busy samples per second: find the load's window)
 *   npx tsx bench/profile-stages.ts <profile> <from s> <to s> [µs/msg of that event loop]
 *   DETAIL='<stage>' npx tsx bench/profile-stages.ts …           (that stage's leaf functions too)
 */
import { readFileSync } from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** The floor's (bench/peers/bare-ws-server.ts) anonymous functions, told apart by column in tsx's one-line output. */
const bare = (f: CallFrame, ...columns: number[]) => /bare-ws-server/.test(f.url) && columns.includes(f.columnNumber);

/** Stage by function, first match wins; checked from the innermost frame outwards. */
const RULES: [string, (f: CallFrame) => boolean][] = [
  ['GC', (f) => f.functionName === '(garbage collector)'],
  ['SQLite statements on the event loop (the floor: its commit)', (f) => /better-sqlite3/.test(f.url) || bare(f, 400, 417)],
  ['metrics (prom-client)', (f) => /prom-client|server-metrics/.test(f.url)],
  ['latency trace', (f) => /latency-trace/.test(f.url)],
  ['frames out: frame bytes, per-turn writer, socket writes', (f) =>
    /turn-writer/.test(f.url) || (/bare-ws-server/.test(f.url) && f.functionName === 'write') ||
    (/node:net|stream_base_commons|internal\/streams\/writable/.test(f.url) && f.functionName !== 'onStreamRead') ||
    ['writeBuffer', 'writev', 'writeUtf8String'].includes(f.functionName)],
  ['ack: its text, answer, recent ids', (f) =>
    /ack-frame/.test(f.url) || (/chat-core\.js/.test(f.url) && ['sent', 'add', 'has'].includes(f.functionName)) ||
    (/send-pipeline/.test(f.url) && /#answer|published/.test(f.functionName))],
  ['fan-out: views, per-recipient loop', (f) => /delivery\.js|json-text|core\/connection\.js/.test(f.url) || (/bare-ws-server/.test(f.url) && f.functionName === 'flush') || bare(f, 841)],
  ['publish in seq order, bus, event', (f) =>
    /ordered-publisher|core\/bus\.js|bus\/memory-bus|bus\/subscribers|member-lookups|summaries/.test(f.url) ||
    (/send-pipeline/.test(f.url) && /#afterCommit|committed/.test(f.functionName)) ||
    (/chat-core/.test(f.url) && (/messageEvent|storedDraft/.test(f.functionName) || (f.functionName === '' && f.lineNumber === 145)))],
  ['handing to the writer and its reply (serialise, post, search words)', (f) =>
    /sqlite-writer|commit-batcher|search-text/.test(f.url) || (/sqlite-store\.js/.test(f.url) && /commit/.test(f.functionName)) ||
    f.functionName === 'postMessage' || /node:internal\/worker/.test(f.url)],
  ['id, time', (f) => /message-id|crypto/.test(f.url)],
  ['checks (budget, rate, access, moderation, word list, facts)', (f) =>
    /send-pipeline|send-message|maybe-sync|moderation|word-list|frame-rates|rate-limiter|conversation-access|conversation-key|sqlite-store|sqlite-moderation|facts|error-codes|refusal/.test(f.url) ||
    (/chat-core/.test(f.url) && f.functionName === '#send')],
  ['frame read and parse (socket read, ws receiver, JSON, decode, gateway)', (f) =>
    /ws\/lib\/receiver|ws\/lib\/websocket|frame-decode|send-fast-path|gateway\.js|protocol\/|valibot|internal\/streams\/readable/.test(f.url) ||
    (/chat-core/.test(f.url) && /handleFrame|#handle/.test(f.functionName)) || bare(f, 1966) || f.functionName === 'onStreamRead'],
  ['timers, immediates, microtasks', (f) => /node:internal\/timers|node:internal\/process\/task_queues/.test(f.url) || f.functionName === 'runMicrotasks'],
  ['(program)', (f) => f.functionName === '(program)'],
];

const [file, from, to, usPerMsg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file!, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
let t = 0;
const seconds = profile.timeDeltas.map((d) => (t += d) / 1e6);
const idle = (id: number) => byId.get(id)!.callFrame.functionName === '(idle)';

if (from === undefined) {
  const perSecond: { all: number; busy: number }[] = [];
  profile.samples.forEach((id, i) => {
    const s = (perSecond[Math.floor(seconds[i]!)] ??= { all: 0, busy: 0 });
    s.all++;
    if (!idle(id)) s.busy++;
  });
  perSecond.forEach((s, i) => s && console.log(`${i} s: ${s.busy} busy of ${s.all} samples`));
} else {
  const stages = new Map<string, number>();
  const detail = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    if (seconds[i]! < Number(from) || seconds[i]! > Number(to) || idle(id)) return;
    busy++;
    let stage = 'other';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const rule = RULES.find(([, matches]) => matches(byId.get(at!)!.callFrame));
      if (rule) {
        stage = rule[0];
        break;
      }
    }
    stages.set(stage, (stages.get(stage) ?? 0) + 1);
    if (process.env['DETAIL'] === stage || stage === 'other') {
      const f = byId.get(id)!.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/.*\//, '')}:${f.lineNumber + 1}`;
      detail.set(key, (detail.get(key) ?? 0) + 1);
    }
  });
  console.log(`${from}–${to} s: ${busy} busy samples`);
  console.log(`| stage | share of the busy samples | µs/msg |\n| --- | --- | --- |`);
  for (const [stage, n] of [...stages].sort((a, b) => b[1] - a[1])) {
    console.log(`| ${stage} | ${((100 * n) / busy).toFixed(1)} % | ${usPerMsg ? ((n / busy) * Number(usPerMsg)).toFixed(1) : ''} |`);
  }
  for (const [key, n] of [...detail].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${n} ${key}`);
}
