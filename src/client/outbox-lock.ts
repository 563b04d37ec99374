interface LockManagerLike {
  request(name: string, callback: () => Promise<void>): Promise<void>;
}

/**
 * Runs `fn` holding the Web Lock `name`, so that of several tabs of one user sharing one
 * IndexedDB outbox only one flushes it at a time (the other waits, then re-reads the outbox and
 * finds the entries already sent and deleted). Where Web Locks are missing (Node, old browsers)
 * `fn` simply runs: the server's clientMsgId dedupe still guarantees no duplicate.
 */
export async function withOutboxLock(name: string, fn: () => Promise<void>): Promise<void> {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (locks && typeof locks.request === 'function') return locks.request(name, fn);
  return fn();
}
