import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkPassword, parseAccounts, passwordCheckSlots, passwordProblem } from '../../../shared/access/accounts.ts';
import { HashSlots, SlotsBusyError } from '../../../shared/access/hash-slots.ts';

describe('password checks and the thread pool (issue 15, item 9)', () => {
  it('leaves the thread pool free for other work while 16 sign-ins hash at once', async () => {
    // Prepare
    const accounts = parseAccounts('admin:staff-pass-1:staff');
    const started = performance.now();

    // Act: 16 checks at once, then a file-system call (libuv's thread pool, like the stores' reads)
    const checks = Array.from({ length: 16 }, (_, i) => checkPassword(accounts, 'admin', `wrong-${i}`));
    const statStarted = performance.now();
    await stat(import.meta.filename);
    const statMs = performance.now() - statStarted;
    await Promise.all(checks);
    const totalMs = performance.now() - started;

    // Assess: before, the stat waited behind ~12 of the 16 hashes (about 3/4 of the total); now it is not queued.
    expect(passwordCheckSlots.peak).toBe(1);
    expect(statMs).toBeLessThan(totalMs / 4);
  });

  it('runs at most `slots` tasks at once and refuses beyond its queue', async () => {
    // Prepare
    const slots = new HashSlots(2, 3);
    let running = 0;
    let most = 0;
    const task = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    };

    // Act
    const accepted = Array.from({ length: 5 }, () => slots.run(task));
    // Its refusal is awaited at once: left pending while the others run, it is an unhandled rejection.
    const refused = expect(slots.run(task)).rejects.toBeInstanceOf(SlotsBusyError);
    await Promise.all(accepted);

    // Assess
    await refused;
    expect(most).toBe(2);
    expect(slots.running).toBe(0);
  });

  it('tells why a password is too weak, in Chinese', () => {
    // Act / Assess
    expect(passwordProblem('pw1')).toMatch(/至少 10 个字符/);
    expect(passwordProblem('abcdefghijk')).toMatch(/两类/);
    expect(passwordProblem('Password123')).toMatch(/常见/);
    expect(passwordProblem('wang-2023-ab', 'wang')).toMatch(/用户名/);
    expect(passwordProblem('省厅电商处2023年')).toBeNull();
    expect(passwordProblem('staff-pass-1')).toBeNull();
  });
});
