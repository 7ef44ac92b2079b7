/**
 * The local record store closes the LevelDB iterator of every Query once it is read (issue 17, item 4): dynalite
 * closes a Query's iterator through a `return()` that abstract-level's iterators lack, so without the stand-in's fix
 * every Query kept one open, ~25 KB of native memory, until the store closed (a whole-round status grew by ~150 MB,
 * a running `intake start` without end). Counted on the real stand-in, at the iterators' own `close()`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalContext, type LocalContext } from '../../shared/composition/local.ts';

/** abstract-level's iterator classes as dynalite's LevelDB loads them (dynalite -> level -> classic-level). */
function levelIterators(): { prototype: { close(): Promise<void> } }[] {
  const at = ['dynalite', 'level', 'classic-level'].reduce(
    (from, module) => createRequire(from).resolve(module),
    import.meta.url,
  );
  const level = createRequire(at)('abstract-level') as Record<string, { prototype: { close(): Promise<void> } }>;
  return [level.AbstractIterator, level.AbstractKeyIterator, level.AbstractValueIterator].filter(
    (found): found is { prototype: { close(): Promise<void> } } => found !== undefined,
  );
}

describe('the local record store', () => {
  let dir: string | undefined;
  let local: LocalContext | undefined;
  const undo: (() => void)[] = [];

  afterEach(async () => {
    for (const restore of undo.splice(0)) restore();
    await local?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('closes the iterator of each Query once its items are read', async () => {
    // Arrange: the real stand-in; every iterator close counted (the originals still run).
    dir = await mkdtemp(join(tmpdir(), 'intake-iterators-'));
    local = await createLocalContext({ dataDir: dir, own: true });
    let closed = 0;
    // `close` lives on the classes' common base: each prototype that owns one is wrapped once.
    const owners = new Set<object>();
    for (const iterator of levelIterators()) {
      let owner: object | null = iterator.prototype;
      while (owner && !Object.hasOwn(owner, 'close')) owner = Object.getPrototypeOf(owner);
      if (owner) owners.add(owner);
    }
    for (const owner of owners) {
      const original = Object.getOwnPropertyDescriptor(owner, 'close') as PropertyDescriptor;
      const close = original.value as () => Promise<void>;
      Object.defineProperty(owner, 'close', {
        ...original,
        value: function (this: unknown) {
          closed++;
          return close.call(this);
        },
      });
      undo.push(() => Object.defineProperty(owner, 'close', original));
    }
    expect(owners.size).toBeGreaterThan(0);
    const queries = 40;

    // Act: Queries that each find nothing and Queries that each find a submission.
    for (let i = 0; i < queries / 2; i++) await local.ctx.records.submissions.listByBase(`none-${i}`);
    for (let i = 0; i < queries / 2; i++) await local.ctx.records.documents.listBySubmission(`none-${i}`);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assess: every Query's iterator was closed while the store is still open.
    expect(closed).toBeGreaterThanOrEqual(queries);
  });
});
