import type { FriendActions } from '../../client/friend-actions.js';
import type { ChatClient } from '../../client/types.js';
import type { FriendEntry } from '../../protocol/frames.js';

/** Each client's friend actions, loaded once for every people view of the page (two widgets: two clients). */
const loaded = new WeakMap<ChatClient, Promise<FriendActions>>();

/**
 * The client's friend actions with the lists read once (the client keeps them current, and reads
 * them again after a reconnect); a failed read is tried again next time.
 */
export function loadFriends(client: ChatClient): Promise<FriendActions> {
  let friends = loaded.get(client);
  if (!friends) {
    friends = client.friends().then(async (f) => {
      await f.load();
      return f;
    });
    friends.catch(() => loaded.delete(client));
    loaded.set(client, friends);
  }
  return friends;
}

/** How this user stands with `userId`: a friend, a request received or sent, or none. */
export type Standing = 'friend' | 'in' | 'out' | 'none';

export function standingOf(friends: FriendActions | undefined, userId: string): Standing {
  if (!friends) return 'none';
  const has = (list: FriendEntry[]) => list.some((e) => e.id === userId);
  const { incoming, outgoing } = friends.$friendRequests.get();
  return has(friends.$friends.get()) ? 'friend' : has(incoming) ? 'in' : has(outgoing) ? 'out' : 'none';
}

/**
 * Resolves once this user no longer stands `before` with `userId` (the server's `friends.updated`
 * can land after the action's answer, through another node), or after `ms`.
 */
export function standingChanged(friends: FriendActions, userId: string, before: Standing, ms = 3000): Promise<Standing> {
  return new Promise((resolve) => {
    const check = () => {
      const now = standingOf(friends, userId);
      if (now === before && !timedOut) return;
      off1();
      off2();
      clearTimeout(timer);
      resolve(now);
    };
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), check()), ms);
    const off1 = friends.$friends.listen(check);
    const off2 = friends.$friendRequests.listen(check);
    check();
  });
}
