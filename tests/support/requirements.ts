/**
 * What a few test groups need beyond Node, and how they skip without it: loudly. A group declares its need with
 * `describeNeeding(need)` instead of `describe`; where the need is missing the group is skipped and carries, in its
 * task meta, which need and what is missing here. The skip reporter (skip-reporter.ts) ends the run with a line
 * per skipped group: why, and the one command that enables it; with INTAKE_REQUIRE_ALL_TESTS=1 (.ci/run) any skip
 * fails the run.
 *
 * Needs:
 *   chromium  Debian's /usr/bin/chromium where installed, else the Chromium the @sparticuz/chromium dev dependency
 *             ships (Linux x64), prepared once per run by chromium-setup.ts and handed to the tests by `inject`.
 *   dovecot   a dovecot binary (Debian's dovecot-imapd), started on loopback by tests/integration/dovecot.ts.
 */
import { describe, inject } from 'vitest';
import { findDovecot } from '../integration/dovecot.ts';

/** A requirement a test group may declare. */
export type Need = 'chromium' | 'dovecot';

/** The chromium the browser tests drive, or what is missing. */
export type ChromiumFound =
  | {
      /** 'debian': /usr/bin/chromium; 'npm': the build @sparticuz/chromium ships, unpacked under the temp dir. */
      source: 'debian' | 'npm';
      executablePath: string;
      /** Environment the binary needs beside the test process's own (its libraries and fonts, for 'npm'). */
      env: Record<string, string>;
      version: string;
    }
  | { missing: string };

declare module 'vitest' {
  interface TaskMeta {
    /** The requirement this group declared (describeNeeding). */
    needs?: Need;
    /** What is missing on this machine: set only when the group was skipped for it. */
    missing?: string;
  }
  interface ProvidedContext {
    /** Found by chromium-setup.ts before the test files run. */
    chromium: ChromiumFound;
  }
}

/** What each need is, and the one command that brings it on Debian. */
export const NEEDS: Record<Need, { what: string; enable: string }> = {
  chromium: { what: 'a Chromium for the browser tests', enable: 'apt-get install chromium' },
  dovecot: {
    what: 'Dovecot, the IMAP server the mailbox tests start on loopback',
    enable: 'apt-get install dovecot-imapd',
  },
};

/** What is missing here for `need`, or null when it is met. */
export function missingFor(need: Need): string | null {
  if (need === 'dovecot') return findDovecot() ? null : 'no dovecot binary on PATH or in /usr/sbin';
  const found = chromiumFound();
  return 'missing' in found ? found.missing : null;
}

/** The chromium chromium-setup.ts found (a run without that global setup, or no vitest run at all, has none). */
export function chromiumFound(): ChromiumFound {
  let found: ChromiumFound | undefined;
  try {
    found = inject('chromium') as ChromiumFound | undefined;
  } catch {
    // not in a vitest worker
  }
  return found ?? { missing: 'no chromium global setup ran (tests/support/chromium-setup.ts, see vitest.config.ts)' };
}

/** `describe` for a group that needs `need`: run where it is met, else skipped with the reason in its meta. */
export function describeNeeding(need: Need): (name: string, factory: () => void) => void {
  const missing = missingFor(need);
  return (name, factory) => {
    const meta = missing === null ? { needs: need } : { needs: need, missing };
    describe.skipIf(missing !== null)(name, { meta }, factory);
  };
}
