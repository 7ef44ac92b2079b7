import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotAnswers } from '../../cli/commands/status-snapshot.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/intake.mjs');

async function intake(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** The record store's files as the snapshot stamps them: opening the store at all changes them. */
function storeFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'dynamodb');
  return readdirSync(dir)
    .map((name) => {
      const stat = statSync(join(dir, name));
      return `${name} ${stat.size} ${stat.mtimeMs}`;
    })
    .sort();
}

interface StatusJson {
  bases: { name: string; asOf: string; submissions: number; state: string }[];
}

describe('status snapshot validity', () => {
  const deadline = Date.parse('2023-11-10T16:00:00Z');
  const written = { stamp: 'a', deadline, beforeDeadline: true };

  it('answers while the stamp is the same and the deadline has not passed', () => {
    expect(snapshotAnswers(written, { stamp: 'a', now: new Date(deadline - 1) })).toBe(true);
  });

  it('does not answer once the deadline has passed, though nothing was written', () => {
    expect(snapshotAnswers(written, { stamp: 'a', now: new Date(deadline) })).toBe(false);
  });

  it('does not answer when the records, the code, the round or the settings stamp differently', () => {
    expect(snapshotAnswers(written, { stamp: 'b', now: new Date(deadline - 1) })).toBe(false);
  });
});

describe('intake status asked again', () => {
  let dir: string;
  let dataDir: string;
  let first: string;
  let second: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'intake-snapshot-'));
    dataDir = join(dir, 'data');
    const message = async (file: string, baseName: string, at: string) => {
      const form = await buildReportFormXlsx({ header: { baseName }, values: SAMPLE_FORM_VALUES });
      const path = join(dir, file);
      await writeFile(
        path,
        await buildEmail({
          subject: `${baseName}综合评价材料`,
          receivedAt: new Date(at),
          attachments: [{ filename: '经营服务情况报告表.xlsx', content: form }],
        }),
      );
      return path;
    };
    first = await message('1.eml', '平顺网红直播基地', '2023-11-08T08:30:00Z');
    second = await message('2.eml', '平顺网红直播基地', '2023-11-09T08:30:00Z');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers from the snapshot without opening the store, and computes again after a change', async () => {
    // Prepare
    await intake('ingest', '--data-dir', dataDir, first);

    // Act
    const computed = JSON.parse(await intake('status', '--data-dir', dataDir, '--json')) as StatusJson;
    const storeAfterComputing = storeFiles(dataDir);
    const kept = JSON.parse(await intake('status', '--data-dir', dataDir, '--json')) as StatusJson;
    const storeAfterKept = storeFiles(dataDir);
    const table = await intake('status', '--data-dir', dataDir, '--city', '长治');
    await intake('ingest', '--data-dir', dataDir, second);
    const afterChange = JSON.parse(await intake('status', '--data-dir', dataDir, '--json')) as StatusJson;

    // Assess
    expect(storeAfterKept).toEqual(storeAfterComputing);
    const pingshun = (report: StatusJson) => report.bases.find((b) => b.name === '平顺网红直播基地');
    expect(pingshun(computed)?.submissions).toBe(1);
    expect(kept.bases.map(({ asOf: _, ...rest }) => rest)).toEqual(computed.bases.map(({ asOf: _, ...rest }) => rest));
    expect(Date.parse(kept.bases[0]?.asOf ?? '')).toBeGreaterThanOrEqual(Date.parse(computed.bases[0]?.asOf ?? ''));
    expect(table).toContain('平顺网红直播基地');
    expect(table).not.toContain('太原市');
    expect(pingshun(afterChange)?.submissions).toBe(2);
  });

  it('computes an answer as of a past time, and survives a damaged snapshot', async () => {
    // Prepare
    await intake('status', '--data-dir', dataDir, '--json');
    const snapshotDir = join(dataDir, 'cache', 'status');
    for (const name of await readdir(snapshotDir)) await writeFile(join(snapshotDir, name), '{"version": 1, "rep');
    const before = storeFiles(dataDir);

    // Act
    const past = JSON.parse(
      await intake('status', '--data-dir', dataDir, '--json', '--as-of', '2023-11-08T18:00:00+08:00'),
    ) as StatusJson;
    const afterPast = storeFiles(dataDir);
    const repaired = JSON.parse(await intake('status', '--data-dir', dataDir, '--json')) as StatusJson;

    // Assess
    expect(afterPast).not.toEqual(before);
    expect(past.bases.find((b) => b.name === '平顺网红直播基地')?.submissions).toBe(1);
    expect(repaired.bases.find((b) => b.name === '平顺网红直播基地')?.submissions).toBe(2);
  });
});
