/**
 * `intake status` asked again when nothing has changed answers from a snapshot file instead of starting the record
 * store: reading one file takes milliseconds, starting dynalite and the SDK half a second (issue 17, target 3).
 *
 * A snapshot holds the status report of one query (city, base name), its table lines, and what it was computed
 * from. It answers only while all of this is as it was when it was written:
 * - the record store's files (dynalite's LevelDB folder: each file's name, size and modification time). LevelDB
 *   appends every write to its log, and each open starts a new log, so any process that wrote to the store, or only
 *   opened it, since the snapshot was written makes it stale;
 * - the code (the CLI build's `built.json`, or the newest source file when the CLI runs from the sources);
 * - the round folders (the folder and each file of the round used) and every `INTAKE_*` setting;
 * - the side of the deadline the clock is on: a status changes when the deadline passes, with no write.
 *
 * A snapshot is written only by a status command that started the store itself and has closed it, so no other
 * process can write between the read and the stamp (LevelDB allows one process). While `intake start` runs, status
 * joins it and every answer is computed. Asking `--as-of` a time is always computed and never kept.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatusReport } from '../../shared/use-cases/query.ts';

/** Format of the file; a snapshot of another version is ignored. */
const VERSION = 1;

/** What a snapshot answers for. */
export interface StatusSnapshotQuery {
  /** The `--city` argument as typed (resolved only when the answer is computed). */
  city?: string;
  base?: string;
}

/** What the answer was computed from; a snapshot answers while the current state stamps the same. */
export interface SourceStamp {
  /** Hash of the record store's files, the code, the round files and the settings. */
  stamp: string;
}

/** One snapshot file. */
interface SnapshotFile {
  version: number;
  query: StatusSnapshotQuery;
  stamp: string;
  /** Round files whose stats are part of the stamp (absolute paths), so a reader stamps the same ones. */
  roundFiles: string[];
  /** The round's deadline (ms since the epoch) and whether the answer was computed before it. */
  deadline: number;
  beforeDeadline: boolean;
  report: StatusReport;
  table: string[];
}

/** What a fresh snapshot gives: the report with its statuses stamped now, and the table lines. */
export interface SnapshotAnswer {
  report: StatusReport;
  table: string[];
}

/** The snapshot's path for a query. */
function snapshotPath(dataDir: string, query: StatusSnapshotQuery): string {
  const name = createHash('sha256')
    .update(JSON.stringify([query.city ?? null, query.base ?? null]))
    .digest('hex')
    .slice(0, 16);
  return join(dataDir, 'cache', 'status', `${name}.json`);
}

/** Name, size and modification time of each file directly in a folder (sorted), or `[]` when there is none. */
function folderStats(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const stat = statSync(join(dir, entry.name));
      return `${entry.name}\u0000${stat.size}\u0000${stat.mtimeMs}`;
    })
    .sort();
}

function fileStat(path: string): string {
  if (!existsSync(path)) return `${path}\u0000absent`;
  const stat = statSync(path);
  return `${path}\u0000${stat.size}\u0000${stat.mtimeMs}`;
}

/** The code this process runs: the build's `built.json` text, or the newest modification time of the sources. */
function codeIdentity(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, dirname(here), dirname(dirname(here))]) {
    const built = join(dir, 'built.json');
    if (existsSync(built) && existsSync(join(dir, 'main.js'))) return `build\u0000${readFileSync(built, 'utf8')}`;
  }
  const root = join(here, '..', '..');
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else newest = Math.max(newest, statSync(join(dir, entry.name)).mtimeMs);
    }
  };
  walk(join(root, 'cli'));
  walk(join(root, 'shared'));
  return `sources\u0000${newest}`;
}

/** The stamp of the data directory's records, the code, the given round files and the `INTAKE_*` settings. */
export function currentStamp(dataDir: string, roundFiles: readonly string[]): string {
  const settings = Object.entries(process.env)
    .filter(([name]) => name.startsWith('INTAKE_'))
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(
      JSON.stringify({
        records: folderStats(join(dataDir, 'dynamodb')),
        code: codeIdentity(),
        round: roundFiles.map(fileStat),
        settings,
      }),
    )
    .digest('hex');
}

/**
 * True when a snapshot written with `written` still answers at `now`: same stamp, and the clock on the same side of
 * the deadline as when it was computed.
 */
export function snapshotAnswers(
  written: { stamp: string; deadline: number; beforeDeadline: boolean },
  current: { stamp: string; now: Date },
): boolean {
  return written.stamp === current.stamp && current.now.getTime() < written.deadline === written.beforeDeadline;
}

/** The snapshot's answer to a query when one answers now; undefined otherwise (absent, stale, unreadable). */
export async function readStatusSnapshot(
  dataDir: string,
  query: StatusSnapshotQuery,
  now = new Date(),
): Promise<SnapshotAnswer | undefined> {
  let file: SnapshotFile;
  try {
    file = JSON.parse(await readFile(snapshotPath(dataDir, query), 'utf8')) as SnapshotFile;
  } catch {
    return undefined;
  }
  if (file.version !== VERSION || !Array.isArray(file.roundFiles)) return undefined;
  if (!snapshotAnswers(file, { stamp: currentStamp(dataDir, file.roundFiles), now })) return undefined;
  // Nothing changed since: the statuses hold now, as a stored status reused by evaluateAll does.
  const asOf = now.toISOString();
  return { report: { ...file.report, bases: file.report.bases.map((b) => ({ ...b, asOf })) }, table: file.table };
}

/**
 * Keeps a computed answer. Call it after the store was closed by this process (see the module comment). The file is
 * written beside and renamed into place, so a reader never sees half of it.
 */
export async function writeStatusSnapshot(
  dataDir: string,
  input: {
    query: StatusSnapshotQuery;
    roundFiles: string[];
    deadline: Date;
    computedAt: Date;
    report: StatusReport;
    table: string[];
  },
): Promise<void> {
  const path = snapshotPath(dataDir, input.query);
  const file: SnapshotFile = {
    version: VERSION,
    query: input.query,
    stamp: currentStamp(dataDir, input.roundFiles),
    roundFiles: input.roundFiles,
    deadline: input.deadline.getTime(),
    beforeDeadline: input.computedAt.getTime() < input.deadline.getTime(),
    report: input.report,
    table: input.table,
  };
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, JSON.stringify(file));
  await rename(partial, path);
}
