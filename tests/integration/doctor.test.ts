/**
 * Issue 15, items 13 and 14, on a data directory of the local stack:
 * - a damaged metadata file of the object store makes every command fail with one line naming the file (it used to
 *   crash with BucketAlreadyExists); `intake doctor` finds it and `--repair` mends it;
 * - a deleted file is found by `intake doctor`; `--repair` re-creates it from the raw message, or, when that is gone
 *   too, marks the document so that the status shows it; `intake reprocess` then says the raw message is missing;
 * - an interrupted ingest (its submission left `received`) is finished by `intake ingest` and `intake start`.
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../../cli/start.ts';
import { createLocalContext } from '../../shared/composition/local.ts';
import type { BlobStore } from '../../shared/ports/index.ts';
import { checkStore } from '../../shared/use-cases/doctor.ts';
import { IntakeInterruptedError, ingestMessage } from '../../shared/use-cases/intake.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';

const CLI = join(import.meta.dirname, '../../bin/intake.mjs');
const AS_OF = '2023-11-09T18:00:00+08:00';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function intake(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, INTAKE_DEBUG: '' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Where s3rver keeps an object's bytes or metadata under a data directory. */
function storeFile(dataDir: string, key: string, part: 'object' | 'metadata.json'): string {
  return `${join(dataDir, 's3', 'intake', ...key.split('/'))}._S3rver_${part}`;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** A message with a report form for 平顺网红直播基地 (p11). */
async function pingshunMail(): Promise<Buffer> {
  const form = await buildReportFormXlsx({ header: { baseName: '平顺网红直播基地' }, values: SAMPLE_FORM_VALUES });
  return buildEmail({
    subject: '平顺网红直播基地综合评价材料',
    receivedAt: new Date('2023-11-09T08:30:00Z'),
    attachments: [{ filename: '经营服务情况报告表.xlsx', content: form }],
  });
}

interface Seeded {
  dataDir: string;
  submissionId: string;
  rawKey: string;
  formKey: string;
}

/** A data directory holding one ingested message (in-process, like `intake ingest`); the stack is closed again. */
async function seed(root: string, name: string, raw: Buffer): Promise<Seeded> {
  const dataDir = join(root, name);
  const local = await createLocalContext({ dataDir, own: true });
  try {
    const result = await ingestMessage(local.ctx, {
      raw,
      channel: 'cli',
      receivedAt: new Date('2023-11-09T08:30:00Z'),
    });
    const submission = await local.ctx.records.submissions.get(result.submissionId);
    const [form] = await local.ctx.records.documents.listBySubmission(result.submissionId);
    return {
      dataDir,
      submissionId: result.submissionId,
      rawKey: submission?.rawKey ?? '',
      formKey: form?.blobKey ?? '',
    };
  } finally {
    await local.close();
  }
}

/** A data directory whose one ingest was interrupted: the document store failed after the submission was recorded. */
async function seedInterrupted(root: string, name: string, raw: Buffer): Promise<string> {
  const dataDir = join(root, name);
  const local = await createLocalContext({ dataDir, own: true });
  try {
    const blobs: BlobStore = Object.create(local.ctx.blobs, {
      put: {
        value: (key: string, body: Parameters<BlobStore['put']>[1], meta: Parameters<BlobStore['put']>[2]) =>
          key.startsWith('documents/') ? Promise.reject(new Error('disk full')) : local.ctx.blobs.put(key, body, meta),
      },
    });
    const failed = ingestMessage(
      { ...local.ctx, blobs },
      { raw, channel: 'cli', receivedAt: new Date('2023-11-09T08:30:00Z') },
    );
    await expect(failed).rejects.toBeInstanceOf(IntakeInterruptedError);
    const [left] = await local.ctx.records.submissions.listUnmatched();
    expect(left).toMatchObject({ state: 'received', baseId: null, documentIds: [] });
    return left?.id ?? '';
  } finally {
    await local.close();
  }
}

type Status = {
  bases: {
    baseId: string;
    submissions: number;
    missing: { documents: string[] };
    findings: { code: string }[];
  }[];
  unmatched: unknown[];
};

describe('intake doctor', () => {
  let root: string;
  let mail: Buffer;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'intake-doctor-'));
    mail = await pingshunMail();
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a damaged metadata file: commands that read files fail with one line naming it, status still answers; doctor finds it and --repair mends it', async () => {
    // Prepare
    const seeded = await seed(root, 'damaged', mail);
    const metadata = storeFile(seeded.dataDir, seeded.rawKey, 'metadata.json');
    await writeFile(metadata, '{"content-type": "message/rfc8');

    // Act
    const bundle = await intake(
      'bundle',
      '--base',
      'p11',
      '--out',
      join(root, 'p11.zip'),
      '--data-dir',
      seeded.dataDir,
    );
    const status = await intake('status', '--json', '--as-of', AS_OF, '--data-dir', seeded.dataDir);
    const found = await intake('doctor', '--data-dir', seeded.dataDir);
    const repaired = await intake('doctor', '--repair', '--data-dir', seeded.dataDir);
    const after = await intake('status', '--json', '--as-of', AS_OF, '--data-dir', seeded.dataDir);

    // Assess
    expect(bundle.code).toBe(1);
    expect(bundle.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(bundle.stderr).toContain('本地数据无法读取');
    expect(bundle.stderr).toContain(metadata);
    expect(bundle.stderr).not.toContain('BucketAlreadyExists');
    expect(bundle.stderr).not.toMatch(/\n\s+at /);
    // Status reads records only (the object store starts on first use): it answers while a file is damaged.
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as Status).bases.find((b) => b.baseId === 'p11')?.submissions).toBe(1);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`存储元数据文件损坏：${metadata}`);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain('已重建');
    expect(after.code).toBe(0);
    const p11 = (JSON.parse(after.stdout) as Status).bases.find((b) => b.baseId === 'p11');
    expect(p11?.submissions).toBe(1);
    expect(p11?.missing.documents).not.toContain('report-form');
  });

  it('a deleted file whose raw message is intact: doctor reports it, --repair re-creates it from the message', async () => {
    // Prepare
    const seeded = await seed(root, 'deleted', mail);
    const file = storeFile(seeded.dataDir, seeded.formKey, 'object');
    await rm(file);

    // Act
    const found = await intake('doctor', '--data-dir', seeded.dataDir);
    const repaired = await intake('doctor', '--repair', '--data-dir', seeded.dataDir);

    // Assess
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('文件在存储中已丢失：经营服务情况报告表.xlsx');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain('已用原始邮件重建');
    expect(await exists(file)).toBe(true);
  });

  it('a file gone for good is marked and the status shows it; reprocess says the raw message is missing', async () => {
    // Prepare
    const seeded = await seed(root, 'gone', mail);
    await rm(storeFile(seeded.dataDir, seeded.formKey, 'object'));
    await rm(storeFile(seeded.dataDir, seeded.rawKey, 'object'));

    // Act
    const reprocess = await intake('reprocess', seeded.submissionId, '--data-dir', seeded.dataDir);
    const repaired = await intake('doctor', '--repair', '--data-dir', seeded.dataDir);
    const status = await intake('status', '--json', '--as-of', AS_OF, '--data-dir', seeded.dataDir);
    const again = await intake('doctor', '--data-dir', seeded.dataDir);

    // Assess
    expect(reprocess.code).toBe(1);
    expect(reprocess.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(reprocess.stderr).toContain(`报送 ${seeded.submissionId} 的原始邮件（${seeded.rawKey}）已不在存储中`);
    expect(reprocess.stderr).not.toContain('BlobNotFoundError');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain('storage.file-missing');
    expect(repaired.stdout).toContain('storage.raw-missing');
    const p11 = (JSON.parse(status.stdout) as Status).bases.find((b) => b.baseId === 'p11');
    expect(p11?.missing.documents).toContain('report-form');
    expect(p11?.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['storage.file-missing']));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('均已标注');
  });

  it('a file holding other bytes than it was received with is a mismatch, marked as corrupt', async () => {
    // Prepare
    const seeded = await seed(root, 'mismatch', mail);
    await writeFile(storeFile(seeded.dataDir, seeded.formKey, 'object'), 'not the workbook');
    const local = await createLocalContext({ dataDir: seeded.dataDir, own: true });

    try {
      // Act
      const found = await checkStore(local.ctx);
      const repaired = await checkStore(local.ctx, { repair: true });
      const [form] = await local.ctx.records.documents.listBySubmission(seeded.submissionId);

      // Assess
      expect(found.problems).toMatchObject([{ kind: 'document', problem: 'mismatch', key: seeded.formKey }]);
      expect(found.objects).toBe(2);
      expect(repaired.problems[0]).toMatchObject({ fixed: false });
      expect(form?.findings.map((f) => f.code)).toContain('storage.file-corrupt');
    } finally {
      await local.close();
    }
  });
});

