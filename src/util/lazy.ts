// Loads a module the first time it is needed, once: the seam that keeps start-up to what a
// build uses (a format's decoder, a feature's library). In the bundles (scripts/compile.ts) the
// module behind each `import()` is evaluated on its first call only. No other logic here.

/**
 * A memoised loader: `const loadTar = lazy(() => import('tar/parse'))`, then `(await loadTar()).Parser`.
 * A failed load is not cached, so a later call tries again.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
}
