import type { GroupRole } from '../core/types.js';
import { bySanctionOrder, guardAllows, type ModerationStore, type Sanction, type StoredWord } from '../moderation/types.js';

/** The moderation part of the memory store; `roleIn` reads a group role (undefined: not a member). */
export function createMemoryModeration(roleIn: (groupId: string, userId: string | undefined) => GroupRole | undefined): ModerationStore {
  const sanctions = new Map<string, Sanction>();
  const words = new Map<string, StoredWord>();
  const key = (userId: string, kind: string, scope: string) => JSON.stringify([userId, kind, scope]);
  // Each write is one synchronous step: nothing runs between the guard's check and the write.
  return {
    async putSanction(s, guard) {
      const k = key(s.userId, s.kind, s.scope);
      const before = sanctions.get(k);
      if (!guardAllows(roleIn, s.userId, s.scope, guard) || (before && before.until === s.until && before.reason === s.reason)) return false;
      sanctions.set(k, { ...s });
      return true;
    },
    async deleteSanction(userId, kind, scope, guard) {
      return guardAllows(roleIn, userId, scope, guard) && sanctions.delete(key(userId, kind, scope));
    },
    async listWords() {
      return [...words.values()].map((w) => ({ ...w })).sort((a, b) => (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
    },
    async replaceWords(entries) {
      words.clear();
      for (const e of entries) words.set(e.word, { ...e });
    },
    async putWords(entries) {
      for (const e of entries) words.set(e.word, { ...e });
    },
    async deleteWord(word) {
      return words.delete(word);
    },
    async listGroupMutes(groupId) {
      return [...sanctions.values()].filter((s) => s.kind === 'mute' && s.scope === groupId).map((s) => ({ ...s })).sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    },
    async listSanctions(userId) {
      return [...sanctions.values()].filter((s) => s.userId === userId).map((s) => ({ ...s })).sort(bySanctionOrder);
    },
  };
}
