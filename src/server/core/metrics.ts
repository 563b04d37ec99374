import type { ErrorName } from '../../protocol/index.js';

/**
 * What the core counts. The Prometheus adapter (src/server/metrics/) implements it; the core
 * never imports a metrics library, so it stays free of I/O and easy to test.
 */
export interface CoreMetrics {
  /** A send was answered with an ack `seconds` after its frame reached the core. */
  acked(seconds: number, outcome: 'committed' | 'duplicate' | 'online-only'): void;
  /** A send was refused with `error` (UNAVAILABLE when nothing could be committed). */
  refused(error: ErrorName): void;
  /** A bus operation failed (`publish`) or the subscription lost events (`gap`). */
  busError(operation: 'publish' | 'gap'): void;
  /** The store failed a send's commit or a frame's read. */
  storeError(operation: 'commit' | 'read'): void;
  /** Connections closed so their clients resync after the bus lost events. */
  resynced(connections: number): void;
}

export const noMetrics: CoreMetrics = {
  acked() {},
  refused() {},
  busError() {},
  storeError() {},
  resynced() {},
};
