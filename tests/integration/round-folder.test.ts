/**
 * A new round is a folder: a 2024 round written as JSON files beside no code (a copy of the shipped 2023 folder with
 * its own id, period, deadline and a newcomer base) loads, becomes the default round, and evaluates a submission
 * end to end on the local stack — identified among its own bases, on time or late by its own deadline.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalContext } from '../../shared/composition/local.ts';
import { availableRounds, loadRound, loadScoring, ROUNDS_DIR_VARIABLE } from '../../shared/domain/rounds/index.ts';
import { evaluateBase } from '../../shared/use-cases/evaluate.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { buildSelfAssessmentPdf } from '../fixtures/self-assessment-pdf.ts';

const SHIPPED = join(import.meta.dirname, '../../shared/domain/rounds/2023');
const NEWCOMER = '山西晋韵新设直播电商基地';

let root: string;
let savedVariable: string | undefined;

/** Writes rounds/2024 from the 2023 files with the year's own data; nothing but JSON. */
function writeRound2024(dir: string): void {
  cpSync(SHIPPED, dir, { recursive: true });
  const edit = <T>(file: string, change: (data: T) => unknown) =>
    writeFileSync(join(dir, file), JSON.stringify(change(JSON.parse(readFileSync(join(dir, file), 'utf8'))), null, 2));
  edit<Record<string, unknown>>('round.json', (round) => ({
    ...round,
    id: '2024',
    title: '山西省2023—2024年度省级直播电商基地综合评价',
    period: { from: '2023-09', to: '2024-08' },
    deadline: '2024-11-08',
    paperDue: '2024-11-08',
    reviewStartsOn: '2024-11-13',
  }));
  edit<Record<string, unknown>[]>('bases.json', (bases) => [
    ...bases.slice(0, 5),
    { ...bases[0], id: 'n2024-01', name: NEWCOMER, city: 'jinzhong', category: 'recommended', aliases: [] },
  ]);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'round-folder-'));
  writeRound2024(join(root, 'rounds', '2024'));
  savedVariable = process.env[ROUNDS_DIR_VARIABLE];
  process.env[ROUNDS_DIR_VARIABLE] = join(root, 'rounds');
});

afterAll(() => {
  if (savedVariable === undefined) delete process.env[ROUNDS_DIR_VARIABLE];
  else process.env[ROUNDS_DIR_VARIABLE] = savedVariable;
  rmSync(root, { recursive: true, force: true });
});

describe('a new round is a folder', () => {
  it('loads the folder as the default round, with its scoring scheme', () => {
    // Act
    const round = loadRound();

    // Assess
    expect(availableRounds()).toEqual(['2024']);
    expect(round).toMatchObject({ id: '2024', deadline: '2024-11-08' });
    expect(round.bases.map((b) => b.name)).toContain(NEWCOMER);
    expect(loadScoring('2024').groups.length).toBeGreaterThan(0);
  });

  it('names the file and the place when the folder holds broken JSON', () => {
    // Prepare
    const broken = join(root, 'broken');
    cpSync(join(root, 'rounds', '2024'), join(broken, '2025'), { recursive: true });
    writeFileSync(join(broken, '2025', 'round.json'), '{ "id": "2025", ');

    // Act
    const load = () => loadRound('2025', broken);

    // Assess
    expect(load).toThrow(/rounds\/2025\/round\.json/);
  });

  it('identifies and evaluates a submission by the round’s own bases and deadline', async () => {
    // Prepare
    const dataDir = join(root, 'data');
    const local = await createLocalContext({ dataDir, own: true, roundId: '2024' });
    try {
      const message = async (baseName: string, receivedAt: Date, messageId: string) =>
        buildEmail({
          subject: `${baseName}申报材料`,
          receivedAt,
          messageId,
          attachments: [
            {
              filename: '经营服务情况报告表.xlsx',
              content: await buildReportFormXlsx({
                header: { baseName },
                values: SAMPLE_FORM_VALUES,
              }),
            },
            { filename: '自评报告.pdf', content: await buildSelfAssessmentPdf({ baseName }) },
          ],
        });
      const veteran = local.ctx.round.bases[1]!;
      // 7 November 2024, 10:00 Beijing: before the 2024 deadline (8 November), though after 2023's (10 November
      // 2023); 9 November 2024: after it, though before 10 November.
      const onTime = await message(NEWCOMER, new Date('2024-11-07T02:00:00Z'), '<r2024-1@example.cn>');
      const late = await message(veteran.name, new Date('2024-11-09T02:00:00Z'), '<r2024-2@example.cn>');
      const asOf = new Date('2024-11-20T00:00:00Z');

      // Act
      const first = await ingestMessage(local.ctx, { raw: onTime, channel: 'cli' });
      const second = await ingestMessage(local.ctx, { raw: late, channel: 'cli' });
      const newcomer = await evaluateBase(local.ctx, { baseId: first.baseId!, asOf });
      const veteranStatus = await evaluateBase(local.ctx, { baseId: second.baseId!, asOf });

      // Assess
      expect(local.ctx.round.id).toBe('2024');
      expect(first.baseId).toBe('n2024-01');
      expect(newcomer).toMatchObject({ name: NEWCOMER, city: 'jinzhong', late: false });
      expect(newcomer.missing.documents).toEqual([]);
      expect(second.baseId).toBe(veteran.id);
      expect(veteranStatus.late).toBe(true);
    } finally {
      await local.close();
    }
  });
});
