/**
 * `npm run bench:files`: what each FileStorage costs on this machine. Per adapter (disk,
 * PostgreSQL, S3-compatible through s3rver in this process), three runs of: one 32 MiB upload
 * streamed in 64 KiB pieces, one whole read, and 200 reads of 64 KiB at random offsets (what a
 * video player's seeks ask for). Prints medians: MiB/s in and out, the median and p95 of a
 * ranged read, and this process's CPU per MiB stored (for s3rver that includes the server's own
 * work, since it runs here). `--smoke`: 4 MiB, one run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import S3rver from 's3rver';
import { createDiskFileStorage } from '../src/server/uploads/disk-file-storage.js';
import type { FileStorage } from '../src/server/uploads/file-storage.js';
import { createPostgresFileStorage } from '../src/server/uploads/postgres-file-storage.js';
import { createS3FileStorage } from '../src/server/uploads/s3-file-storage.js';
import { freshSchema, requirePostgres } from '../test/server/helpers/services.js';
import { fmt, median, percentile, table } from './lib/stats.js';

const { values: args } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
const MiB = 1024 * 1024;
const SIZE = args.smoke ? 4 * MiB : 32 * MiB;
const RUNS = args.smoke ? 1 : 3;
const RANGES = args.smoke ? 20 : 200;
const RANGE_BYTES = 64 * 1024;

const bytes = randomBytes(SIZE);
const stream = () => {
  let at = 0;
  return new Readable({
    read() {
      if (at >= SIZE) return this.push(null);
      this.push(bytes.subarray(at, at + 64 * 1024));
      at += 64 * 1024;
    },
  });
};
async function drain(r: Readable): Promise<number> {
  let n = 0;
  for await (const c of r) n += (c as Buffer).length;
  return n;
}

interface Run { inMiBs: number; outMiBs: number; rangeMs: number; rangeP95: number; cpuMsPerMiB: number }

async function once(storage: FileStorage, run: number): Promise<Run> {
  const key = `bench-${Date.now().toString(36)}-${run}`;
  const cpu0 = process.cpuUsage();
  let t = performance.now();
  await storage.put(key, stream());
  const putMs = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  t = performance.now();
  if ((await drain(await storage.get(key))) !== SIZE) throw new Error('short read');
  const getMs = performance.now() - t;
  const ranges: number[] = [];
  for (let i = 0; i < RANGES; i++) {
    const start = Math.floor(Math.random() * (SIZE - RANGE_BYTES));
    t = performance.now();
    if ((await drain(await storage.get(key, { start, end: start + RANGE_BYTES - 1 }))) !== RANGE_BYTES) throw new Error('short range');
    ranges.push(performance.now() - t);
  }
  ranges.sort((a, b) => a - b);
  await storage.delete(key);
  return {
    inMiBs: SIZE / MiB / (putMs / 1000),
    outMiBs: SIZE / MiB / (getMs / 1000),
    rangeMs: percentile(ranges, 50),
    rangeP95: percentile(ranges, 95),
    cpuMsPerMiB: (cpu.user + cpu.system) / 1000 / (SIZE / MiB),
  };
}

async function measure(name: string, open: () => Promise<{ storage: FileStorage; close(): Promise<void> }>): Promise<(string | number)[]> {
  const { storage, close } = await open();
  try {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(storage, i));
    const m = (k: keyof Run) => median(runs.map((r) => r[k]));
    return [name, fmt(m('inMiBs')), fmt(m('outMiBs')), fmt(m('rangeMs'), 2), fmt(m('rangeP95'), 2), fmt(m('cpuMsPerMiB'), 2)];
  } finally {
    await close();
  }
}

await requirePostgres();
const rows: (string | number)[][] = [];
rows.push(await measure('disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'natter-bench-files-'));
  return { storage: createDiskFileStorage(dir), close: async () => rmSync(dir, { recursive: true, force: true }) };
}));
rows.push(await measure('PostgreSQL (256 KiB chunks)', async () => {
  const db = await freshSchema();
  const storage = await createPostgresFileStorage({ connectionString: db.url });
  return { storage, close: async () => (await storage.close(), await db.drop()) };
}));
rows.push(await measure('S3 (s3rver, in process)', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'natter-bench-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: 'bench' }] });
  const { port } = await server.run();
  const storage = await createS3FileStorage({ endpoint: `http://127.0.0.1:${port}`, bucket: 'bench', forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
  return { storage, close: async () => (await storage.close(), await server.close(), rmSync(directory, { recursive: true, force: true })) };
}));
console.log(`FileStorage, ${SIZE / MiB} MiB file, ${RANGES} ranged reads of ${RANGE_BYTES / 1024} KiB, medians of ${RUNS} run(s)`);
console.log(table(['storage', 'in MiB/s', 'out MiB/s', 'range p50 ms', 'range p95 ms', 'CPU ms per MiB in'], rows));
