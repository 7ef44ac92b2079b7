/**
 * Intake of mail stored under `inbox/` (SES receipt rule, IMAP pickup in inbox mode, upload portal) and of staff
 * reprocess requests (`reprocess/requests/`), from the inbox's S3 notifications (SQS batch, or a direct event).
 * What a key means, when the message was received and what the malware scan's verdict does are receive's rules
 * (shared/use-cases/receive.ts); the batch and its partial failures, functions/shared/object-batch.ts.
 */
import { type ScanCheck, scanCheckFromEnv } from '../../shared/adapters/aws/malware-scan.ts';
import { isReprocessRequestKey, reprocessRequestSchema } from '../../shared/adapters/aws/s3-reprocess-hand-off.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import * as receive from '../../shared/use-cases/receive.ts';
import { appContext } from '../shared/app-context.ts';
import { type LambdaContext, stepLog as log, logger } from '../shared/logger.ts';
import { forEachCreatedObject } from '../shared/object-batch.ts';

/** What ingest-email needs from outside; the Lambda entry point passes the AWS ones, tests the local ones. */
export interface IngestEmailDeps {
  context: () => Promise<AppContext>;
  /** The malware scan gate, or null where scanning is off. */
  scanCheck: ScanCheck | null;
}

/** Builds the handler on its dependencies. */
export function createIngestEmailHandler(deps: IngestEmailDeps) {
  return async function ingestEmail(event: unknown, lambdaContext?: LambdaContext) {
    if (lambdaContext) logger.addContext(lambdaContext);
    const ctx = await deps.context();
    const each = async ({ key, eventTime }: { key: string; eventTime: Date }): Promise<receive.ReceiveOutcome> => {
      if (!isReprocessRequestKey(key))
        return receive.receiveStoredMessage(ctx, { key, eventTime }, deps.scanCheck, log);
      const request = reprocessRequestSchema.parse(JSON.parse((await ctx.blobs.get(key)).toString('utf8')));
      return receive.receiveReprocessRequest(ctx, request, deps.scanCheck, log);
    };
    return forEachCreatedObject('ingest-email', event, each, (error) => ({
      scanPending: error instanceof receive.ScanPendingError,
    }));
  };
}

/** The Lambda entry point. */
export const handler = createIngestEmailHandler({ context: appContext, scanCheck: scanCheckFromEnv(process.env) });
