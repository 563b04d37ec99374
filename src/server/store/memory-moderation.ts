import { bySanctionOrder, type ModerationStore, type Sanction } from '../moderation/types.js';

/** The moderation part of the memory store. */
export function createMemoryModeration(): ModerationStore {
  const sanctions = new Map<string, Sanction>();
  const key = (userId: string, kind: string, scope: string) => JSON.stringify([userId, kind, scope]);
  return {
    async putSanction(s) {
      sanctions.set(key(s.userId, s.kind, s.scope), { ...s });
    },
    async deleteSanction(userId, kind, scope) {
      return sanctions.delete(key(userId, kind, scope));
    },
    async listSanctions(userId) {
      return [...sanctions.values()].filter((s) => s.userId === userId).map((s) => ({ ...s })).sort(bySanctionOrder);
    },
  };
}
