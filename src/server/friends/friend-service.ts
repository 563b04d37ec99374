import { ChatError, type ClientFrameOf, type FriendEntry, type ServerFrame, type ServerFrameOf } from '../../protocol/index.js';
import { FRIEND_LIMITS } from '../../protocol/friend-frames.js';
import type { Connection } from '../core/connection.js';
import { fieldsBytes, fitting } from '../core/frame-budget.js';
import type { Store } from '../core/store.js';
import type { Clock } from '../core/types.js';
import type { FriendPerson } from './friend-store.js';

/** How one user stands with another, as `friends.updated` tells it. */
type Standing = ServerFrameOf<'friends.updated'>['state'];

/** What the service needs of the chat core (ChatCore has it all). */
export interface FriendHost {
  readonly store: Store;
  readonly clock: Clock;
  notify(users: string[], frame: ServerFrame): Promise<void>;
}

export interface FriendServiceOptions {
  /** Adding asks the other person first (`NATTER_FRIEND_REQUESTS=on`); off: adding is direct. */
  requests: boolean;
  /** A user blocked by the one they add is told BLOCKED; otherwise the add seems to succeed and does nothing. */
  blockedSenderSeesError: boolean;
  /** Requests one user may have pending, sent and received each. Default FRIEND_LIMITS.pending. */
  maxPending?: number;
}

type FriendFrame = ClientFrameOf<'friends.list' | 'friend.add' | 'friend.remove' | 'friend.accept' | 'friend.decline' | 'friend.cancel'>;

/**
 * Friends and friend requests of users (SPEC §13). Every change is told to every device of
 * both people (`friends.updated`, through the bus, so on every node), each seeing the other.
 * Someone who blocked a user never gets a request from them: per the site's blocked-sender
 * setting the requester is told BLOCKED or sees an apparent success that stores nothing.
 * A request sent shows its receiver by id only: sending one must not reveal a stranger's name
 * and picture (as `members.fetch` does not); the receiver sees the sender's, who reached out.
 */
export class FriendService {
  readonly #host: FriendHost;
  readonly #o: FriendServiceOptions;

  constructor(host: FriendHost, options: FriendServiceOptions) {
    this.#host = host;
    this.#o = options;
  }

  /** Handles the friend frames; errors are answered by the caller. */
  async handleFrame(conn: Connection, frame: FriendFrame): Promise<void> {
    const me = conn.session!.userId;
    switch (frame.type) {
      case 'friends.list': return send(conn, await this.list(me, frame));
      case 'friend.add': await this.add(me, frame.userId, frame.message); break;
      case 'friend.remove': await this.setFriends(me, frame.userId, false); break;
      case 'friend.accept': await this.#accept(me, frame.userId); break;
      case 'friend.decline': await this.#drop(frame.userId, me); break;
      case 'friend.cancel': await this.#drop(me, frame.userId); break;
    }
    send(conn, { type: 'ok', reqId: frame.reqId });
  }

  /** One page of friends or pending requests, cut by count and by bytes. */
  async list(me: string, frame: ClientFrameOf<'friends.list'>): Promise<ServerFrameOf<'friends'>> {
    const list = frame.list ?? 'friends';
    const limit = frame.limit ?? FRIEND_LIMITS.page;
    const store = this.#host.store;
    const rows: FriendEntry[] = list === 'friends'
      ? await store.listFriends(me, frame.after, limit + 1)
      : await store.listFriendRequests(me, list, frame.after, limit + 1);
    const n = fitting(rows.slice(0, limit), (r) => fieldsBytes(r.id, r.name, r.avatar, r.message));
    const items = rows.slice(0, n).map((r) => (list === 'out' ? idOnly(r) : r));
    return { type: 'friends', reqId: frame.reqId, items, hasMore: rows.length > n };
  }

