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
