/** A person in a friends list: their id and current profile. */
export interface FriendPerson {
  id: string;
  name?: string;
  avatar?: string;
}

/** A friend request waiting for an answer (SPEC §13), from `from` to `to`. */
export interface FriendRequestRecord {
  from: string;
  to: string;
  /** The note the request carries. */
  message?: string;
  createdAt: number;
}

/** A pending request as one side lists it: the other side's profile, the note and when. */
export interface FriendRequestView extends FriendPerson {
  message?: string;
  time: number;
}

/** What storing a request did: stored, one from→to was already there, or a side has too many pending. */
export type FriendRequestOutcome = 'created' | 'exists' | 'limit';

/**
 * The part of `Store` that keeps friends lists and friend requests (SPEC §13). Friendship itself
 * is `Store.setFriends` / `areFriends`. Deleted users are left out of every list. Every adapter
 * passes test/server/store/store-friends-contract.ts.
 */
export interface FriendStore {
  /** `userId`'s friends with an id after `after`, by id, at most `limit`. */
  listFriends(userId: string, after: string | undefined, limit: number): Promise<FriendPerson[]>;
  /**
   * Stores a request unless one from→to is pending already (`exists`, the first one kept) or it
   * would leave `from` with more than `maxPending` sent or `to` with more than `maxPending`
   * received (`limit`, nothing stored). Checked and stored in one transaction.
   */
  putFriendRequest(req: FriendRequestRecord, maxPending: number): Promise<FriendRequestOutcome>;
  getFriendRequest(from: string, to: string): Promise<FriendRequestRecord | undefined>;
  /** Drops the request from→to; false when there was none. */
  deleteFriendRequest(from: string, to: string): Promise<boolean>;
  /**
   * In one transaction: drops the request from→to (false, changing nothing, when there is none),
   * any request the other way, and makes the two friends.
   */
  acceptFriendRequest(from: string, to: string): Promise<boolean>;
  /** Requests sent to (`in`) or by (`out`) `userId`, the other side's id after `after`, by that id, at most `limit`. */
  listFriendRequests(userId: string, direction: 'in' | 'out', after: string | undefined, limit: number): Promise<FriendRequestView[]>;
}
