import type { OutboxEvent } from '../webhooks/types.js';
import { BROADCAST_WINDOW_MS, type BroadcastRecord, type BroadcastStore, type DeviceRef } from '../core/broadcast-store.js';

/** The broadcast part of the memory store: the same behaviour as the SQL stores, in maps. */
export function createMemoryBroadcasts(enqueue: (events: OutboxEvent[]) => void = () => {}): BroadcastStore {
  let lastSeq = 0;
  /** Ascending by seq. */
  let stored: BroadcastRecord[] = [];
  /** Times of every broadcast added in the last day (the quota log). */
  let sends: number[] = [];
  const cursors = new Map<string, { seq: number; updatedAt: number }>();
  const deviceKey = (d: DeviceRef) => `${d.userId}\n${d.deviceId}`;
  const valid = (b: BroadcastRecord, now: number) => !b.offline || (b.expiresAt ?? Infinity) > now;

  return {
    async addBroadcast(broadcast, { now, perMinute, perDay, keep, outbox }) {
      sends = sends.filter((t) => t > now - BROADCAST_WINDOW_MS.day);
      for (const [window, max] of [['minute', perMinute], ['day', perDay]] as const) {
        const inWindow = sends.filter((t) => t > now - BROADCAST_WINDOW_MS[window]);
        if (inWindow.length >= max) {
          return { ok: false, window, max, resetAt: inWindow[inWindow.length - max]! + BROADCAST_WINDOW_MS[window] };
        }
      }
      sends.push(now);
      const seq = ++lastSeq;
      stored.push({ ...structuredClone(broadcast), seq });
      stored = stored.filter((b) => valid(b, now));
      for (const offline of [true, false]) {
        const kind = stored.filter((b) => b.offline === offline);
        if (kind.length > keep) {
          const drop = new Set(kind.slice(0, kind.length - keep));
          stored = stored.filter((b) => !drop.has(b));
        }
      }
      // A device last seen before the oldest valid offline broadcast has received none of them:
      // forgetting its cursor changes nothing, and keeps the table from growing forever.
      const oldest = Math.min(now, ...stored.filter((b) => b.offline).map((b) => b.time));
      for (const [k, c] of cursors) if (c.updatedAt < oldest) cursors.delete(k);
      enqueue(outbox ?? []);
      return { ok: true, seq };
    },
    async listBroadcasts(now) {
      return stored.filter((b) => !b.withdrawn && valid(b, now)).reverse().map((b) => structuredClone(b));
    },
    async withdrawBroadcast(id) {
      const b = stored.find((x) => x.id === id && !x.withdrawn);
      if (!b) return false;
      stored = [...stored.filter((x) => x !== b), { ...b, withdrawn: true, seq: ++lastSeq }];
      return true;
    },
    async takeBroadcasts(device, now) {
      const key = deviceKey(device);
      const cursor = cursors.get(key)?.seq ?? 0;
      const fresh = stored.filter((b) => b.seq > cursor);
      const added = fresh.filter((b) => b.offline && !b.withdrawn && valid(b, now)).map((b) => structuredClone(b));
      const withdrawn = fresh.filter((b) => b.withdrawn).map((b) => b.id);
      cursors.set(key, { seq: Math.max(cursor, lastSeq), updatedAt: now });
      return { added, withdrawn };
    },
    async markBroadcastsReceived(devices, seq, now) {
      for (const d of devices) {
        const key = deviceKey(d);
        cursors.set(key, { seq: Math.max(cursors.get(key)?.seq ?? 0, seq), updatedAt: now });
      }
    },
  };
}
