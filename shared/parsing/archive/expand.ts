/** Expansion: an archive's members read one by one within the limits, zips inside it expanded in turn. */
import type { Entry, ZipFile } from 'yauzl';
import { archiveKind, FORMAT_NAMES } from './kind.ts';
import {
  type ArchiveLimits,
  DEFAULT_ARCHIVE_LIMITS,
  LISTING_SLACK,
  RATIO_CHECK_FLOOR,
  ratioOf,
  reportEntryTooLarge,
  reportRatio,
  stopForEntryCount,
  stopForTotalSize,
} from './limits.ts';
import type { ArchiveEntry, ArchiveResult } from './model.ts';
import { checkPath, decodeNames } from './names.ts';
import { printable, type Run, report, reportOpenFailure, type Scope, unsupportedMessage } from './run.ts';
import { type Listing, listEntries, openZip, readLimited } from './zip.ts';

/**
 * Expands a zip archive (and zips inside it, up to `maxDepth` levels) within the limits. Never throws on bad
 * data: other formats, corrupt and encrypted archives give findings and no entries.
 */
export async function expandArchive(
  data: Buffer,
  input: {
    fileName: string;
    limits?: Partial<ArchiveLimits>;
    depth?: number;
    /**
     * Takes each member as soon as it is out (awaited before the next is read), so that memory holds one member at
     * a time; the result's `entries` is then empty.
     */
    onEntry?: (entry: ArchiveEntry) => Promise<void>;
  },
): Promise<ArchiveResult> {
  const limits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...input.limits };
  const run: Run = {
    document: input.fileName,
    limits,
    entries: [],
    yielded: 0,
    onEntry: input.onEntry,
    findings: [],
    entryCount: 0,
    byteCount: 0,
    stopped: false,
    legacyNamesNoted: false,
  };
  const top: Scope = {
    label: `「${input.fileName}」`,
    labelEn: `"${input.fileName}"`,
    prefix: '',
    depth: input.depth ?? 0,
  };
  await expandInto(run, top, data, input.fileName);
  return { entries: run.entries, findings: run.findings };
}

/** Expands one archive into the run; false when it yielded no file at all (so a nested one is kept whole). */
async function expandInto(run: Run, scope: Scope, data: Buffer, fileName: string): Promise<boolean> {
  const kind = archiveKind(data, fileName);
  if (kind !== null && kind !== 'zip') {
    report(run, 'archive.unsupported-format', ...unsupportedMessage(scope, FORMAT_NAMES[kind]));
    return false;
  }
  let zip: ZipFile;
  try {
    zip = await openZip(data);
  } catch (error) {
    reportOpenFailure(run, scope, error);
    return false;
  }
  // Errors after opening arrive as events; without a listener they would crash the process.
  zip.on('error', () => {});
  try {
    const hardCap = 2 * run.limits.maxEntries + LISTING_SLACK;
    let listing: Listing;
    try {
      listing = await listEntries(zip, hardCap);
    } catch (error) {
      reportOpenFailure(run, scope, error);
      return false;
    }
    const names = decodeNames(listing.records);
    if (names.legacy && !run.legacyNamesNoted) {
      run.legacyNamesNoted = true;
      report(
        run,
        'archive.names-legacy-encoding',
        `压缩包${scope.label}的文件名未标明 UTF-8 编码，已按 GBK（GB18030）编码读取。`,
        `Entry names in ${scope.labelEn} carry no UTF-8 flag; they were decoded as GBK (GB18030).`,
      );
    }
    if (names.repaired && !run.legacyNamesNoted) {
      run.legacyNamesNoted = true;
      const { from, to } = names.repaired;
      report(
        run,
        'archive.names-legacy-encoding',
        `压缩包${scope.label}的文件名曾被按 DOS 编码（CP437）误读成乱码（如「${from}」），已按 GBK 还原为「${to}」。`,
        `Entry names in ${scope.labelEn} had been garbled (GBK read as CP437, e.g. "${from}"); read again as GBK: "${to}".`,
      );
    }
    const encrypted: string[] = [];
    const entriesBefore = run.yielded;
    const findingsBefore = run.findings.length;
    for (const [index, record] of listing.records.entries()) {
      if (run.stopped) break;
      await expandRecord(run, scope, zip, record, names.decoded[index] ?? '', encrypted);
    }
    if (listing.truncated && !run.stopped) stopForEntryCount(run, scope);
    if (encrypted.length > 0) {
      const example = encrypted[0] ?? '';
      report(
        run,
        'archive.encrypted',
        `压缩包${scope.label}中有 ${encrypted.length} 个文件设有密码（如「${example}」），无法读取。请去掉密码后重新压缩（zip 格式）发送，或直接发送文件。`,
        `${encrypted.length} member(s) of ${scope.labelEn} are password-protected (e.g. "${example}") and cannot be read; please resend without a password.`,
      );
    }
    // An archive of only folders and debris would otherwise vanish without a word.
    if (run.yielded === entriesBefore && run.findings.length === findingsBefore) {
      report(
        run,
        'archive.empty',
        `压缩包${scope.label}中没有文件（空压缩包或只有文件夹），请检查后重新发送。`,
        `${scope.labelEn} contains no files (empty, or folders only).`,
      );
    }
    return run.yielded > entriesBefore;
  } finally {
    zip.close();
  }
}

