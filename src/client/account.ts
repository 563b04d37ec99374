import { atom, type ReadableAtom } from 'nanostores';
import type { ServerFrameOf } from '../protocol/frames.js';
import type { Requests } from './requests.js';
import type { ChatClientOptions, Profile } from './types.js';

/** The signed-in user as one client knows them: who they are and whom they blocked. */
export interface Account {
  /** The user, once the session is ready. */
  readonly $me: ReadableAtom<Profile | undefined>;
  readonly $blocked: ReadableAtom<string[]>;
  /** The user's id: the session's, else who the token or the device cache said before it. */
  id(): string | undefined;
  /** The user's profile, as far as known (an id alone before the session). */
  profile(): Profile | undefined;
  /** Who the token or the device cache says the user is, before any session. */
  assume(userId: string | undefined): void;
  /** `session.ready`. Returns true when it is another user than assumed: the cache is not theirs. */
  ready(frame: ServerFrameOf<'session.ready'>): boolean;
  /** `blocklist.updated`. */
  setBlocked(blocked: string[]): void;
  block(userId: string): Promise<void>;
  unblock(userId: string): Promise<void>;
}

export function createAccount(requests: Requests): Account {
  const $me = atom<Profile | undefined>(undefined);
  const $blocked = atom<string[]>([]);
  let assumed: string | undefined;
  return {
    $me,
    $blocked,
    id: () => $me.get()?.id ?? assumed,
    profile: () => $me.get() ?? (assumed ? { id: assumed } : undefined),
    assume(userId) {
      assumed = userId;
    },
    ready(frame) {
      const { id, name, avatar } = frame.user;
      const switched = assumed !== undefined && assumed !== id;
      assumed = id;
      $me.set({ id, ...(name !== undefined && { name }), ...(avatar !== undefined && { avatar }) });
      $blocked.set(frame.blocked ?? []);
      return switched;
    },
    setBlocked: (blocked) => $blocked.set(blocked),
    async block(userId) {
      await requests.request({ type: 'blocklist.add', userId });
      if (!$blocked.get().includes(userId)) $blocked.set([...$blocked.get(), userId]);
    },
    async unblock(userId) {
      await requests.request({ type: 'blocklist.remove', userId });
      $blocked.set($blocked.get().filter((u) => u !== userId));
    },
  };
}

/** The user's token, as the connection and the uploads ask for it. */
export interface Tokens {
  /** A token fetched early (to name the device storage): the next connect uses it. */
  prefetched(token: string | undefined): void;
  /** Before every (re)connect: the prefetched token once, else a new one. */
  forConnect(): Promise<string>;
  /** For HTTP requests: the last token fetched, or a new one when `fresh` (it was refused). */
  forRequest(fresh: boolean): Promise<string>;
}

export function createTokens(options: Pick<ChatClientOptions, 'token' | 'getToken'>): Tokens {
  let early: string | undefined;
  let last: string | undefined;
  const fetchToken = async () => (last = await (options.getToken ? options.getToken() : options.token!));
  return {
    prefetched(token) {
      early = token;
    },
    async forConnect() {
      const token = early;
      early = undefined;
      return token ?? fetchToken();
    },
    async forRequest(fresh) {
      return !fresh && last !== undefined ? last : fetchToken();
    },
  };
}
