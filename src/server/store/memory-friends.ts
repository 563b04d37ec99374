import type { UserRecord } from '../core/types.js';
import type { FriendPerson, FriendRequestRecord, FriendStore } from '../friends/friend-store.js';

/** What the memory store shares with its friends part: its users and friendship pairs (`a\nb`). */
interface MemoryRelations {
  users: ReadonlyMap<string, UserRecord>;
  friends: Set<string>;
}

/**
 * FriendStore in memory (the memory store's part; same contract as SQLite and PostgreSQL), and
 * what the store's `deleteUser` calls to drop a user's requests.
 */
export function createMemoryFriends({ users, friends }: MemoryRelations): { api: FriendStore; dropUser(id: string): void } {
  /** `from\nto` -> request */
  const requests = new Map<string, FriendRequestRecord>();
  const pair = (a: string, b: string) => `${a}\n${b}`;
  const person = (id: string): FriendPerson | undefined => {
    const u = users.get(id);
    if (!u || u.deleted) return undefined;
    return { id, ...(u.name !== undefined && { name: u.name }), ...(u.avatar !== undefined && { avatar: u.avatar }) };
  };
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const dropUser = (id: string) => {
    for (const [k, r] of requests) if (r.from === id || r.to === id) requests.delete(k);
  };
  const api: FriendStore = {
    async listFriends(userId, after, limit) {
      const out: FriendPerson[] = [];
      for (const f of friends) {
        const [a, b] = f.split('\n') as [string, string];
        if (a !== userId || (after !== undefined && b <= after)) continue;
        const p = person(b);
        if (p) out.push(p);
      }
      return out.sort(byId).slice(0, limit);
    },
    async putFriendRequest(req, maxPending) {
      if (requests.has(pair(req.from, req.to))) return 'exists';
      const all = [...requests.values()];
      if (all.filter((r) => r.from === req.from).length >= maxPending || all.filter((r) => r.to === req.to).length >= maxPending) return 'limit';
      requests.set(pair(req.from, req.to), { ...req });
      return 'created';
    },
    async getFriendRequest(from, to) {
      const r = requests.get(pair(from, to));
      return r && { ...r };
    },
    async deleteFriendRequest(from, to) {
      return requests.delete(pair(from, to));
    },
    async acceptFriendRequest(from, to) {
      if (!requests.delete(pair(from, to))) return false;
      requests.delete(pair(to, from));
      friends.add(pair(from, to));
      friends.add(pair(to, from));
      return true;
    },
    async listFriendRequests(userId, direction, after, limit) {
      const out = [];
      for (const r of requests.values()) {
        const other = direction === 'in' ? (r.to === userId ? r.from : undefined) : r.from === userId ? r.to : undefined;
        if (other === undefined || (after !== undefined && other <= after)) continue;
        const p = person(other);
        if (p) out.push({ ...p, ...(r.message !== undefined && { message: r.message }), time: r.createdAt });
      }
      return out.sort(byId).slice(0, limit);
    },
  };
  return { api, dropUser };
}
