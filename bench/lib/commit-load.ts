/**
 * The commit benchmarks' load (`bench:commit`, bench/sqlite-commit.ts, and bench/postgres-commit.ts):
 * 200 users in rooms of 10, each also in a 1:1 pair, group and 1:1 sends by turns, so both stores
 * commit the same drafts.
 */
import type { MessageDraft } from '../../src/server/core/types.js';
import type { Store } from '../../src/server/core/store.js';

export const USERS = 200;
export const GROUP = 10;

let n = 0;
/** Time-ordered, as clients make them (src/client/identity.ts). */
function clientMsgId(): string {
  return Date.now().toString(16).padStart(12, '0') + (++n).toString(16).padStart(20, '0');
}

/**
 * The k-th send of the load, its id from `newMessageId` (the measured tree's). `mentions` (0 to 1):
 * the share of group sends that @mention two others of their room.
 */
export function commitDraft(k: number, newMessageId: () => string, mentions: number): MessageDraft {
  const u = k % USERS;
  const sender = `u${u}`;
  const time = Date.now();
  const text = `s1x${time}.${k % 1000} hello`;
  if (k % 2 === 0) {
    const room = Math.floor(u / GROUP);
    const key = `group:room${room}`;
    // Every (1 / mentions)-th group send names two others of its room (k / 2: the group sends' count).
    const named = mentions > 0 && (k / 2) % Math.round(1 / mentions) === 0 ? { groupAtUserList: [`u${room * GROUP + ((u + 1) % GROUP)}`, `u${room * GROUP + ((u + 3) % GROUP)}`] } : {};
    return { key, type: 'group', message: { id: newMessageId(), conversationId: key, seq: 0, clientMsgId: clientMsgId(), sender, senderProfile: {}, time, elem: { type: 'text', text }, ...named } } as MessageDraft;
  }
  const peer = `u${u ^ 1}`;
  const key = `p2p:${[sender, peer].sort().join('|')}`;
  return { key, type: 'p2p', message: { id: newMessageId(), conversationId: `p2p:${peer}`, seq: 0, clientMsgId: clientMsgId(), sender, senderProfile: {}, time, elem: { type: 'text', text } } } as MessageDraft;
}

/** The load's rooms, made by the store itself. */
export async function createLoadGroups(store: Pick<Store, 'createGroup'>): Promise<void> {
  for (let r = 0; r < USERS / GROUP; r++) {
    await store.createGroup({ id: `room${r}`, name: `Room ${r}`, createdAt: 1 }, Array.from({ length: GROUP }, (_, i) => `u${r * GROUP + i}`));
  }
}