describe('resuming an interrupted ingest', () => {
  let root: string;
  let mail: Buffer;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'intake-resume-'));
    mail = await pingshunMail();
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('intake ingest finishes a submission an earlier run left unfinished, from its raw copy', async () => {
    // Prepare
    const dataDir = join(root, 'ingest');
    const submissionId = await seedInterrupted(root, 'ingest', mail);
    const form = await buildReportFormXlsx({ header: { baseName: '易淘电商信息产业园' }, values: SAMPLE_FORM_VALUES });
    const other = join(root, '易淘.eml');
    await writeFile(
      other,
      await buildEmail({
        subject: '易淘电商信息产业园综合评价材料',
        receivedAt: new Date('2023-11-09T09:00:00Z'),
        attachments: [{ filename: '经营服务情况报告表.xlsx', content: form }],
      }),
    );

    // Act
    const ingested = await intake('ingest', '--json', '--data-dir', dataDir, other);
    const status = await intake('status', '--json', '--as-of', AS_OF, '--data-dir', dataDir);

    // Assess
    expect(ingested.code).toBe(0);
    const results = JSON.parse(ingested.stdout) as { submissionId: string; resumed?: boolean; baseId: string }[];
    expect(results).toContainEqual(expect.objectContaining({ submissionId, resumed: true, baseId: 'p11' }));
    const report = JSON.parse(status.stdout) as Status;
    expect(report.unmatched).toEqual([]);
    expect(report.bases.find((b) => b.baseId === 'p11')).toMatchObject({ submissions: 1 });
    expect(report.bases.find((b) => b.baseId === 'p11')?.missing.documents).not.toContain('report-form');
  });

  it('intake doctor finds it and --repair finishes it', async () => {
    // Prepare
    const submissionId = await seedInterrupted(root, 'doctor', mail);
    const local = await createLocalContext({ dataDir: join(root, 'doctor'), own: true });

    try {
      // Act
      const found = await checkStore(local.ctx);
      const repaired = await checkStore(local.ctx, { repair: true });
      const again = await checkStore(local.ctx);

      // Assess
      expect(found.problems).toMatchObject([{ kind: 'unfinished', submissionId }]);
      expect(repaired.problems).toMatchObject([{ kind: 'unfinished', fixed: true, repaired: '已续收 -> p11' }]);
      expect(again.problems).toEqual([]);
      expect(again.documents).toBe(1);
    } finally {
      await local.close();
    }
  });

  it('intake start finishes it too, once the stack is up', async () => {
    // Prepare
    const dataDir = join(root, 'start');
    const submissionId = await seedInterrupted(root, 'start', mail);
    const lines: string[] = [];

    // Act
    const stack = await startLocalStack({ dataDir, httpPort: 0, smtpPort: 0, host: '127.0.0.1' }, (line) =>
      lines.push(line),
    );
    const resumed = await stack.resumed;
    await stack.stop();

    // Assess
    expect(resumed.resumed).toEqual([expect.objectContaining({ submissionId, baseId: 'p11', duplicate: false })]);
    expect(resumed.failed).toEqual([]);
    expect(lines.join('\n')).toContain(`续收中断的报送 ${submissionId} -> p11`);
    const local = await createLocalContext({ dataDir, own: true });
    try {
      expect(await local.ctx.records.submissions.get(submissionId)).toMatchObject({
        state: 'processed',
        baseId: 'p11',
      });
    } finally {
      await local.close();
    }
  });
});
