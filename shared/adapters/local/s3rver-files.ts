/**
 * The files s3rver (the local S3 stand-in) keeps beside each object, checked without s3rver: a bucket directory
 * holds `<name>._S3rver_object` (the bytes), `<name>._S3rver_metadata.json` (content type, user metadata) and
 * `<name>._S3rver_object.md5`, and the bucket's own `._S3rver_cors.xml`. s3rver answers every request that touches
 * an unparseable metadata file with a 500 (listing the bucket, which is how HeadBucket is served, reads them all),
 * so one damaged file makes the whole store unusable. These are re-creatable: metadata holds nothing intake reads
 * back (content types are in the records; the received-at stamp of portal uploads is lost), the md5 is recomputed
 * by s3rver, and the CORS rule is written again at every start.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A damaged s3rver file and what repairing it does. */
export interface DamagedStoreFile {
  path: string;
  /** `metadata`: an object's metadata.json; `cors`: the bucket's CORS configuration. */
  kind: 'metadata' | 'cors';
  detail: string;
}

const METADATA_SUFFIX = '._S3rver_metadata.json';
const CORS_FILE = '._S3rver_cors.xml';

/** Finds the damaged s3rver files of a bucket directory (none when it does not exist). */
export async function findDamagedStoreFiles(bucketDir: string): Promise<DamagedStoreFile[]> {
  const damaged: DamagedStoreFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      damaged.push({ path: dir, kind: 'metadata', detail: (error as Error).message });
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith(METADATA_SUFFIX)) {
        const problem = await jsonProblem(path);
        if (problem) damaged.push({ path, kind: 'metadata', detail: problem });
      } else if (dir === bucketDir && entry.name === CORS_FILE) {
        const text = await readFile(path, 'utf8').catch((error: Error) => `\0${error.message}`);
        if (!/^\s*(<\?xml[^>]*>\s*)?<CORSConfiguration[\s>][\s\S]*<\/CORSConfiguration>\s*$/.test(text)) {
          damaged.push({ path, kind: 'cors', detail: 'not a CORS configuration' });
        }
      }
    }
  };
  await walk(bucketDir);
  return damaged;
}

/** Repairs damaged files (see the module comment): metadata becomes `{}`, the CORS file goes (written at start). */
export async function repairStoreFiles(files: readonly DamagedStoreFile[]): Promise<void> {
  for (const file of files) {
    if (file.kind === 'cors') await rm(file.path, { force: true });
    else await writeFile(file.path, '{}\n');
  }
}

async function jsonProblem(path: string): Promise<string | null> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? null : 'not a JSON object';
  } catch (error) {
    return (error as Error).message;
  }
}
