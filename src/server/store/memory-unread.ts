import type { OutboxEvent } from '../webhooks/types.js';
import { idFloor, type UnreadCandidate, type UnreadReminderStore } from '../webhooks/unread-types.js';

/** What the memory store's unread reminders read of its conversations. */
export interface MemoryUnreadView {
  conversations: ReadonlyMap<string, { rows: readonly { message: { id: string; seq: number; sender: string } }[]; members: ReadonlyMap<string, number> }>;
  enqueueNow(events: OutboxEvent[]): void;
}

/** Unread reminders in memory: the same behaviour as the SQL stores (the marks and the watermark in maps). */
export function createMemoryUnread({ conversations, enqueueNow }: MemoryUnreadView): UnreadReminderStore {
  const marks = new Map<string, number>();
  let watermark: number | undefined;
  const pair = (u: string, k: string) => `${u}\n${k}`;
  return {
    async unreadWatermark(initial) {
      return (watermark ??= initial);
    },
    async raiseUnreadWatermark(to) {
      if (watermark === undefined || to > watermark) watermark = to;
    },
    async unreadCandidates(from, to) {
      const [lo, hi] = [idFloor(from), idFloor(to)];
      const out: UnreadCandidate[] = [];
      for (const [key, c] of conversations) {
        const inWindow = c.rows.filter(({ message: m }) => m.id >= lo && m.id < hi).map((r) => r.message);
        if (inWindow.length === 0) continue;
        for (const [userId, readSeq] of c.members) {
          const toSeq = Math.max(0, ...inWindow.filter((m) => m.sender !== userId).map((m) => m.seq));
          if (readSeq < toSeq && marks.get(pair(userId, key)) !== readSeq) out.push({ userId, key, readSeq, toSeq });
        }
      }
      return out;
    },
    async claimUnreadReminders(claims) {
      return claims.map((c) => {
        const k = pair(c.userId, c.key);
        if (conversations.get(c.key)?.members.get(c.userId) !== c.readSeq || marks.get(k) === c.readSeq) return false;
        marks.set(k, c.readSeq);
        enqueueNow(c.events);
        return true;
      });
    },
  };
}