  /**
   * Befriends `other`: directly with requests off, else a request (or the acceptance of theirs).
   * Already friends, or a request already pending: nothing changes.
   */
  async add(me: string, other: string, message?: string): Promise<void> {
    const store = this.#host.store;
    if (me === other) throw new ChatError('SELF_CONVERSATION', 'You cannot befriend yourself.');
    const user = await store.getUser(other);
    if (!user || user.deleted) throw new ChatError('USER_UNKNOWN');
    if (await store.areFriends(me, other)) return;
    if (await store.isBlocked(other, me)) {
      if (this.#o.blockedSenderSeesError) throw new ChatError('BLOCKED');
      return;
    }
    if (!this.#o.requests) return this.setFriends(me, other, true);
    if (await store.acceptFriendRequest(other, me)) return this.#tell(me, other, 'friend');
    const time = this.#host.clock();
    const outcome = await store.putFriendRequest({ from: me, to: other, createdAt: time, ...(message && { message }) }, this.#o.maxPending ?? FRIEND_LIMITS.pending);
    if (outcome === 'limit') throw new ChatError('FRIEND_REQUESTS_LIMIT');
    if (outcome === 'created') await this.#tell(me, other, 'out', { time, ...(message && { message }) });
  }

  /** Makes or ends a friendship at once (a user's remove, a direct add, the admin REST API) and tells both. */
  async setFriends(a: string, b: string, on: boolean): Promise<void> {
    const store = this.#host.store;
    if (a === b) throw new ChatError('SELF_CONVERSATION', 'You cannot befriend yourself.');
    if ((await store.areFriends(a, b)) === on) return;
    await store.setFriends(a, b, on);
    await this.#tell(a, b, on ? 'friend' : 'none');
  }

  /**
   * `owner` blocked `other`: a request `other` had waiting for `owner` goes, and only `owner`'s
   * devices are told (the requester learns nothing of the block; their list drops it at its next read).
   */
  async blocked(owner: string, other: string): Promise<void> {
    if (!(await this.#host.store.deleteFriendRequest(other, owner))) return;
    await this.#host.notify([owner], { type: 'friends.updated', user: await this.#person(other), state: 'none' });
  }

  async #accept(me: string, from: string): Promise<void> {
    if (!(await this.#host.store.acceptFriendRequest(from, me))) throw new ChatError('FRIEND_REQUEST_UNKNOWN');
    await this.#tell(me, from, 'friend');
  }

  /** A decline (by `to`) or a cancel (by `from`): the request is gone for both. */
  async #drop(from: string, to: string): Promise<void> {
    if (!(await this.#host.store.deleteFriendRequest(from, to))) throw new ChatError('FRIEND_REQUEST_UNKNOWN');
    await this.#tell(from, to, 'none');
  }

  /**
   * Tells both people how they now stand: `a` sees `b` with `state`, `b` sees `a` with the
   * mirror of it (a request `a` sent is one `b` received). `request` is the pending request's note and time.
   */
  async #tell(a: string, b: string, state: Standing, request?: { time: number; message?: string }): Promise<void> {
    const [pa, pb] = await Promise.all([this.#person(a), this.#person(b)]);
    const mirror: Standing = state === 'out' ? 'in' : state === 'in' ? 'out' : state;
    await Promise.all([
      this.#host.notify([a], { type: 'friends.updated', user: state === 'out' ? idOnly({ ...pb, ...request }) : { ...pb, ...request }, state }),
      this.#host.notify([b], { type: 'friends.updated', user: mirror === 'out' ? idOnly({ ...pa, ...request }) : { ...pa, ...request }, state: mirror }),
    ]);
  }

  async #person(id: string): Promise<FriendPerson> {
    const u = await this.#host.store.getUser(id);
    return { id, ...(u?.name !== undefined && { name: u.name }), ...(u?.avatar !== undefined && { avatar: u.avatar }) };
  }
}

/** A request sent, without the receiver's profile (see the class comment). */
function idOnly({ name: _name, avatar: _avatar, ...rest }: FriendEntry): FriendEntry {
  return rest;
}

function send(conn: Connection, frame: ServerFrame): void {
  conn.send(JSON.stringify(frame));
}
