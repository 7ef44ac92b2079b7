/**
 * OCR of scans that intake left pending: the requests of the invocation (functions/shared/ocr-requests.ts), each ->
 * recogniseScan (tesseract.js with the model in this function's asset). A failure is thrown: Lambda retries the
 * invocation twice, then parks the event in the function's dead-letter queue, which an alarm watches. OCR that
 * times out is no failure: it becomes a finding on the document.
 */
import type { OcrOptions } from '../../shared/parsing/ocr.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { type RecognisedScan, recogniseScan } from '../../shared/use-cases/recognise-scan.ts';
import { appContext } from '../shared/app-context.ts';
import { logFailure } from '../shared/failures.ts';
import { type LambdaContext, logger } from '../shared/logger.ts';
import { ocrRequestsOf } from '../shared/ocr-requests.ts';

/** What ocr needs from outside: the use cases' context, and the bounds of a run (tests: one worker). */
export interface OcrDeps {
  context: () => Promise<AppContext>;
  ocr?: Pick<OcrOptions, 'concurrency' | 'maxPages' | 'pageTimeoutMs'>;
}

/** Builds the handler on its dependencies. */
export function createOcrHandler(deps: OcrDeps) {
  return async function ocr(event: unknown, lambdaContext?: LambdaContext) {
    if (lambdaContext) logger.addContext(lambdaContext);
    const ctx = await deps.context();
    const documents: (RecognisedScan & { sha256: string })[] = [];
    for (const request of await ocrRequestsOf(event, ctx.blobs)) {
      const result = await recogniseScan(ctx, request, deps.ocr).catch((error: unknown) => {
        logFailure('ocr', error, { ...request });
        throw error; // retried by Lambda, then the dead-letter queue
      });
      logger.info({ message: 'scan recognised', ...request, ...result });
      documents.push({ sha256: request.sha256, ...result });
    }
    return { documents };
  };
}

/** The Lambda entry point. */
export const handler = createOcrHandler({ context: appContext });
