/** What expanding an archive yields. */
import type { Finding } from '../../domain/findings.ts';

/** One file taken out of an archive. */
export interface ArchiveEntry {
  /** Full path inside the archive, `/`-separated and decoded; nested members carry the inner zip's path. */
  path: string;
  /** Folder part of `path`, `''` at the root. */
  folderPath: string;
  fileName: string;
  content: Buffer;
  /** Path of the inner zip this member came from, when it came from one. */
  fromNested?: string;
  /**
   * Levels of archives this member is inside, counting from the caller's `depth` (1 for a member of the top
   * archive): an archive kept unexpanded as too deep must not be opened again by whoever takes it.
   */
  depth: number;
}

/** What an archive yielded: its files, and every problem met on the way. */
export interface ArchiveResult {
  entries: ArchiveEntry[];
  findings: Finding[];
}
