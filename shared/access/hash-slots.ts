/**
 * A small counting semaphore with a bounded queue, for work that must not take more than a few of a shared
 * resource's threads at once (password hashing on libuv's thread pool, see ./accounts.ts).
 */
import { IntakeError } from '../domain/errors.ts';

/** The queue is full: the work was not started. */
export class SlotsBusyError extends IntakeError {
  constructor() {
    super('access.busy', 'failure', 'too many password checks waiting', '登录繁忙，请稍后再试');
    this.name = 'SlotsBusyError';
  }
}

/** Runs at most `slots` tasks at once; up to `maxWaiting` more wait their turn, first come first served. */
export class HashSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Most tasks seen running at once (for tests and measurements). */
  peak = 0;

  constructor(
    readonly slots: number,
    readonly maxWaiting: number,
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError('slots must be a positive integer');
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs the task in a free slot (waiting for one); SlotsBusyError when too many wait already. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.slots) {
      if (this.waiting.length >= this.maxWaiting) throw new SlotsBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next in line; only when none waits is it given back.
      if (next) next();
      else this.active -= 1;
    }
  }
}
