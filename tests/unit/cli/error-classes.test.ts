/**
 * The errors raised on purpose all carry IntakeError's stable code and kind, so the CLI (cli/errors.ts) gives each
 * one Chinese line and the exit code of its kind (2 input, 1 failure), and the API (shared/http/error-status.ts) a
 * status, with no class of its own to remember.
 */
import { describe, expect, it } from 'vitest';
import { describeError, EXIT_FAILURE, EXIT_INPUT } from '../../../cli/errors.ts';
import { SlotsBusyError } from '../../../shared/access/hash-slots.ts';
import { SecretReadError } from '../../../shared/adapters/aws/secrets.ts';
import { SmtpRejectedError } from '../../../shared/adapters/smtp/smtp-mailer.ts';
import { isIntakeError } from '../../../shared/domain/errors.ts';
import { AccessError } from '../../../shared/http/auth.ts';
import { OidcConfigError } from '../../../shared/http/oidc.ts';
import { OcrTimeoutError } from '../../../shared/parsing/ocr.ts';
import { ScanPendingError } from '../../../shared/ports/index.ts';
import { DocumentNotRecordedError } from '../../../shared/use-cases/recognise-scan.ts';
import { OpenFormQuotaError } from '../../../shared/use-cases/upload-quota.ts';
import {
  UnknownUploadSessionError,
  UploadIncompleteError,
  UploadPortalUnavailableError,
  UploadScanPendingError,
  UploadScanRefusedError,
} from '../../../shared/use-cases/upload-sessions.ts';

describe('errors raised on purpose', () => {
  it('each have a stable code and kind, and the CLI exit code of their kind', () => {
    // Arrange: one of each class that extended Error on its own before.
    const errors = [
      new UploadPortalUnavailableError(),
      new UnknownUploadSessionError('u-1'),
      new UploadIncompleteError([{ n: 1, fileName: 'a.pdf', problem: 'missing', expectedSize: 1, actualSize: null }]),
      new UploadScanPendingError([{ n: 1, fileName: 'a.pdf', status: null }]),
      new UploadScanRefusedError({
        refusedAt: '2023-11-09T00:00:00Z',
        files: [{ n: 1, fileName: 'a.zip', verdict: 'infected' }],
      }),
      new DocumentNotRecordedError('s-1', 'ab'),
      new OpenFormQuotaError('2023-11-09', 60),
      new AccessError(401, '请先登录'),
      new OidcConfigError('Cognito sign-in is partly configured: set COGNITO_ISSUER'),
      new SlotsBusyError(),
      new OcrTimeoutError(30_000),
      new ScanPendingError('inbox/x.eml', null),
      new SecretReadError('arn:secret', 'AccessDenied'),
      new SmtpRejectedError(['a@example.cn'], '550 no such user'),
    ];

    // Act
    const reports = errors.map((error) => ({ error, report: describeError(error) }));

    // Assess
    for (const { error, report } of reports) {
      expect(isIntakeError(error), error.name).toBe(true);
      if (!isIntakeError(error)) continue;
      expect(error.code, error.name).toMatch(/^[a-z-]+\.[a-z0-9-]+$/);
      expect(report.exitCode, error.name).toBe(error.kind === 'input' ? EXIT_INPUT : EXIT_FAILURE);
      expect(report.line, error.name).toMatch(/^错误：\P{ASCII}/u);
    }
    expect(new Set(errors.map((e) => (isIntakeError(e) ? e.code : ''))).size).toBe(errors.length);
  });

  it('keep the messages the API and the upload page show', () => {
    expect(new UploadPortalUnavailableError().message).toBe('上传通道在此环境不可用 (no upload storage configured)');
    expect(new UnknownUploadSessionError('u-1').message).toBe('上传会话不存在或已过期：u-1');
    expect(new AccessError(403, '无权访问').message).toBe('无权访问');
  });
});
