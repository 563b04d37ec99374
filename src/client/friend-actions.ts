/**
 * The friend actions of the client (SPEC §13, contacts): the friends list, pending requests
 * both ways, add, remove and answering requests. Imported by `./chat-client.ts` the first time
 * `client.friends()` is called, so the script tag's first paint carries only the two stores.
 * Like the group actions they are requests a person waits for, each safe to retry.
 */
import { atom, type ReadableAtom } from 'nanostores';
import type { FriendEntry, ServerFrameOf } from '../protocol/frames.js';
import { FriendsPageSchema } from '../protocol/answer-frames.js';
import { acceptAnswers } from '../protocol/client-wire.js';
import type { Requests } from './requests.js';

/** Friend requests waiting for an answer: sent to this user (`incoming`, with their note) and by this user (`outgoing`). */
export interface FriendRequests {
  incoming: FriendEntry[];
  outgoing: FriendEntry[];
}

/** What `client.friends()` answers. Every change reaches the stores on every device of both people. */
export interface FriendActions {
  /** This user's friends by id: filled by `load()`, then kept current. */
  readonly $friends: ReadableAtom<FriendEntry[]>;
  /** Requests waiting for an answer, received and sent, by id: filled and kept like `$friends`. */
  readonly $friendRequests: ReadableAtom<FriendRequests>;
  /** Reads the friends list and both request lists from the server into the stores (every page). */
  load(): Promise<void>;
  /** Befriends `userId`, or sends them a request (with `message`) where the site has requests on. */
  add(userId: string, message?: string): Promise<void>;
  /** Ends the friendship with `userId`. */
  remove(userId: string): Promise<void>;
  /** Accepts the request `userId` sent (FRIEND_REQUEST_UNKNOWN when there is none). */
  accept(userId: string): Promise<void>;
  /** Declines the request `userId` sent. */
  decline(userId: string): Promise<void>;
  /** Withdraws the request sent to `userId`. */
  cancel(userId: string): Promise<void>;
  /** Applies a `friends.updated` frame to the stores (the client calls it). */
  apply(frame: ServerFrameOf<'friends.updated'>): void;
}

/** Pages a list had at most: 50 × 100 people, far past what a contacts view shows. */
const MAX_PAGES = 50;

const byId = (a: FriendEntry, b: FriendEntry) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function createFriendActions(requests: Requests): FriendActions {
  acceptAnswers(FriendsPageSchema);
  const $friends = atom<FriendEntry[]>([]);
  const $requests = atom<FriendRequests>({ incoming: [], outgoing: [] });
  async function all(list: 'friends' | 'in' | 'out'): Promise<FriendEntry[]> {
    const items: FriendEntry[] = [];
    for (let page = 0, after: string | undefined; page < MAX_PAGES; page++) {
      const f = await requests.request<ServerFrameOf<'friends'>>({ type: 'friends.list', list, ...(after !== undefined && { after }) });
      items.push(...f.items);
      if (!f.hasMore || f.items.length === 0) break;
      after = f.items[f.items.length - 1]!.id;
    }
    return items;
  }
  const change = (type: 'friend.remove' | 'friend.accept' | 'friend.decline' | 'friend.cancel') => async (userId: string) => {
    await requests.request({ type, userId });
  };
  return {
    $friends,
    $friendRequests: $requests,
    async load() {
      const [friends, incoming, outgoing] = await Promise.all([all('friends'), all('in'), all('out')]);
      $friends.set(friends);
      $requests.set({ incoming, outgoing });
    },
    async add(userId, message) {
      await requests.request({ type: 'friend.add', userId, ...(message ? { message } : {}) });
    },
    remove: change('friend.remove'),
    accept: change('friend.accept'),
    decline: change('friend.decline'),
    cancel: change('friend.cancel'),
    apply({ user, state }) {
      const without = (list: FriendEntry[]) => list.filter((e) => e.id !== user.id);
      const withUser = (list: FriendEntry[]) => [...without(list), user].sort(byId);
      const { incoming, outgoing } = $requests.get();
      $friends.set(state === 'friend' ? withUser($friends.get()) : without($friends.get()));
      $requests.set({ incoming: state === 'in' ? withUser(incoming) : without(incoming), outgoing: state === 'out' ? withUser(outgoing) : without(outgoing) });
    },
  };
}
