/**
 * `intake doctor`: checks that every record's stored objects are there and hold what the record says — each
 * submission's raw message and each document's file, by SHA-256 — and finds submissions whose intake never finished.
 * With `repair` it re-creates what can be re-created and marks what cannot:
 * - a document file that is missing while the raw message is intact: the message is read again (as `intake
 *   reprocess` does, audited), which stores its files again under the same content-addressed keys;
 * - a document file that is gone for good (or holds other bytes): the document gets an error finding
 *   (`storage.file-missing` / `storage.file-corrupt`), so it no longer counts and staff see why; its base is
 *   evaluated again;
 * - a raw message that is gone: the submission gets a finding (`storage.raw-missing`); its documents stay usable but
 *   it can no longer be reprocessed;
 * - an unfinished submission whose raw message is there: intake is resumed (resume.ts).
 */
import { createHash } from 'node:crypto';
import { type Finding, finding } from '../domain/findings.ts';
import type { DocumentRecord } from '../domain/records.ts';
import { BlobNotFoundError } from '../ports/index.ts';
import type { AppContext } from './context.ts';
import { baseChanged } from './evaluate.ts';
import { isUnfinished, resumeSubmission, type UnfinishedOptions } from './resume.ts';
import { reprocessSubmission } from './staff-actions.ts';

/** What is wrong with one stored object. */
export type ObjectProblem = 'missing' | 'unreadable' | 'mismatch';

/** One problem the doctor found, and what repair did about it. */
export interface DoctorProblem {
  kind: 'raw' | 'document' | 'unfinished';
  problem: ObjectProblem | 'unfinished';
  submissionId: string;
  documentId?: string;
  fileName?: string;
  key: string;
  /** Chinese, for staff. */
  message: string;
  /** What repair did (Chinese), when it did something. */
  repaired?: string;
  /** True when the problem is gone after repair (re-created), false when it was only marked or left. */
  fixed?: boolean;
  /** The record carries the finding an earlier repair wrote: known, nothing more to do. */
  marked?: boolean;
}

/** What the doctor checked and found. */
export interface DoctorReport {
  submissions: number;
  documents: number;
  /** Objects read and hashed. */
  objects: number;
  problems: DoctorProblem[];
}

/** The finding codes repair writes. */
export const STORAGE_FINDINGS = {
  fileMissing: 'storage.file-missing',
  fileCorrupt: 'storage.file-corrupt',
  rawMissing: 'storage.raw-missing',
} as const;

const DOCTOR_ACTOR = { actor: 'intake doctor', reason: 'doctor --repair: 用原始邮件重建丢失的文件' };

