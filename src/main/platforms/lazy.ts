/**
 * A module loaded on first use, once. Start-up loads only what it uses (issue 21): platform SDKs,
 * image, archive and keychain libraries wait until a publish, a connect or an import needs them,
 * so the engine is ready (scheduler armed, tray fed) before they load. `load` wraps a dynamic
 * `import()`, which the bundle keeps out of the start-up graph; a failed load is tried again on
 * the next call. A new platform (or any heavy dependency) follows the same shape:
 *
 *   const sdk = lazy(() => import('some-sdk'));
 *   async function publish() { const { Client } = await sdk(); ... }
 *
 * The boundaries check (`heavy-modules-on-first-use` in .dependency-cruiser.cjs) refuses a static
 * import of the listed packages from src/main.
 */
export interface Lazy<T> {
  (): Promise<T>;
  /** The module once it has loaded, else undefined (synchronous checks such as `instanceof` on an error it threw). */
  loaded(): T | undefined;
}

/** Wraps `load` so it runs once, on first call. */
export function lazy<T>(load: () => Promise<T>): Lazy<T> {
  let pending: Promise<T> | undefined;
  let value: T | undefined;
  const get = (() =>
    (pending ??= load().then(
      (module) => (value = module),
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    ))) as Lazy<T>;
  get.loaded = () => value;
  return get;
}

/** The default export of a CommonJS package loaded with `import()` (its `module.exports`). */
export function defaultOf<T>(module: { default?: T } | T): T {
  return ((module as { default?: T }).default ?? module) as T;
}
