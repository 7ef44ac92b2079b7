/**
 * OCR of scans that intake left pending: invoked asynchronously by the S3 notification of a request object under
 * `ocr/requests/` (written by the ingest and API functions), or directly with `{ submissionId, sha256 }` (a re-run by
 * staff). Each request -> recogniseScan: the pages are recognised with tesseract.js and the model shipped in this
 * function's asset, the text is written beside the document, the record is replaced and the base re-evaluated.
 * A failure is thrown: Lambda retries the invocation twice, then parks the event in the function's dead-letter queue,
 * which an alarm watches. OCR that times out is no failure: it becomes a finding on the document.
 */
import { z } from 'zod';
import { OCR_REQUEST_PREFIX } from '../../shared/adapters/aws/s3-ocr-hand-off.ts';
import type { OcrOptions } from '../../shared/parsing/ocr.ts';
import type { OcrRequest } from '../../shared/ports/index.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { type RecognisedScan, recogniseScan } from '../../shared/use-cases/recognise-scan.ts';
import { appContext } from '../shared/app-context.ts';
import { s3EventSchema, storedObjectsIn } from '../shared/events.ts';
import { logFailure, parseEvent } from '../shared/failures.ts';
import { type LambdaContext, logger } from '../shared/logger.ts';

/** A request as the hand-off writes it (and as staff may send it directly). */
export const ocrRequestSchema = z.looseObject({
  submissionId: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** What ocr needs from outside; the Lambda entry point passes the AWS ones, tests the local ones. */
export interface OcrDeps {
  /** The use cases' context. */
  context: () => Promise<AppContext>;
  /** Bounds of a run (tests: one worker). */
  ocr?: Pick<OcrOptions, 'concurrency' | 'maxPages' | 'pageTimeoutMs'>;
}

/** Builds the handler on its dependencies. */
export function createOcrHandler(deps: OcrDeps) {
  return async function ocr(
    event: unknown,
    lambdaContext?: LambdaContext,
  ): Promise<{ documents: (RecognisedScan & { sha256: string })[] }> {
    if (lambdaContext) logger.addContext(lambdaContext);
    const ctx = await deps.context();
    const requests: Pick<OcrRequest, 'submissionId' | 'sha256'>[] = [];
    // S3 notifications of request objects, or one request sent directly.
    const notification = s3EventSchema.safeParse(event);
    if (notification.success) {
      for (const object of storedObjectsIn(notification.data)) {
        if (!object.key.startsWith(OCR_REQUEST_PREFIX)) continue;
        const body: unknown = JSON.parse((await ctx.blobs.get(object.key)).toString('utf8'));
        requests.push(parseEvent(ocrRequestSchema, body, `OCR request ${object.key}`));
      }
    } else {
      requests.push(parseEvent(ocrRequestSchema, event, 'ocr invocation'));
    }
    const documents: (RecognisedScan & { sha256: string })[] = [];
    for (const request of requests) {
      try {
        const result = await recogniseScan(ctx, request, deps.ocr);
        logger.info({ message: 'scan recognised', ...request, ...result });
        documents.push({ sha256: request.sha256, ...result });
      } catch (error) {
        logFailure('ocr', error, { ...request });
        throw error; // retried by Lambda, then the dead-letter queue
      }
    }
    return { documents };
  };
}

/** The Lambda entry point. */
export const handler = createOcrHandler({ context: appContext });
