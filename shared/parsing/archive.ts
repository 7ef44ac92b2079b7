/**
 * Safe expansion of the zip archives bases attach to their emails. Archives made on Chinese Windows store entry
 * names in GBK/CP936 without the UTF-8 flag, so names are decoded here from their raw bytes, before any path
 * splitting (a GBK or Shift_JIS trail byte may be 0x5C, the backslash). Everything a hostile or broken archive
 * can do (path traversal, zip bombs, lying headers, encryption, other formats) becomes a finding, never an
 * exception; members are held in memory only, never written to disk.
 *
 * This file is the module's public face; the parts live beside it in archive/: expand.ts (members read one by one,
 * nested zips in turn), names.ts (decoding and checking entry names), limits.ts (what an archive may cost, and the
 * findings when it would cost more), kind.ts (which format a file is), zip.ts (the zip reader), run.ts (one
 * expansion's state and its findings), model.ts (what expansion yields).
 */
import type * as Expand from './archive/expand.ts';

/**
 * Expands a zip archive within its limits (archive/expand.ts). The zip reader and the name decoding (iconv-lite's
 * code pages) load with the first archive, not with every module that imports this one.
 */
export async function expandArchive(
  ...args: Parameters<typeof Expand.expandArchive>
): ReturnType<typeof Expand.expandArchive> {
  return (await import('./archive/expand.ts')).expandArchive(...args);
}

export { type ArchiveKind, archiveKind } from './archive/kind.ts';
export { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from './archive/limits.ts';
export type { ArchiveEntry, ArchiveResult } from './archive/model.ts';
