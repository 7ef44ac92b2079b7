/**
 * The one place where handlers turn errors into outcomes: invalid events are named as such, and every failure is
 * logged as one structured, PII-masked line.
 */
import { z } from 'zod';
import { logger } from './logger.ts';

/** An event without the shape a function expects: a wiring or sender bug, which a retry will not fix. */
export class InvalidEventError extends Error {
  constructor(
    readonly what: string,
    options?: ErrorOptions,
  ) {
    super(`invalid ${what}`, options);
    this.name = 'InvalidEventError';
  }
}

/** Validates an event with its schema; throws InvalidEventError, with the zod error as cause, when it does not fit. */
export function parseEvent<S extends z.ZodType>(schema: S, event: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(event);
  if (!parsed.success)
    throw new InvalidEventError(`${what}: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}

/** Logs a failed unit of work (a record, a run) with its error chain, without rethrowing. */
export function logFailure(operation: string, error: unknown, details: Record<string, unknown> = {}): void {
  logger.error({ message: `${operation} failed`, operation, ...details, error: describeError(error) });
}

function describeError(error: unknown): unknown {
  if (!(error instanceof Error)) return { value: String(error) };
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(error.cause === undefined ? {} : { cause: describeError(error.cause) }),
  };
}
