/** What one archive (nested ones included) may cost, and the findings for an archive that would cost more. */
import type { Entry } from 'yauzl';
import { type Run, report, type Scope } from './run.ts';

/** Limits that bound what one archive (nested ones included) may cost. */
export interface ArchiveLimits {
  /** Members read, nested ones included; directories and OS junk do not count. */
  maxEntries: number;
  /** Expanded bytes over all members, counted while streaming. */
  maxTotalBytes: number;
  /** Expanded bytes of one member. */
  maxEntryBytes: number;
  /** Largest expanded:compressed ratio of one member, checked only for members above 1 MB expanded. */
  maxRatio: number;
  /** How many levels of zips inside the zip are expanded. */
  maxDepth: number;
}

/** Defaults sized for evidence packages: generous for photos and videos, far below what exhausts a Lambda. */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 2000,
  maxTotalBytes: 500 * 1024 * 1024,
  maxEntryBytes: 100 * 1024 * 1024,
  maxRatio: 200,
  maxDepth: 1,
};

/** The ratio check applies only above this size: small files of repeated bytes compress hugely and are harmless. */
export const RATIO_CHECK_FLOOR = 1024 * 1024;
/** Central-directory records listed per archive, directories included, before the listing stops. */
export const LISTING_SLACK = 100;

export function ratioOf(expandedBytes: number, record: Entry): number {
  return expandedBytes / Math.max(record.compressedSize, 1);
}

export function stopForEntryCount(run: Run, scope: Scope): void {
  run.stopped = true;
  const max = run.limits.maxEntries;
  report(
    run,
    'archive.too-many-entries',
    `压缩包${scope.label}中的文件超过 ${max} 个，只读取了前 ${max} 个，其余未读取。请分成几个压缩包发送。`,
    `${scope.labelEn} holds more than ${max} files; only the first ${max} were read.`,
  );
}

export function stopForTotalSize(run: Run, scope: Scope, path: string): void {
  run.stopped = true;
  const max = formatBytes(run.limits.maxTotalBytes);
  report(
    run,
    'archive.too-large',
    `压缩包${scope.label}解压后超过 ${max.zh}，从「${path}」起的文件未读取。请分成几个压缩包发送。`,
    `${scope.labelEn} expands beyond ${max.en}; files from "${path}" on were not read.`,
  );
}

export function reportEntryTooLarge(run: Run, scope: Scope, path: string): void {
  const max = formatBytes(run.limits.maxEntryBytes);
  report(
    run,
    'archive.entry-too-large',
    `压缩包${scope.label}中的文件「${path}」解压后超过 ${max.zh}，未读取。请单独发送该文件，或压缩、拆分后发送。`,
    `Member "${path}" of ${scope.labelEn} expands beyond ${max.en}; not read.`,
  );
}

export function reportRatio(run: Run, scope: Scope, path: string): void {
  const max = run.limits.maxRatio;
  report(
    run,
    'archive.ratio-suspect',
    `压缩包${scope.label}中的文件「${path}」压缩比异常（超过 ${max}:1），疑似“压缩炸弹”，未读取。`,
    `Member "${path}" of ${scope.labelEn} has a compression ratio above ${max}:1 (suspected zip bomb); not read.`,
  );
}

function formatBytes(bytes: number): { zh: string; en: string } {
  if (bytes >= 1024 * 1024) {
    const mb = `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
    return { zh: mb, en: mb };
  }
  return { zh: `${bytes} 字节`, en: `${bytes} bytes` };
}
