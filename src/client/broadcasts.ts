import { atom, type ReadableAtom } from 'nanostores';
import type { Broadcast } from '../protocol/frames.js';
import { LIMITS } from '../protocol/limits.js';

export interface BroadcastList {
  /** Broadcasts received and not withdrawn, newest first. */
  readonly $broadcasts: ReadableAtom<Broadcast[]>;
  /** Those of the device cache that have not expired. */
  restore(list: readonly Broadcast[]): void;
  /** `broadcast.new`: shown and saved at once, then announced; ignored when known already or expired. */
  add(broadcast: Broadcast): void;
  /** `broadcast.removed`. */
  remove(id: string): void;
}

export interface BroadcastListOptions {
  /** The list changed: save the device cache soon; `now` when it must not wait for the debounce. */
  save(now: boolean): void;
  /** A new broadcast arrived (the client's `broadcast` event). */
  announce(broadcast: Broadcast): void;
}

/**
 * The broadcasts of one client. The server delivers each to a device once, so the client keeps
 * them in its device cache (`PersistedState.broadcasts`) until they are withdrawn or expire.
 */
export function createBroadcastList(options: BroadcastListOptions): BroadcastList {
  const $broadcasts = atom<Broadcast[]>([]);
  const live = (b: Broadcast, now: number) => b.expiresAt === undefined || b.expiresAt > now;
  return {
    $broadcasts,
    restore(list) {
      const now = Date.now();
      $broadcasts.set(list.filter((b) => live(b, now)));
    },
    add(b) {
      const list = $broadcasts.get();
      if (list.some((x) => x.id === b.id)) return;
      if (b.expiresAt !== undefined && b.expiresAt < Date.now()) return;
      // As many as the server keeps offline; older ones are of no interest to a banner.
      $broadcasts.set([b, ...list].sort((x, y) => y.time - x.time).slice(0, LIMITS.offlineBroadcastsKept));
      // The server delivers a broadcast to a device once: saved now, not after the debounce, so
      // a reload right after it arrived cannot lose it.
      options.save(true);
      options.announce(b);
    },
    remove(id) {
      $broadcasts.set($broadcasts.get().filter((b) => b.id !== id));
      options.save(false);
    },
  };
}
