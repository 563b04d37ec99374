// A process that sweeps `argv[2]` (SweepStores as JSON) and is killed (SIGKILL) by its first
// storage delete: the crash between the index forgetting a file and its bytes going.
import { silentLogger } from '../../../src/server/core/logger.js';
import { startUploadSweeper } from '../../../src/server/uploads/upload-sweeper.js';
import { openSweepStores, type SweepStores } from './sweep-stores.js';

const { index, storage } = await openSweepStores(JSON.parse(process.argv[2]!) as SweepStores);
const sweeper = startUploadSweeper({
  index,
  storage: { ...storage, delete: async () => void process.kill(process.pid, 'SIGKILL') },
  store: { findMessage: async () => undefined },
  clock: () => 10_000, logger: silentLogger, ttlMs: 1000, intervalMs: 3_600_000,
});
await sweeper.sweep();
process.exit(0); // not reached: the sweep's delete kills the process
