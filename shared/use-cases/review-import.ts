/**
 * Scores in (`intake review import FILES…`): the experts' filled workbooks are read back and checked as one batch —
 * a workbook of another round, a sheet that is no score sheet, a blank, a figure out of 0..max or not a number, a
 * base scored twice by one expert (two sheets, or two files), an unknown base — each a finding with its file and
 * sheet. Any error and nothing is applied; otherwise each workbook is kept (blob `review/<round>/<sha256>.xlsx`),
 * each expert's record is rewritten under its version (a base's points replace that expert's earlier ones), and
 * every change is audited per base with what it was before.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FindingCode } from '../domain/finding-catalogue.ts';
import { type Finding, finding } from '../domain/findings.ts';
import type { ExpertBaseScores } from '../domain/review.ts';
import type { ReviewWorkbook } from '../domain/review-records.ts';
import { loadScoring } from '../domain/rounds/index.ts';
import type { AppContext } from './context.ts';
import { listRegistry } from './registry.ts';
import { type CellReading, readScoreWorkbook, updateExpertRecord } from './review-sheets.ts';

/** A finding of the import, with the file and sheet it is about. */
export type ReviewFinding = Finding & { sheet?: string; expert?: string };

/** One file handed to the import. */
export interface ReviewFile {
  fileName: string;
  content: Buffer;
}

/** What the import did. */
export interface ReviewImportResult {
  /** True when the batch was applied; false when an error finding stopped it (nothing was written). */
  applied: boolean;
  findings: ReviewFinding[];
  /** Per expert and base: points taken (changed: the expert had other points for the base before). */
  accepted: { expert: string; baseId: string; fileName: string; sheet: string; changed: boolean }[];
}

const YES = new Set(['是', '√', '✓', 'Y', 'y', 'yes', '满足']);
const NO = new Set(['否', '×', 'N', 'n', 'no', '不满足']);

/** A cell's number: numbers as they are; text with full-width digits or a trailing 分 read too; else NaN. */
function numberOf(cell: CellReading): number {
  if (typeof cell === 'number') return cell;
  if (cell === null) return Number.NaN;
  const text = cell.replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/分$/, '');
  return /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
}

