/**
 * Recognise a scan: the ocr function's use case. Primary course: a document left with a pending OCR finding by
 * intake (a scanned self-assessment or report form, in a runtime that hands scans on) is read from the blob store,
 * its pages recognised here, the text written beside it (`documents/<sha256>.ocr.txt`), the document read again from
 * that text by the same readers intake uses, its record replaced, and its base re-evaluated.
 */
import { IntakeError } from '../domain/errors.ts';
import type { DocumentRecord } from '../domain/records.ts';
import { OCR_PENDING_CODE, type OcrOptions, type OcrOutcome, ocrPdf } from '../parsing/ocr.ts';
import { pdfjsAssets } from '../parsing/pdfjs-assets.ts';
import { parseReportForm } from '../parsing/report-form/index.ts';
import { readSelfAssessment } from '../parsing/self-assessment.ts';
import type { OcrRequest } from '../ports/index.ts';
import type { AppContext } from './context.ts';
import { baseChanged } from './evaluate.ts';

/** What became of one request. */
export interface RecognisedScan {
  /** `recognised`: the record now carries what OCR read; `not-pending`: nothing to do (done already, or no scan). */
  outcome: 'recognised' | 'not-pending';
  /** The OCR run's kind (ok, failed, unavailable), when one ran. */
  ocr?: OcrOutcome['kind'];
  /** Pages recognised, and pages in the document. */
  pages?: { read: number; total: number };
  /** Where the text was written. */
  textKey?: string;
  /** The base re-evaluated, if the document belongs to one yet. */
  baseId?: string | null;
}

/**
 * Hands the scans intake left pending to the ocr function, where the runtime has one (`ctx.ocr`); called once their
 * records are saved under the submission's final id, which the ocr function looks them up by.
 */
export async function handOffScans(ctx: AppContext, submissionId: string, documents: DocumentRecord[]): Promise<void> {
  if (!ctx.ocr) return;
  for (const doc of documents.filter((d) => d.findings.some((f) => f.code === OCR_PENDING_CODE))) {
    await ctx.ocr.request({ submissionId, sha256: doc.sha256, fileName: doc.fileName });
  }
}

/** The key of a document's recognised text: beside the document itself. */
export function ocrTextKey(blobKey: string): string {
  return `${blobKey}.ocr.txt`;
}

/** Recognises a pending scan and updates its record and its base; OCR problems become findings, never throws them. */
export async function recogniseScan(
  ctx: AppContext,
  request: Pick<OcrRequest, 'submissionId' | 'sha256'>,
  options: Pick<OcrOptions, 'concurrency' | 'maxPages' | 'pageTimeoutMs'> = {},
): Promise<RecognisedScan> {
  const doc = (await ctx.records.documents.listBySubmission(request.submissionId)).find(
    (d) => d.sha256 === request.sha256,
  );
  if (!doc) throw new DocumentNotRecordedError(request.submissionId, request.sha256);
  if (!doc.findings.some((f) => f.code === OCR_PENDING_CODE)) return { outcome: 'not-pending', baseId: doc.baseId };

  const bytes = await ctx.blobs.get(doc.blobKey);
  // Read here whatever this process's mode: this is where deferred scans are read.
  const outcome = await ocrPdf(bytes, { ...options, mode: 'inline', pdf: pdfjsAssets() });
  let textKey: string | undefined;
  if (outcome.kind === 'ok') {
    textKey = ocrTextKey(doc.blobKey);
    // Pages apart by form feeds, as tesseract prints them.
    await ctx.blobs.put(textKey, Buffer.from(outcome.pages.join('\n\f'), 'utf8'), {
      contentType: 'text/plain; charset=utf-8',
    });
  }
  // The same readers as intake, on the recognised pages (or, when OCR failed, to the same manual-review finding).
  const ocr = { recognised: outcome };
  const updated: DocumentRecord = { ...doc, findings: doc.findings.filter((f) => f.code !== OCR_PENDING_CODE) };
  if (doc.kind === 'report-form') {
    const form = await parseReportForm(bytes, ctx.round, { fileName: doc.fileName, ocr });
    updated.formValues = form.values;
    updated.formHeader = form.header;
    updated.findings.push(...form.findings.map((f) => ({ ...f, document: f.document ?? doc.fileName })));
  } else {
    const report = await readSelfAssessment(bytes, { fileName: doc.fileName, ocr });
    updated.report = { cover: report.cover, sections: report.sections, figures: report.figures, pages: report.pages };
    updated.findings.push(...report.findings.map((f) => ({ ...f, document: f.document ?? doc.fileName })));
  }
  await ctx.records.documents.save(updated);
  if (doc.baseId) await baseChanged(ctx, doc.baseId);
  return {
    outcome: 'recognised',
    ocr: outcome.kind,
    ...(outcome.kind === 'ok' ? { pages: { read: outcome.pages.length, total: outcome.total } } : {}),
    ...(textKey ? { textKey } : {}),
    baseId: doc.baseId,
  };
}

/**
 * The request names a document intake has not recorded (yet: the request is written while the message is read, the
 * records when it is done). Thrown so that the asynchronous invocation is retried a minute later.
 */
export class DocumentNotRecordedError extends IntakeError {
  constructor(
    readonly submissionId: string,
    readonly sha256: string,
  ) {
    super(
      'document.not-recorded',
      'failure',
      `no document ${sha256} recorded for submission ${submissionId} (yet)`,
      `报送 ${submissionId} 的文件尚未登记，稍后重试文字识别`,
    );
    this.name = 'DocumentNotRecordedError';
  }
}
