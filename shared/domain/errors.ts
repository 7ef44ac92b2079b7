/**
 * The errors the system raises on purpose carry a stable `code`, whether they are the caller's doing (`input`: an
 * unknown base, a bad date) or a failure of the system or its stores (`failure`), and one line in Chinese for staff.
 * The CLI maps them to exit codes in one place (cli/errors.ts): 2 for input, 1 for failure; the HTTP layer maps them
 * to statuses in one place (shared/http/error-status.ts): by code where it says more (404 for an unknown id), else
 * 400 for input and 500 for failure. (Finding codes, about what a base sent, are another catalogue:
 * finding-catalogue.ts.)
 */

/** Whose doing an error is: the caller's input, or a failure of the system or its stores. */
export type ErrorKind = 'input' | 'failure';

/** An error with a stable code, a kind and a Chinese line for staff; `message` stays the English one. */
export class IntakeError extends Error {
  constructor(
    /** Stable, dotted, e.g. `base.unknown`; tests and scripts may rely on it. */
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    /** One line in Chinese for staff (defaults to the message). */
    readonly messageZh: string = message,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'IntakeError';
  }
}

/** Tells whether a value is an IntakeError (also across two copies of this module, e.g. sources and a build). */
export function isIntakeError(error: unknown): error is IntakeError {
  return (
    error instanceof IntakeError ||
    (error instanceof Error &&
      typeof (error as Partial<IntakeError>).code === 'string' &&
      ((error as Partial<IntakeError>).kind === 'input' || (error as Partial<IntakeError>).kind === 'failure') &&
      typeof (error as Partial<IntakeError>).messageZh === 'string')
  );
}

/** A store's own files that cannot be read (corrupt, not merely missing); names the place and the files found. */
export class StoreUnreadableError extends IntakeError {
  /** The unreadable files found, if any. */
  readonly files: string[];
  constructor(
    readonly path: string,
    detail: string,
    options?: ErrorOptions & { files?: string[] },
  ) {
    const files = options?.files ?? [];
    const where =
      files.length > 0 ? `${files.slice(0, 2).join('、')}${files.length > 2 ? ` 等${files.length}个文件` : ''}` : path;
    super(
      'store.unreadable',
      'failure',
      `the local store at ${path} cannot be read (${detail})${files.length > 0 ? `: ${files.join(', ')}` : ''}`,
      `本地数据无法读取：${where}（${detail}）`,
      options,
    );
    this.name = 'StoreUnreadableError';
    this.files = files;
  }
}
