/**
 * The HTTP status of every error the API answers with: the errors the use cases raise on purpose map by their code
 * (or, for a code without its own status, by their kind) to the statuses the API has always answered.
 */

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IntakeError, StoreUnreadableError } from '../../../shared/domain/errors.ts';
import { AccessError } from '../../../shared/http/auth.ts';
import { httpStatusOf } from '../../../shared/http/error-status.ts';
import { BlobNotFoundError } from '../../../shared/ports/index.ts';
import { UnknownCityError } from '../../../shared/use-cases/bundle.ts';
import { UnknownBaseError } from '../../../shared/use-cases/evaluate.ts';
import { StaffActionError, UnknownSubmissionError } from '../../../shared/use-cases/staff-actions.ts';
import { OpenFormQuotaError } from '../../../shared/use-cases/upload-quota.ts';
import {
  UnknownUploadSessionError,
  UploadIncompleteError,
  UploadPortalUnavailableError,
  UploadScanPendingError,
  UploadScanRefusedError,
} from '../../../shared/use-cases/upload-sessions.ts';

describe('httpStatusOf', () => {
  it('answers each error the API meets with the status it has always had', () => {
    // Arrange: one of each, as the use cases and the sign-in raise them.
    const cases: [Error, number][] = [
      [new AccessError(401, '请先登录'), 401],
      [new AccessError(403, '无权访问'), 403],
      [new UnknownBaseError('p99'), 404],
      [new UnknownSubmissionError('s-0'), 404],
      [new UnknownUploadSessionError('u-0'), 404],
      [new StaffActionError('已有同名基地'), 409],
      [
        new UploadIncompleteError([
          { n: 1, fileName: '报告表.xlsx', problem: 'missing', expectedSize: 10, actualSize: null },
        ]),
        409,
      ],
      [new UploadScanPendingError([{ n: 1, fileName: '报告表.xlsx', status: null }]), 409],
      [
        new UploadScanRefusedError({
          refusedAt: '2023-11-09T00:00:00Z',
          files: [{ n: 1, fileName: 'a.zip', verdict: 'infected' }],
        }),
        422,
      ],
      [new OpenFormQuotaError('2023-11-09', 3600), 429],
      [new UploadPortalUnavailableError(), 501],
    ];

    // Act
    const statuses = cases.map(([error]) => httpStatusOf(error));

    // Assess
    expect(statuses).toEqual(cases.map(([, status]) => status));
  });

  it('gives an AccessError the status it carries', () => {
    for (const status of [401, 403] as const) {
      expect(httpStatusOf(new AccessError(status, '拒绝'))).toBe(status);
    }
  });

  it('answers a request that fails validation with 400', () => {
    // Arrange
    const parsed = z.object({ baseId: z.string() }).safeParse({ baseId: 1 });

    // Act / Assess
    expect(parsed.success).toBe(false);
    expect(httpStatusOf(parsed.error)).toBe(400);
  });

  it('falls back on the kind for a code without a status of its own: input 400, failure 500', () => {
    expect(httpStatusOf(new IntakeError('report.window-closed', 'input', 'closed'))).toBe(400);
    expect(httpStatusOf(new BlobNotFoundError('raw/x.eml'))).toBe(500);
    expect(httpStatusOf(new StoreUnreadableError('/data', 'bad JSON'))).toBe(500);
  });

  it('answers 404 for a city the round does not have, and 500 for anything not raised on purpose', () => {
    expect(httpStatusOf(new UnknownCityError('beijing'))).toBe(404);
    expect(httpStatusOf(new TypeError('x is undefined'))).toBe(500);
    expect(httpStatusOf('a string')).toBe(500);
  });
});
