/**
 * The hostile corpus (issue 15): each bomb and known trap is generated, then ingested in a process of its own
 * (tests/support/ingest-one.ts: the local stand-ins and the intake path, parser worker included), so that the peak
 * resident memory measured is that message's. Each must be recorded, carry a finding that says what happened, take
 * less than 30 s and peak at most 200 MB above an ordinary submission (a report form and a self-assessment) taken
 * through the same path in the same run.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  garbagePdf,
  manyAttachments,
  nestedZips,
  pdfFlateBomb,
  writeDeepMime,
  writeMessage,
  xlsxLongSharedString,
  xlsxManyRows,
  xlsxSharedStringBomb,
  zipBomb,
  zipSlip,
} from '../fixtures/hostile.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { buildSelfAssessmentPdf } from '../fixtures/self-assessment-pdf.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const BASE = '平顺网红直播基地';
const SUBJECT = `【申报材料】${BASE}2022-2023年度综合评价材料`;
const PEAK_ALLOWANCE_MB = 200;
const TIME_LIMIT_MS = 30_000;

interface Outcome {
  submissionId: string;
  duplicate: boolean;
  findings: string[];
  documents: { fileName: string; kind: string; findings: string[] }[];
  elapsedMs: number;
  peakRssMb: number;
}

let dir: string;
let ordinary: Outcome;
const measured: string[] = [];

async function ingestOne(file: string): Promise<Outcome> {
  const dataDir = await mkdtemp(join(dir, 'data-'));
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(root, 'tests/support/ingest-one.ts'), file, dataDir],
    { cwd: root, maxBuffer: 64 * 1024 * 1024, timeout: 180_000, env: { ...process.env, INTAKE_OCR: 'off' } },
  );
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Outcome;
}

const documentCodes = (outcome: Outcome) => outcome.documents.flatMap((d) => d.findings);

/** Writes a submission of one attachment, made when the case runs (some take seconds and megabytes to make). */
const oneFile =
  (fileName: string, content: () => Buffer | Promise<Buffer>) =>
  async (file: string): Promise<unknown> =>
    writeMessage(file, { subject: SUBJECT, attachments: [{ fileName, content: await content() }] });

describe('hostile input: every parser within its budget', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hostile-'));
    const file = join(dir, 'ordinary.eml');
    await writeMessage(file, {
      subject: SUBJECT,
      attachments: [
        {
          fileName: '附件2 经营服务情况报告表.xlsx',
          content: await buildReportFormXlsx({ header: { baseName: BASE }, values: SAMPLE_FORM_VALUES }),
        },
        { fileName: '附件3 自评报告.pdf', content: await buildSelfAssessmentPdf({ baseName: BASE }) },
      ],
    });
    ordinary = await ingestOne(file);
  }, 240_000);

  afterAll(async () => {
    // The figures, for the closing note and the README (peak above the ordinary submission, seconds).
    if (measured.length && process.env.INTAKE_HOSTILE_REPORT) {
      await writeFile(process.env.INTAKE_HOSTILE_REPORT, `${measured.join('\n')}\n`);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads the ordinary submission in full (the baseline the others are measured against)', () => {
    expect(ordinary.documents.map((d) => d.kind).sort()).toEqual(['report-form', 'self-assessment']);
    expect(documentCodes(ordinary).filter((code) => code.startsWith('file.'))).toEqual([]);
  });

  const cases: {
    name: string;
    write: (file: string) => Promise<unknown>;
    expected: (outcome: Outcome) => void;
  }[] = [
    {
      name: 'a PDF whose content stream inflates to 1 GiB (1.4 MB file)',
      write: oneFile('附件3 自评报告.pdf', () => pdfFlateBomb(1024)),
      expected: (o) => expect(documentCodes(o)).toContain('file.memory-limit'),
    },
    {
      name: 'an xlsx whose shared string inflates to 512 MiB (2 MB file)',
      write: oneFile('附件2 经营服务情况报告表.xlsx', () => xlsxSharedStringBomb(512)),
      expected: (o) => expect(documentCodes(o)).toContain('file.package-too-large'),
    },
    {
      name: 'an xlsx of a million rows (16 MB file)',
      write: oneFile('交易台账.xlsx', () => xlsxManyRows(1_000_000)),
      expected: (o) => expect(documentCodes(o)).toContain('file.package-too-large'),
    },
    {
      name: 'one long shared string referenced by 4,000 cells (18 KB file)',
      write: oneFile('附件2 经营服务情况报告表.xlsx', () => xlsxLongSharedString(100_000, 4_000)),
      expected: (o) => expect(documentCodes(o)).toContain('form.partly-read'),
    },
    {
      name: 'zips nested six deep',
      write: oneFile('证明材料.zip', () => nestedZips(6)),
      expected: (o) => {
        expect(documentCodes(o)).toContain('archive.nested-too-deep');
        // Only the first two levels are opened: nothing from level 3 down is stored as a document.
        const names = o.documents.map((d) => d.fileName);
        expect(names).toEqual(expect.arrayContaining(['第1层说明.txt', '第2层说明.txt']));
        for (const deeper of ['第3层说明.txt', '第4层说明.txt', '第5层说明.txt', '主播名单.pdf']) {
          expect(names).not.toContain(deeper);
        }
      },
    },
    {
      name: 'a zip whose member inflates to 1 GiB',
      write: oneFile('证明材料.zip', () => zipBomb(1024)),
      expected: (o) => expect(documentCodes(o).some((code) => code.startsWith('archive.'))).toBe(true),
    },
    {
      name: 'a zip whose names climb out of the folder (zip-slip)',
      write: oneFile('证明材料.zip', () => zipSlip()),
      expected: (o) => {
        expect(documentCodes(o).filter((code) => code === 'archive.entry-unsafe')).toHaveLength(3);
        expect(o.documents.map((d) => d.fileName)).toContain('主播名单.pdf');
      },
    },
    {
      name: 'a PDF of noise',
      write: oneFile('附件3 自评报告.pdf', () => garbagePdf()),
      expected: (o) => expect(documentCodes(o).length).toBeGreaterThan(0),
    },
    {
      name: 'a MIME tree 200 multiparts deep',
      write: (file) => writeDeepMime(file, 200),
      expected: (o) => expect(o.submissionId).toMatch(/^s-/),
    },
    {
      name: '2,000 attachments in one message',
      write: (file) => writeMessage(file, { subject: SUBJECT, attachments: manyAttachments(2000) }),
      expected: (o) => {
        expect(o.findings).toContain('mail.too-many-attachments');
        expect(o.documents).toHaveLength(500);
      },
    },
  ];

  it.each(cases)(
    'survives $name: recorded, explained, within time and memory',
    async ({ write, expected, name }) => {
      // Prepare
      const file = join(dir, `${cases.findIndex((c) => c.name === name)}.eml`);
      await write(file);

      // Act
      const outcome = await ingestOne(file);

      // Assess
      expect(outcome.duplicate).toBe(false);
      expected(outcome);
      expect(outcome.elapsedMs).toBeLessThan(TIME_LIMIT_MS);
      expect(outcome.peakRssMb - ordinary.peakRssMb).toBeLessThanOrEqual(PEAK_ALLOWANCE_MB);
      measured.push(
        `${name}\t${(outcome.elapsedMs / 1000).toFixed(1)} s\t${outcome.peakRssMb} MB (ordinary ${ordinary.peakRssMb} MB)`,
      );
    },
    240_000,
  );
});
