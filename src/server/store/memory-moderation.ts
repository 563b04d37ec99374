import { bySanctionOrder, type ModerationStore, type Sanction, type StoredWord } from '../moderation/types.js';

/** The moderation part of the memory store. */
export function createMemoryModeration(): ModerationStore {
  const sanctions = new Map<string, Sanction>();
  const words = new Map<string, StoredWord>();
  const key = (userId: string, kind: string, scope: string) => JSON.stringify([userId, kind, scope]);
  return {
    async putSanction(s) {
      sanctions.set(key(s.userId, s.kind, s.scope), { ...s });
    },
    async deleteSanction(userId, kind, scope) {
      return sanctions.delete(key(userId, kind, scope));
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