/** Checks a batch of workbooks and applies it only when no error was found. */
export async function importScoreSheets(
  ctx: AppContext,
  input: { files: ReviewFile[]; actor: string },
): Promise<ReviewImportResult> {
  const scheme = loadScoring(ctx.round.id);
  const registry = new Map((await listRegistry(ctx)).map((b) => [b.id, b]));
  const findings: ReviewFinding[] = [];
  const at = ctx.clock.now().toISOString();
  const staged: { file: ReviewFile; sha256: string; expert: string; scores: ExpertBaseScores[] }[] = [];
  const seen = new Map<string, string>();
  const f = 10 ** scheme.decimals;

  for (const file of input.files) {
    const document = file.fileName;
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const read = await readScoreWorkbook(file.content);
    if (!read.ok) {
      findings.push(
        finding(
          read.problem === 'unreadable' ? 'review.unreadable' : 'review.not-a-score-sheet',
          read.problem === 'unreadable'
            ? `${document}无法打开（不是有效的xlsx文件）。`
            : `${document}不是本系统生成的专家评分表（缺少“_meta”工作表），请使用“intake review sheets”生成的文件。`,
          { document },
        ),
      );
      continue;
    }
    const expert = read.expert;
    if (read.round !== ctx.round.id) {
      findings.push({
        ...finding(
          'review.other-round',
          `${document}是${read.round}年度的评分表，本次评价为${ctx.round.id}年度，未导入。`,
          { document },
        ),
        expert,
      });
      continue;
    }
    for (const name of read.missingSheets) {
      findings.push({
        ...finding('review.sheet-missing', `${document}缺少工作表“${name}”（文件结构被改动）。`, { document }),
        sheet: name,
        expert,
      });
    }
    const scores: ExpertBaseScores[] = [];
    for (const sheet of read.sheets) {
      const where = { document };
      const at2 = (code: FindingCode, message: string, extra: Partial<Finding> = {}) =>
        findings.push({ ...finding(code, message, { ...where, ...extra }), sheet: sheet.sheet, expert });
      const base = registry.get(sheet.baseId);
      if (!base) {
        at2('review.unknown-base', `${document}“${sheet.sheet}”对应的基地（${sheet.baseId}）不在本次参评名单中。`);
        continue;
      }
      const cells = Object.values(sheet.points);
      const answers = Object.values(sheet.controls);
      if (cells.every((c) => c === null) && answers.every((c) => c === null) && !sheet.comment.trim()) {
        at2('review.not-scored', `${expert}未对${base.name}评分（“${sheet.sheet}”为空），跳过。`);
        continue;
      }
      const key = `${expert}\u0000${base.id}`;
      const first = seen.get(key);
      if (first) {
        at2(
          'review.duplicate-base',
          `${expert}对${base.name}评了两次：${first}与${document}“${sheet.sheet}”，请保留一份后重新导入。`,
        );
        continue;
      }
      seen.set(key, `${document}“${sheet.sheet}”`);
      const points: Record<string, number> = {};
      let sheetOk = true;
      for (const indicator of ctx.round.indicators) {
        const extra = { indicator: indicator.slug };
        if (!(indicator.slug in sheet.points)) {
          at2('review.sheet-altered', `“${sheet.sheet}”缺少“${indicator.name}”一行（文件结构被改动）。`, extra);
          sheetOk = false;
          continue;
        }
        const cell = sheet.points[indicator.slug] ?? null;
        if (cell === null) {
          at2('review.missing-score', `${base.name}“${indicator.name}”未填得分。`, extra);
          sheetOk = false;
          continue;
        }
        const value = numberOf(cell);
        if (Number.isNaN(value)) {
          at2('review.not-a-number', `${base.name}“${indicator.name}”得分“${cell}”不是数字。`, extra);
          sheetOk = false;
        } else if (value < 0 || value > indicator.points) {
          at2(
            'review.out-of-range',
            `${base.name}“${indicator.name}”得分${value}超出范围（0至${indicator.points}分）。`,
            extra,
          );
          sheetOk = false;
        } else if (Math.abs(Math.round(value * f) - value * f) > 1e-6) {
          at2('review.precision', `${base.name}“${indicator.name}”得分${value}超过${scheme.decimals}位小数。`, extra);
          sheetOk = false;
        } else {
          points[indicator.slug] = value;
        }
      }
      const controls: Record<string, boolean> = {};
      for (const control of ctx.round.controlItems) {
        const cell = sheet.controls[control.id] ?? null;
        const text = cell === null ? '' : String(cell).trim();
        if (YES.has(text)) controls[control.id] = true;
        else if (NO.has(text)) controls[control.id] = false;
        else if (text === '') {
          at2('review.control-open', `${base.name}控制项“${control.label}”未确认是否满足。`);
        } else {
          at2('review.control-invalid', `${base.name}控制项“${control.label}”填写“${text}”，应为“是”或“否”。`);
          sheetOk = false;
        }
      }
      if (!sheetOk) continue;
      scores.push({
        expert,
        baseId: base.id,
        points,
        controls,
        comment: sheet.comment.trim(),
        source: { documentId: `review/${ctx.round.id}/${sha256}.xlsx`, fileName: document, sheet: sheet.sheet },
        importedAt: at,
        importedBy: input.actor,
      });
    }
    staged.push({ file, sha256, expert, scores });
  }

  if (findings.some((x) => x.severity === 'error')) return { applied: false, findings, accepted: [] };

  const accepted: ReviewImportResult['accepted'] = [];
  const byExpert = new Map<string, typeof staged>();
  for (const s of staged) byExpert.set(s.expert, [...(byExpert.get(s.expert) ?? []), s]);
  // The workbooks are kept first (content-addressed: a retry writes the same keys), the records after.
  for (const s of staged) {
    await ctx.blobs.put(`review/${ctx.round.id}/${s.sha256}.xlsx`, s.file.content, {
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      sha256: s.sha256,
    });
  }
  for (const [expert, parts] of byExpert) {
    let before: Record<string, ExpertBaseScores> = {};
    await updateExpertRecord(ctx, expert, (record) => {
      before = record.scores;
      const scores = { ...record.scores };
      const workbooks: ReviewWorkbook[] = [...record.workbooks];
      for (const part of parts) {
        for (const s of part.scores) scores[s.baseId] = s;
        workbooks.push({
          sha256: part.sha256,
          fileName: part.file.fileName,
          blobKey: `review/${ctx.round.id}/${part.sha256}.xlsx`,
          importedAt: at,
          importedBy: input.actor,
          bases: part.scores.map((s) => s.baseId),
        });
      }
      return { ...record, scores, workbooks };
    });
    for (const part of parts) {
      for (const s of part.scores) {
        const old = before[s.baseId];
        const changedIndicators = old
          ? Object.keys(s.points).filter((slug) => old.points[slug] !== s.points[slug])
          : Object.keys(s.points);
        const changed = Boolean(old);
        accepted.push({ expert, baseId: s.baseId, fileName: part.file.fileName, sheet: s.source.sheet, changed });
        if (old && changedIndicators.length === 0 && JSON.stringify(old.controls) === JSON.stringify(s.controls)) {
          continue;
        }
        await ctx.records.audit.append({
          id: randomUUID(),
          at,
          actor: input.actor,
          action: changed ? 'review-scores-changed' : 'review-scores-imported',
          baseId: s.baseId,
          submissionId: null,
          reason: `${expert}评分表 ${part.file.fileName}`,
          details: {
            expert,
            file: part.file.fileName,
            sheet: s.source.sheet,
            changes: Object.fromEntries(
              changedIndicators.map((slug) => [slug, { from: old?.points[slug] ?? null, to: s.points[slug] }]),
            ),
          },
        });
      }
    }
  }
  return { applied: true, findings, accepted };
}
