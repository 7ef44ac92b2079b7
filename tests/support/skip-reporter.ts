/**
 * A vitest reporter (vitest.config.ts, after the default one) that ends every run with what was skipped: a line per
 * skipped group naming it, its file and test count, why (the need it declared with `describeNeeding` and what is
 * missing here) and the one command that enables it; or that nothing was. A skip nobody explained (a bare
 * `describe.skip`, `it.skipIf`, `ctx.skip()`) is listed too, as such. With INTAKE_REQUIRE_ALL_TESTS=1 (.ci/run) any
 * skip fails the run. A run filtered by test name (-t) lists only the skips for a missing need, since the filter
 * skips the rest.
 */
import type { Reporter, TestCase, TestModule, TestRunEndReason, TestSuite, Vitest } from 'vitest/node';
import { NEEDS } from './requirements.ts';

/** One skipped group (a suite, or a test skipped on its own). */
export interface SkippedGroup {
  name: string;
  file: string;
  tests: number;
  /** Why, and how to enable it; for a skip nobody explained, what vitest knows. */
  reason: string;
  enable?: string;
}

export const REQUIRE_ALL_TESTS_VARIABLE = 'INTAKE_REQUIRE_ALL_TESTS';

export default class SkipReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, _errors: unknown, reason: TestRunEndReason): void {
    if (reason === 'interrupted') return;
    const filtered = Boolean(this.vitest?.config.testNamePattern);
    const strict = process.env[REQUIRE_ALL_TESTS_VARIABLE] === '1';
    const lines = skipSummary(skippedGroups(modules, filtered), strict);
    const log = (line: string) => (this.vitest ? this.vitest.logger.log(line) : console.log(line));
    for (const line of lines.text) log(line);
    if (lines.fail) process.exitCode = 1;
  }
}

/** The skipped groups of a run, in file order. */
export function skippedGroups(modules: ReadonlyArray<TestModule>, filtered: boolean): SkippedGroup[] {
  const groups: SkippedGroup[] = [];
  const visit = (task: TestSuite | TestCase, file: string) => {
    const meta = task.meta();
    const skipped = task.type === 'suite' ? task.state() === 'skipped' : task.result().state === 'skipped';
    if (skipped && meta.needs && meta.missing) {
      const need = NEEDS[meta.needs];
      groups.push({
        name: task.fullName,
        file,
        tests: testCount(task),
        reason: `needs ${need.what}: ${meta.missing}`,
        enable: need.enable,
      });
      return;
    }
    if (skipped && !filtered) {
      const result = task.type === 'test' ? task.result() : undefined;
      const note = result?.state === 'skipped' ? result.note : undefined;
      const mode = task.options.mode === 'todo' ? 'todo' : 'skipped';
      groups.push({
        name: task.fullName,
        file,
        tests: testCount(task),
        reason: note ? `${mode}: ${note}` : `${mode}, no reason given (declare what it needs with describeNeeding)`,
      });
      return;
    }
    if (task.type === 'suite') for (const child of task.children) visit(child, file);
  };
  for (const module of modules) for (const child of module.children) visit(child, module.relativeModuleId);
  return groups;
}

/** The lines ending the run, and whether the run fails for its skips. */
export function skipSummary(groups: SkippedGroup[], strict: boolean): { text: string[]; fail: boolean } {
  if (groups.length === 0) return { text: ['Skipped: nothing, every test group ran.'], fail: false };
  const tests = groups.reduce((sum, group) => sum + group.tests, 0);
  const text = [
    `Skipped: ${groups.length} group${groups.length === 1 ? '' : 's'} (${tests} test${tests === 1 ? '' : 's'}) did not run here:`,
    ...groups.map(
      (group) =>
        `  SKIPPED ${group.name} (${group.file}, ${group.tests} test${group.tests === 1 ? '' : 's'}): ${group.reason}` +
        (group.enable ? `. Enable: ${group.enable}` : ''),
    ),
  ];
  if (strict) text.push(`${REQUIRE_ALL_TESTS_VARIABLE}=1: nothing may be skipped, so this run fails.`);
  return { text, fail: strict };
}

function testCount(task: TestSuite | TestCase): number {
  return task.type === 'test' ? 1 : [...task.children.allTests()].length;
}
