/**
 * What the in-memory record adapters share: values copied in and out (a caller never holds the stored object), and
 * lists in DynamoDB's order (sort keys compared as UTF-8 bytes, as the table compares them).
 */

/** A deep copy of a record as DynamoDB would give it back: undefined properties dropped, nothing shared. */
export function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => copy(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = copy(item);
    return out as T;
  }
  return value;
}

/** Compares two sort keys as DynamoDB does (UTF-8 bytes). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Copies of the values, ordered by a sort key (ascending unless `newestFirst`). */
export function ordered<T>(values: Iterable<T>, sortKey: (value: T) => string, newestFirst = false): T[] {
  const sorted = [...values]
    .map((value) => ({ key: sortKey(value), value }))
    .sort((a, b) => compareKeys(a.key, b.key) * (newestFirst ? -1 : 1));
  return sorted.map((entry) => copy(entry.value));
}

/** Records grouped by a partition key, each under its sort key (a table partition's shape). */
export class Partitions<T> {
  private readonly partitions = new Map<string, Map<string, T>>();

  get(pk: string, sk: string): T | null {
    const value = this.partitions.get(pk)?.get(sk);
    return value === undefined ? null : copy(value);
  }

  has(pk: string, sk: string): boolean {
    return this.partitions.get(pk)?.has(sk) ?? false;
  }

  set(pk: string, sk: string, value: T): void {
    let partition = this.partitions.get(pk);
    if (!partition) {
      partition = new Map();
      this.partitions.set(pk, partition);
    }
    partition.set(sk, copy(value));
  }

  /** The partition's values in sort-key order, optionally those whose sort key starts with `prefix`. */
  list(pk: string, options: { prefix?: string; newestFirst?: boolean } = {}): T[] {
    const entries = [...(this.partitions.get(pk) ?? new Map<string, T>()).entries()].filter(
      ([sk]) => options.prefix === undefined || sk.startsWith(options.prefix),
    );
    return ordered(entries, ([sk]) => sk, options.newestFirst).map(([, value]) => value);
  }

  /** Every value of every partition (no order). */
  all(): T[] {
    return [...this.partitions.values()].flatMap((partition) => [...partition.values()].map((value) => copy(value)));
  }
}

/** Thrown where DynamoDB's conditional Put fails and the port does not answer with a value (an audit event twice). */
export class ConditionalWriteError extends Error {
  constructor(what: string) {
    super(`conditional write failed: ${what} exists already`);
    this.name = 'ConditionalWriteError';
  }
}
