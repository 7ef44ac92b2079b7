import { describe, expect, it } from 'vitest';
import { pipelined } from '../../../shared/use-cases/read-documents.ts';

/** A piece of work that finishes when told to, recording when it ran. */
function gate<R>(value: R, log: string[], name: string) {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    open: () => open(),
    work: async () => {
      log.push(`start ${name}`);
      await opened;
      log.push(`end ${name}`);
      return value;
    },
  };
}

describe('pipelined', () => {
  it('keeps the bytes in flight within the budget and gives results in the order of add', async () => {
    // Prepare
    const log: string[] = [];
    const line = pipelined<string>(10);
    const a = gate('a', log, 'a');
    const b = gate('b', log, 'b');
    const c = gate('c', log, 'c');

    // Act
    await line.add(a.work, 6);
    await line.add(b.work, 4); // 6 + 4 fits the budget of 10: starts at once
    const third = line.add(c.work, 3); // 13 would not fit: waits for room
    await Promise.resolve();
    const beforeRoom = [...log];
    b.open();
    await third;
    const afterRoom = [...log];
    a.open();
    c.open();
    const results = await line.results();

    // Assess
    expect(beforeRoom).toEqual(['start a', 'start b']);
    expect(afterRoom).toEqual(['start a', 'start b', 'end b', 'start c']);
    expect(results).toEqual(['a', 'b', 'c']);
  });

  it('starts a piece larger than the budget once nothing else runs', async () => {
    // Prepare
    const log: string[] = [];
    const line = pipelined<number>(10);
    const small = gate(1, log, 'small');

    // Act
    await line.add(small.work, 2);
    const large = line.add(async () => 2, 50);
    await Promise.resolve();
    const waiting = [...log];
    small.open();
    await large;

    // Assess
    expect(waiting).toEqual(['start small']);
    expect(await line.results()).toEqual([1, 2]);
  });

  it('throws the first failure and starts no work after it', async () => {
    // Prepare
    const line = pipelined<number>(1);
    let lateStarted = false;

    // Act
    await line.add(async () => {
      throw new Error('store failed');
    }, 1);
    await line.add(async () => {
      lateStarted = true;
      return 2;
    }, 1);

    // Assess
    await expect(line.results()).rejects.toThrow('store failed');
    expect(lateStarted).toBe(false);
  });
});
