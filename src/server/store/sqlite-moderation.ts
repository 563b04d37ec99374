import type Database from 'better-sqlite3';
import type { GroupRole } from '../core/types.js';
import { guardAllows, type ModerationStore, type Sanction, type SanctionGuard, type StoredWord } from '../moderation/types.js';

export const SANCTIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS sanctions (
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  scope TEXT NOT NULL,
  until INTEGER,
  reason TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, kind, scope)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sanctions_by_scope ON sanctions (scope, kind);
CREATE TABLE IF NOT EXISTS word_list (
  word TEXT PRIMARY KEY,
  mode TEXT
) WITHOUT ROWID;`;

type Row = Record<string, unknown>;

export function toSanction(r: Row): Sanction {
  const s: Sanction = {
    userId: r['user_id'] as string, kind: r['kind'] as Sanction['kind'], scope: r['scope'] as string,
    until: r['until'] == null ? null : Number(r['until']), createdAt: Number(r['created_at']),
  };
  if (r['reason'] != null) s.reason = r['reason'] as string;
  return s;
}

export function toWord(r: Row): StoredWord {
  return r['mode'] == null ? { word: r['word'] as string } : { word: r['word'] as string, mode: r['mode'] as 'reject' | 'mask' };
}

/**
 * The moderation part of the SQLite store, on the main connection (rare admin writes), where
 * `roleIn` reads a group role (undefined: not a member) for a guarded write.
 */
export function createSqliteModeration(db: Database.Database, roleIn: (groupId: string, userId: string | undefined) => GroupRole | undefined): ModerationStore {
  db.exec(SANCTIONS_SCHEMA);
  const q = {
    // The same sanction standing writes nothing (a retried mute is told once).
    put: db.prepare(
      `INSERT INTO sanctions (user_id, kind, scope, until, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, kind, scope) DO UPDATE SET until = excluded.until, reason = excluded.reason, created_at = excluded.created_at
       WHERE until IS NOT excluded.until OR reason IS NOT excluded.reason`,
    ),
    del: db.prepare('DELETE FROM sanctions WHERE user_id = ? AND kind = ? AND scope = ?'),
    list: db.prepare('SELECT * FROM sanctions WHERE user_id = ? ORDER BY kind, scope'),
    groupMutes: db.prepare("SELECT * FROM sanctions WHERE scope = ? AND kind = 'mute' ORDER BY user_id"),
    words: db.prepare('SELECT word, mode FROM word_list ORDER BY word'),
    putWord: db.prepare('INSERT OR REPLACE INTO word_list (word, mode) VALUES (?, ?)'),
    delWord: db.prepare('DELETE FROM word_list WHERE word = ?'),
    clearWords: db.prepare('DELETE FROM word_list'),
  };
  const putAll = (entries: StoredWord[]) => {
    for (const e of entries) q.putWord.run(e.word, e.mode ?? null);
  };
  const replace = db.transaction((entries: StoredWord[]) => {
    q.clearWords.run();
    putAll(entries);
  });
  const put = db.transaction(putAll);
  // Read and written under the write lock (IMMEDIATE): nothing comes between the guard's check and the write.
  const putSanction = db.transaction((s: Sanction, guard: SanctionGuard | undefined) =>
    guardAllows(roleIn, s.userId, s.scope, guard) && q.put.run(s.userId, s.kind, s.scope, s.until, s.reason ?? null, s.createdAt).changes > 0);
  const deleteSanction = db.transaction((userId: string, kind: Sanction['kind'], scope: string, guard: SanctionGuard | undefined) =>
    guardAllows(roleIn, userId, scope, guard) && q.del.run(userId, kind, scope).changes > 0);
  return {
    async putSanction(s, guard) {
      return putSanction.immediate(s, guard);
    },
    async deleteSanction(userId, kind, scope, guard) {
      return deleteSanction.immediate(userId, kind, scope, guard);
    },
    async listWords() {
      return (q.words.all() as Row[]).map(toWord);
    },
    async replaceWords(entries) {
      replace(entries);
    },
    async putWords(entries) {
      put(entries);
    },
    async deleteWord(word) {
      return q.delWord.run(word).changes > 0;
    },
    async listSanctions(userId) {
      return (q.list.all(userId) as Row[]).map(toSanction);
    },
    async listGroupMutes(groupId) {
      return (q.groupMutes.all(groupId) as Row[]).map(toSanction);
    },
  };
}
