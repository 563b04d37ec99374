/**
 * A loader that runs `load` once (a module's `import()` and what registers its elements), shares
 * its promise with every caller, and forgets a failed load so that the next call tries again.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

/**
 * A module fetched the first time a render needs it: `get(refresh)` returns it once it is in;
 * until then it starts the fetch (once for every caller) and returns undefined, and `refresh`
 * runs when the module arrives. A failed fetch (offline) is forgotten: the next render that asks
 * tries again.
 */
export function lazyModule<M>(load: () => Promise<M>): (refresh: () => void) => M | undefined {
  let module: M | undefined;
  const fetch = loadOnce(load);
  return (refresh) => {
    if (!module) fetch().then((m) => ((module = m), refresh()), () => {});
    return module;
  };
}
