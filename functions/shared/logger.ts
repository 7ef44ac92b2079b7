/**
 * The functions' structured logger: Powertools for AWS Lambda (one JSON object per line, with the request id, cold
 * start and function name once a handler adds its Lambda context), with every string masked by `maskPii` and secret
 * fields redacted before the line is written. The level comes from POWERTOOLS_LOG_LEVEL (the CDK construct sets it).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { maskingReplacer } from './pii.ts';

/** The one logger of a function bundle; `serviceName` is the function's folder (POWERTOOLS_SERVICE_NAME). */
export const logger = new Logger({ jsonReplacerFn: maskingReplacer });

/** The Lambda context object as the logger takes it (request id, function name, memory). */
export type LambdaContext = Parameters<Logger['addContext']>[0];

/** The logger as the use cases' step log (receive's ReceiveLog): one line per step, its details beside. */
export const stepLog = {
  info: (message: string, details: Record<string, unknown>) => logger.info({ message, ...details }),
  warn: (message: string, details: Record<string, unknown>) => logger.warn({ message, ...details }),
  error: (message: string, details: Record<string, unknown>) => logger.error({ message, ...details }),
};
