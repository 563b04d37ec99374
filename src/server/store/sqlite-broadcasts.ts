import type Database from 'better-sqlite3';
import { INSERT_OUTBOX } from './sqlite-webhooks.js';
import {
  BROADCAST_WINDOW_MS,
  type BroadcastAdmission,
  type BroadcastQuota,
  type BroadcastRecord,
  type BroadcastStore,
  type DeviceRef,
} from '../core/broadcast-store.js';

/**
 * Broadcast tables. `broadcast_counter` hands out seqs (never reused, even when every
 * broadcast row is gone, so old device cursors stay below new broadcasts); `broadcast_sends`
 * is the quota log of the last day; `broadcast_cursors` is, per device, the highest seq it
 * received.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS broadcasts (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  sender TEXT,
  content TEXT NOT NULL,
  time INTEGER NOT NULL,
  expires_at INTEGER,
  offline INTEGER NOT NULL,
  withdrawn INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS broadcast_counter (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL);
INSERT OR IGNORE INTO broadcast_counter (id, last_seq) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS broadcast_sends (time INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS broadcast_sends_by_time ON broadcast_sends (time);
CREATE TABLE IF NOT EXISTS broadcast_cursors (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS broadcast_cursors_by_time ON broadcast_cursors (updated_at);
`;

type Row = Record<string, unknown>;

/** The broadcast part of the SQLite store, over the store's database handle. */
export function createSqliteBroadcasts(db: Database.Database): BroadcastStore {
  db.exec(SCHEMA);
  const q = {
    hook: db.prepare(INSERT_OUTBOX),
    countSince: db.prepare('SELECT count(*) FROM broadcast_sends WHERE time > ?').pluck(),
    nthSince: db.prepare('SELECT time FROM broadcast_sends WHERE time > ? ORDER BY time LIMIT 1 OFFSET ?').pluck(),
    logSend: db.prepare('INSERT INTO broadcast_sends (time) VALUES (?)'),
    trimSends: db.prepare('DELETE FROM broadcast_sends WHERE time <= ?'),
    nextSeq: db.prepare('UPDATE broadcast_counter SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq').pluck(),
    lastSeq: db.prepare('SELECT last_seq FROM broadcast_counter WHERE id = 1').pluck(),
    insert: db.prepare(
      'INSERT INTO broadcasts (seq, id, sender, content, time, expires_at, offline) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    dropExpired: db.prepare('DELETE FROM broadcasts WHERE offline = 1 AND expires_at <= ?'),
    dropOlder: db.prepare(
      'DELETE FROM broadcasts WHERE offline = ? AND seq NOT IN (SELECT seq FROM broadcasts WHERE offline = ? ORDER BY seq DESC LIMIT ?)',
    ),
    oldestOffline: db.prepare('SELECT min(time) FROM broadcasts WHERE offline = 1').pluck(),
    dropCursors: db.prepare('DELETE FROM broadcast_cursors WHERE updated_at < ?'),
    list: db.prepare('SELECT * FROM broadcasts WHERE withdrawn = 0 AND (offline = 0 OR expires_at > ?) ORDER BY seq DESC'),
    withdraw: db.prepare('UPDATE broadcasts SET withdrawn = 1, seq = ? WHERE id = ? AND withdrawn = 0'),
    isLive: db.prepare('SELECT 1 FROM broadcasts WHERE id = ? AND withdrawn = 0'),
    cursor: db.prepare('SELECT seq FROM broadcast_cursors WHERE user_id = ? AND device_id = ?').pluck(),
    due: db.prepare('SELECT * FROM broadcasts WHERE seq > ? AND (withdrawn = 1 OR (offline = 1 AND expires_at > ?)) ORDER BY seq'),
    raise: db.prepare(
      `INSERT INTO broadcast_cursors (user_id, device_id, seq, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, device_id) DO UPDATE SET seq = max(seq, excluded.seq), updated_at = excluded.updated_at`,
    ),
  };

  const toRecord = (r: Row): BroadcastRecord => {
    const b: BroadcastRecord = { seq: r['seq'] as number, id: r['id'] as string, content: r['content'] as string, time: r['time'] as number, offline: r['offline'] === 1 };
    if (r['withdrawn'] === 1) b.withdrawn = true;
    if (r['sender'] != null) b.from = r['sender'] as string;
    if (r['expires_at'] != null) b.expiresAt = r['expires_at'] as number;
    return b;
  };

  // IMMEDIATE: take the write lock before counting, so two writers cannot both see room.
  const add = db.transaction((b: Omit<BroadcastRecord, 'seq'>, { now, perMinute, perDay, keep, outbox }: BroadcastQuota): BroadcastAdmission => {
    q.trimSends.run(now - BROADCAST_WINDOW_MS.day);
    for (const [window, max] of [['minute', perMinute], ['day', perDay]] as const) {
      const since = now - BROADCAST_WINDOW_MS[window];
      const count = q.countSince.get(since) as number;
      if (count >= max) {
        const oldest = q.nthSince.get(since, count - max) as number;
        return { ok: false, window, max, resetAt: oldest + BROADCAST_WINDOW_MS[window] };
      }
    }
    q.logSend.run(now);
    const seq = q.nextSeq.get() as number;
    q.insert.run(seq, b.id, b.from ?? null, b.content, b.time, b.expiresAt ?? null, b.offline ? 1 : 0);
    q.dropExpired.run(now);
    for (const offline of [1, 0]) q.dropOlder.run(offline, offline, keep);
    // A device last seen before the oldest valid offline broadcast has received none of them:
    // forgetting its cursor changes nothing, and keeps the table from growing forever.
    q.dropCursors.run((q.oldestOffline.get() as number | null) ?? now);
    for (const e of outbox ?? []) q.hook.run(e.eventId, e.endpointId, e.type, e.key, e.time, e.payload, e.time, e.time);
    return { ok: true, seq };
  });

  const take = db.transaction((d: DeviceRef, now: number) => {
    const cursor = (q.cursor.get(d.userId, d.deviceId) as number | undefined) ?? 0;
    const due = (q.due.all(cursor, now) as Row[]).map(toRecord);
    q.raise.run(d.userId, d.deviceId, q.lastSeq.get() as number, now);
    return { added: due.filter((b) => !b.withdrawn), withdrawn: due.filter((b) => b.withdrawn).map((b) => b.id) };
  });

  // A tombstone takes the next seq, so devices whose cursor passed the broadcast hear of it.
  const withdraw = db.transaction((id: string): boolean => {
    if (q.isLive.get(id) === undefined) return false;
    return q.withdraw.run(q.nextSeq.get() as number, id).changes > 0;
  });

  const mark = db.transaction((devices: DeviceRef[], seq: number, now: number) => {
    for (const d of devices) q.raise.run(d.userId, d.deviceId, seq, now);
  });

  return {
    async addBroadcast(broadcast, quota) {
      return add.immediate(broadcast, quota);
    },
    async listBroadcasts(now) {
      return (q.list.all(now) as Row[]).map(toRecord);
    },
    async withdrawBroadcast(id) {
      return withdraw.immediate(id);
    },
    async takeBroadcasts(device, now) {
      return take.immediate(device, now);
    },
    async markBroadcastsReceived(devices, seq, now) {
      if (devices.length > 0) mark(devices, seq, now);
    },
  };
}
