/**
 * The one place where an error the system raises on purpose becomes an HTTP status, as the CLI's cli/errors.ts is
 * for exit codes: by its stable code where the code says more than its kind (an unknown id is 404, a refused staff
 * action 409, a full quota 429), else by its kind (the caller's input 400, a failure 500). A request the framework
 * itself refuses (content type, body size, malformed JSON) is request-guards.ts's `clientErrorOf`.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { isIntakeError } from '../domain/errors.ts';

/** Statuses by error code, for the codes whose status is not their kind's. */
export const STATUS_BY_CODE = {
  'access.sign-in-required': 401,
  'access.forbidden': 403,
  'base.unknown': 404,
  'city.unknown': 404,
  'submission.unknown': 404,
  'upload.session-unknown': 404,
  'vocabulary.unknown-word': 404,
  'staff-action.refused': 409,
  'upload.incomplete': 409,
  'upload.scan-pending': 409,
  'upload.scan-refused': 422,
  'upload.quota-reached': 429,
  'upload.unavailable': 501,
  'access.busy': 503,
} as const satisfies Record<string, ContentfulStatusCode>;

/** The HTTP status for an error: by code, by kind, 400 for a zod validation error, else 500. */
export function httpStatusOf(error: unknown): ContentfulStatusCode {
  if (isIntakeError(error)) {
    const byCode = (STATUS_BY_CODE as Record<string, ContentfulStatusCode>)[error.code];
    return byCode ?? (error.kind === 'input' ? 400 : 500);
  }
  if (error instanceof z.ZodError) return 400;
  return 500;
}