/** Checks every submission and document (see the module comment); with `repair`, repairs as it says. */
export async function checkStore(
  ctx: AppContext,
  options: {
    repair?: boolean;
    onProgress?: (done: number, total: number) => void;
    /** Which `received` submissions count as interrupted (another process may be reading a young one). */
    unfinished?: UnfinishedOptions;
  } = {},
): Promise<DoctorReport> {
  const submissions = await ctx.records.submissions.listAll();
  const report: DoctorReport = { submissions: submissions.length, documents: 0, objects: 0, problems: [] };
  const changedBases = new Set<string>();
  for (const [index, submission] of submissions.entries()) {
    options.onProgress?.(index, submissions.length);
    const raw = await checkObject(ctx, submission.rawKey, submission.rawSha256 || null);
    report.objects++;
    let documents = await ctx.records.documents.listBySubmission(submission.id);
    let rawProblem: DoctorProblem | null = null;
    if (raw) {
      rawProblem = {
        kind: 'raw',
        problem: raw,
        submissionId: submission.id,
        key: submission.rawKey,
        message: `原始邮件${PROBLEM_WORDS[raw]}：${submission.rawKey}（报送 ${submission.id}${submission.subject ? `，${submission.subject}` : ''}）`,
      };
      report.problems.push(rawProblem);
      if (submission.findings.some((f) => f.code === STORAGE_FINDINGS.rawMissing)) rawProblem.marked = true;
    }

    if (submission.state === 'received' && isUnfinished(ctx, submission, options.unfinished ?? {})) {
      const unfinished: DoctorProblem = {
        kind: 'unfinished',
        problem: 'unfinished',
        submissionId: submission.id,
        key: submission.rawKey,
        message: `报送 ${submission.id} 收取未完成（中断），尚未读取其文件`,
      };
      report.problems.push(unfinished);
      if (options.repair && raw) {
        unfinished.repaired = '原始邮件不可用，无法续收';
        unfinished.fixed = false;
      }
      if (options.repair && !raw) {
        try {
          const result = await resumeSubmission(ctx, submission);
          unfinished.repaired = `已续收 -> ${result.baseId ?? '待分配'}`;
          unfinished.fixed = true;
          documents = await ctx.records.documents.listBySubmission(submission.id);
        } catch (error) {
          unfinished.repaired = `续收失败：${(error as Error).message}`;
          unfinished.fixed = false;
        }
      }
    }

    const docProblems: { doc: DocumentRecord; problem: DoctorProblem; kind: ObjectProblem }[] = [];
    for (const doc of documents) {
      report.documents++;
      report.objects++;
      const problem = await checkObject(ctx, doc.blobKey, doc.sha256);
      if (!problem) continue;
      const entry: DoctorProblem = {
        kind: 'document',
        problem,
        submissionId: submission.id,
        documentId: doc.id,
        fileName: doc.fileName,
        key: doc.blobKey,
        message: `文件${PROBLEM_WORDS[problem]}：${doc.fileName}（${doc.blobKey}，报送 ${submission.id}）`,
      };
      report.problems.push(entry);
      const code = problem === 'mismatch' ? STORAGE_FINDINGS.fileCorrupt : STORAGE_FINDINGS.fileMissing;
      if (doc.findings.some((f) => f.code === code)) entry.marked = true;
      docProblems.push({ doc, problem: entry, kind: problem });
    }
    if (!options.repair) continue;

    // Files gone while the raw message is intact: reading the message again stores them again.
    if (!raw && docProblems.some((p) => p.kind === 'missing') && submission.state !== 'received') {
      try {
        await reprocessSubmission(ctx, { submissionId: submission.id, ...DOCTOR_ACTOR });
        for (const p of docProblems.filter((d) => d.kind === 'missing')) {
          const again = await checkObject(ctx, p.doc.blobKey, p.doc.sha256);
          if (!again) {
            p.problem.repaired = '已用原始邮件重建';
            p.problem.fixed = true;
          }
        }
        documents = await ctx.records.documents.listBySubmission(submission.id);
      } catch (error) {
        for (const p of docProblems) p.problem.repaired = `重建失败：${(error as Error).message}`;
      }
    }
    // What could not be re-created is marked on the document, so that it no longer counts and staff see why.
    for (const p of docProblems.filter((d) => !d.problem.fixed)) {
      const current = documents.find((d) => d.sha256 === p.doc.sha256) ?? p.doc;
      const code = p.kind === 'mismatch' ? STORAGE_FINDINGS.fileCorrupt : STORAGE_FINDINGS.fileMissing;
      if (!current.findings.some((f) => f.code === code)) {
        await ctx.records.documents.save({
          ...current,
          findings: [...current.findings, storageFinding(code, current)],
        });
        if (current.baseId) changedBases.add(current.baseId);
      }
      p.problem.repaired = `${p.problem.repaired ? `${p.problem.repaired}；` : ''}已在文件上标注（${code}），该文件不再计入`;
      p.problem.fixed = false;
    }
    if (rawProblem) {
      const current = (await ctx.records.submissions.get(submission.id)) ?? submission;
      if (!current.findings.some((f) => f.code === STORAGE_FINDINGS.rawMissing)) {
        await ctx.records.submissions.save({
          ...current,
          findings: [...current.findings, rawFinding(rawProblem.problem)],
        });
        if (current.baseId) changedBases.add(current.baseId);
      }
      rawProblem.repaired = `已在报送上标注（${STORAGE_FINDINGS.rawMissing}），无法再重新读取`;
      rawProblem.fixed = false;
    }
  }
  options.onProgress?.(submissions.length, submissions.length);
  for (const baseId of changedBases) await baseChanged(ctx, baseId);
  return report;
}

const PROBLEM_WORDS: Record<ObjectProblem, string> = {
  missing: '在存储中已丢失',
  unreadable: '无法读取',
  mismatch: '内容与记录的SHA-256不符（已损坏或被替换）',
};

/** Null when the object is there and hashes to `sha256` (any content when the record has no hash); else what. */
async function checkObject(ctx: AppContext, key: string, sha256: string | null): Promise<ObjectProblem | null> {
  try {
    const { body } = await ctx.blobs.read(key);
    const hash = createHash('sha256');
    for await (const chunk of body) hash.update(chunk as Buffer);
    return sha256 && hash.digest('hex') !== sha256 ? 'mismatch' : null;
  } catch (error) {
    return error instanceof BlobNotFoundError ? 'missing' : 'unreadable';
  }
}

function storageFinding(code: (typeof STORAGE_FINDINGS)['fileMissing' | 'fileCorrupt'], doc: DocumentRecord): Finding {
  const corrupt = code === STORAGE_FINDINGS.fileCorrupt;
  return finding(
    code,
    corrupt
      ? `文件“${doc.fileName}”在存储中的内容已损坏（与收取时的SHA-256不符），不再计入；请基地重新发送，或工作人员核实后豁免。`
      : `文件“${doc.fileName}”在存储中已丢失，无法下载或重新读取，不再计入；请基地重新发送，或工作人员核实后豁免。`,
    {
      messageEn: corrupt
        ? 'The stored file no longer matches its SHA-256 (intake doctor); it no longer counts.'
        : 'The stored file is gone (intake doctor); it no longer counts.',
      document: doc.fileName,
    },
  );
}

function rawFinding(problem: ObjectProblem | 'unfinished'): Finding {
  return finding(
    STORAGE_FINDINGS.rawMissing,
    `原始邮件在存储中${problem === 'mismatch' ? '已损坏' : '已丢失'}，该报送无法再重新读取（reprocess）；已读取的文件不受影响。`,
    { messageEn: 'The raw message is gone or damaged (intake doctor); the submission can no longer be reprocessed.' },
  );
}
