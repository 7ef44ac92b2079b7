/** One expansion's state (its limits spent across nested archives) and the findings it reports. */
import type { FindingCode } from '../../domain/finding-catalogue.ts';
import { type Finding, finding } from '../../domain/findings.ts';
import type { ArchiveLimits } from './limits.ts';
import type { ArchiveEntry } from './model.ts';

/** State shared by an archive and the zips nested in it: limits are spent across all of them. */
export interface Run {
  document: string;
  limits: ArchiveLimits;
  entries: ArchiveEntry[];
  /** Members handed out so far (to `onEntry` or into `entries`). */
  yielded: number;
  onEntry: ((entry: ArchiveEntry) => Promise<void>) | undefined;
  findings: Finding[];
  entryCount: number;
  byteCount: number;
  /** Set when a limit ends the whole expansion. */
  stopped: boolean;
  legacyNamesNoted: boolean;
}

/** One archive being expanded: the top one, or a zip inside it. */
export interface Scope {
  /** How messages name this archive, e.g. 「材料.zip」中的「证明/主播.zip」. */
  label: string;
  labelEn: string;
  /** Prepended to member paths: '' at the top, the inner zip's path (without .zip) and `/` when nested. */
  prefix: string;
  depth: number;
  fromNested?: string;
}

export function report(run: Run, code: FindingCode, message: string, messageEn: string): void {
  run.findings.push(finding(code, message, { document: run.document, messageEn }));
}

export function reportOpenFailure(run: Run, scope: Scope, error: unknown): void {
  const detail = error instanceof Error ? error.message : String(error);
  if (/encryption/i.test(detail)) {
    report(
      run,
      'archive.encrypted',
      `压缩包${scope.label}设有密码（加密），无法读取。请去掉密码后重新压缩（zip 格式）发送，或直接发送文件。`,
      `${scope.labelEn} is encrypted (${detail}); please resend without a password.`,
    );
  } else if (/multi-disk/i.test(detail)) {
    report(run, 'archive.unsupported-format', ...unsupportedMessage(scope, '分卷 ZIP'));
  } else {
    report(
      run,
      'archive.corrupt',
      `压缩包${scope.label}已损坏或不完整，无法打开。请重新压缩（zip 格式）后发送，或直接发送文件。`,
      `${scope.labelEn} is damaged or truncated (${detail}); please resend.`,
    );
  }
}

export function unsupportedMessage(scope: Scope, format: string): [string, string] {
  return [
    `压缩包${scope.label}是 ${format} 格式，系统无法读取其中的文件。请改用 zip 格式压缩（不要分卷、不设密码）后重新发送，或直接发送文件。`,
    `${scope.labelEn} is a ${format} archive, which cannot be read; please resend as a single zip or as loose files.`,
  ];
}

/** Names refused as unsafe are shown with control characters made visible. */
export function printable(name: string): string {
  return name.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