/** Checks, reads and files one central-directory record. */
async function expandRecord(
  run: Run,
  scope: Scope,
  zip: ZipFile,
  record: Entry,
  name: string,
  encrypted: string[],
): Promise<void> {
  const checked = checkPath(name);
  if (checked.kind === 'directory' || checked.kind === 'junk') return;
  if (run.entryCount >= run.limits.maxEntries) {
    stopForEntryCount(run, scope);
    return;
  }
  run.entryCount += 1;
  if (checked.kind === 'unsafe') {
    report(
      run,
      'archive.entry-unsafe',
      `压缩包${scope.label}中的文件「${printable(name)}」路径不安全（${checked.reason.zh}），已跳过。`,
      `Member "${printable(name)}" of ${scope.labelEn} has an unsafe path (${checked.reason.en}); skipped.`,
    );
    return;
  }
  const path = checked.path;
  if (record.isEncrypted()) {
    encrypted.push(path);
    return;
  }
  if (record.compressionMethod !== 0 && record.compressionMethod !== 8) {
    report(
      run,
      'archive.unsupported-method',
      `压缩包${scope.label}中的文件「${path}」使用了系统不支持的压缩方式（编号 ${record.compressionMethod}），无法读取。请用常用的 zip 压缩方式重新压缩后发送。`,
      `Member "${path}" of ${scope.labelEn} uses unsupported compression method ${record.compressionMethod}; please recompress as a standard zip.`,
    );
    return;
  }

  const { limits } = run;
  // Headers may lie, so these checks only save work; the byte counter below is the real guard.
  if (record.uncompressedSize > RATIO_CHECK_FLOOR && ratioOf(record.uncompressedSize, record) > limits.maxRatio) {
    reportRatio(run, scope, path);
    return;
  }
  if (record.uncompressedSize > limits.maxEntryBytes) {
    reportEntryTooLarge(run, scope, path);
    return;
  }
  if (run.byteCount + record.uncompressedSize > limits.maxTotalBytes) {
    stopForTotalSize(run, scope, path);
    return;
  }

  const read = await readLimited(zip, record, {
    maxBytes: limits.maxEntryBytes,
    totalLeft: limits.maxTotalBytes - run.byteCount,
    maxRatio: limits.maxRatio,
  });
  if (read.kind === 'limit') {
    if (read.limit === 'ratio') reportRatio(run, scope, path);
    else if (read.limit === 'entry') reportEntryTooLarge(run, scope, path);
    else stopForTotalSize(run, scope, path);
    return;
  }
  if (read.kind === 'error' || read.crc !== record.crc32) {
    report(
      run,
      'archive.corrupt',
      `压缩包${scope.label}中的文件「${path}」已损坏，无法读取，已跳过。请重新压缩（zip 格式）后发送。`,
      `Member "${path}" of ${scope.labelEn} is damaged (${read.kind === 'error' ? read.error.message : 'CRC mismatch'}); skipped.`,
    );
    return;
  }
  run.byteCount += read.content.length;
  await fileMember(run, scope, scope.prefix + path, read.content);
}

/** Adds a member to the result, expanding it first when it is itself an archive. */
async function fileMember(run: Run, scope: Scope, fullPath: string, content: Buffer): Promise<void> {
  const fileName = fullPath.slice(fullPath.lastIndexOf('/') + 1);
  const kind = archiveKind(content, fileName);
  const keep = async (): Promise<void> => {
    const entry: ArchiveEntry = {
      path: fullPath,
      folderPath: fullPath.includes('/') ? fullPath.slice(0, fullPath.lastIndexOf('/')) : '',
      fileName,
      content,
      depth: scope.depth + 1,
    };
    if (scope.fromNested !== undefined) entry.fromNested = scope.fromNested;
    run.yielded++;
    if (run.onEntry) await run.onEntry(entry);
    else run.entries.push(entry);
  };
  if (kind === null) return keep();
  const inner: Scope = {
    label: `「${run.document}」中的「${fullPath}」`,
    labelEn: `"${run.document}" > "${fullPath}"`,
    prefix: `${fullPath.replace(/\.zip$/i, '')}/`,
    depth: scope.depth + 1,
    fromNested: fullPath,
  };
  if (kind === 'zip' && inner.depth > run.limits.maxDepth) {
    report(
      run,
      'archive.nested-too-deep',
      `压缩包${inner.label}是多层嵌套的压缩包，未展开其中的文件。请解压后直接发送其中的文件。`,
      `${inner.labelEn} is nested too deep; kept unexpanded. Please send its files directly.`,
    );
    return keep();
  }
  // Other formats and unreadable zips are kept whole: staff can still open them by hand.
  if (!(await expandInto(run, inner, content, fileName))) await keep();
}
