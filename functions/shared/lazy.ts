/**
 * What a function builds once per container (its context, the app, settings read from secrets): built on first
 * use and kept; a build that failed is not kept, so the next invocation tries again instead of failing for the
 * container's life.
 */

/** A value built on first use; `forget` drops it (e.g. a password that may have changed). */
export interface Lazy<T> {
  get(): Promise<T>;
  forget(): void;
}

/** Builds `build()` on the first `get` and keeps it; a rejected build is dropped. */
export function lazy<T>(build: () => Promise<T>): Lazy<T> {
  let pending: Promise<T> | undefined;
  return {
    get() {
      pending ??= build().catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
      return pending;
    },
    forget() {
      pending = undefined;
    },
  };
}
