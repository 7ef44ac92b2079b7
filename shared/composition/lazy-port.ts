/**
 * Ports built on first use: the local composition starts the object store and the mail stand-in (and loads their
 * modules) only when a command first reads or writes a file or sends mail.
 */
import type { BlobStore, UploadStorage } from '../ports/index.ts';

/** An async factory run once: every caller gets the same promise (a failure stays the answer). */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

/** Methods whose every call returns a promise: the only kind a lazy port can forward before the port exists. */
type AsyncMethods<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

/** A port whose `methods` wait for `get()` and then forward the call. */
export function lazyPort<T extends object>(get: () => Promise<T>, methods: readonly AsyncMethods<T>[]): T {
  const port: Record<PropertyKey, unknown> = {};
  for (const name of methods) {
    port[name] = async (...args: unknown[]) => {
      const target = await get();
      const method = target[name] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (typeof method !== 'function') throw new Error(`this store has no ${String(name)}`);
      return method.apply(target, args);
    };
  }
  return port as T;
}

/** Every method of the file store (the S3 adapter has the optional presigned download too). */
export const BLOB_STORE_METHODS = [
  'put',
  'get',
  'getStream',
  'read',
  'exists',
  'list',
  'presignedDownloadUrl',
] as const satisfies readonly AsyncMethods<BlobStore>[];

/** Every method of the upload storage. */
export const UPLOAD_STORAGE_METHODS = [
  'presignPost',
  'head',
  'scanVerdict',
] as const satisfies readonly AsyncMethods<UploadStorage>[];
