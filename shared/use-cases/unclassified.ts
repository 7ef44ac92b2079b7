/**
 * Query: evidence files no indicator could be found for (by folder, name or header row), for staff to classify
 * by hand with `intake classify <document> evidence --indicator <slug>`. Files staff already classified or
 * withdrew are not listed, nor the same file sent twice, nor the small images mail clients attach to signatures.
 */
import type { DocumentRecord } from '../domain/records.ts';
import type { AppContext } from './context.ts';
import { listRegistry } from './registry.ts';

/** A mail attachment image below this size is a signature or a logo, not evidence worth a decision. */
const SIGNATURE_IMAGE_MAX_BYTES = 20 * 1024;
const IMAGE_NAME = /\.(?:png|jpe?g|gif|bmp|webp)$/i;

/** An evidence file waiting for staff to say which indicator it supports. */
export interface UnclassifiedDocument {
  /** Document id, as `intake classify` takes it. */
  documentId: string;
  baseId: string;
  fileName: string;
  /** Folder inside the archive it came from, or null for a mail attachment. */
  folderPath: string | null;
  receivedAt: string;
}

/** Unclassified evidence of one base, or of every base of the registry; oldest first. */
export async function listUnclassified(ctx: AppContext, baseId?: string): Promise<UnclassifiedDocument[]> {
  const baseIds = baseId !== undefined ? [baseId] : (await listRegistry(ctx)).map((base) => base.id);
  const out: UnclassifiedDocument[] = [];
  for (const id of baseIds) {
    const [documents, decisions] = await Promise.all([
      ctx.records.listDocumentsByBase(id),
      ctx.records.listDecisions(id),
    ]);
    const decided = new Set(
      decisions
        .filter((d) => d.active && (d.kind === 'classify-document' || d.kind === 'withdraw-document'))
        .map((d) => d.key),
    );
    const seen = new Set<string>();
    for (const doc of [...documents].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))) {
      if (!needsClassifying(doc) || decided.has(doc.sha256) || seen.has(doc.sha256)) continue;
      seen.add(doc.sha256);
      out.push({
        documentId: doc.id,
        baseId: id,
        fileName: doc.fileName,
        folderPath: doc.folderPath,
        receivedAt: doc.receivedAt,
      });
    }
  }
  return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.fileName.localeCompare(b.fileName));
}

function needsClassifying(doc: DocumentRecord): boolean {
  if (doc.kind !== 'evidence' || doc.indicator !== null) return false;
  const signature = doc.folderPath === null && IMAGE_NAME.test(doc.fileName) && doc.size < SIGNATURE_IMAGE_MAX_BYTES;
  return !signature;
}
