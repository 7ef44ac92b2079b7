/**
 * Query: the unclassified queue (待核实材料) — evidence files the classifier asked about instead of deciding (low
 * confidence, or two indicators close), and files of records written before the classifier weighed signals that no
 * indicator was found for. Staff settle each in one click (`classifyDocumentByHand`, or `intake classify <document>
 * evidence --indicator <slug>`); until then the indicator reads 待核实, never 缺少.
 *
 * Primary course: for each base of the registry (or the one asked for, or those of the given cities), take its
 * evidence that is asked or has no indicator, leave out files staff classified by hand or withdrew, the same file
 * sent twice (its first arrival is listed) and the small images mail clients attach to signatures; give each the
 * classifier's candidates (with the indicators' Chinese names) and its reasons; oldest first.
 */
import type { CityId } from '../domain/catalogue.ts';
import type { Decision, DocumentRecord } from '../domain/records.ts';
import type { UsingRecords } from './context.ts';
import { listRegistry } from './registry.ts';

/** A mail attachment image below this size is a signature or a logo, not evidence worth a decision. */
const SIGNATURE_IMAGE_MAX_BYTES = 20 * 1024;
const IMAGE_NAME = /\.(?:png|jpe?g|gif|bmp|webp)$/i;

/** An indicator the classifier proposes for a file, with its Chinese name and its score. */
export interface UnclassifiedCandidate {
  indicator: string;
  name: string;
  score: number;
}

/** An evidence file waiting for staff to say which indicator(s) it supports. */
export interface UnclassifiedDocument {
  /** Document id, as `intake classify` takes it. */
  documentId: string;
  baseId: string;
  baseName: string;
  city: CityId;
  fileName: string;
  /** Folder inside the archive it came from, or null for a mail attachment. */
  folderPath: string | null;
  receivedAt: string;
  /** `asked`: the classifier asked; `none`: a record written before it weighed signals, with no indicator. */
  decision: 'asked' | 'none';
  /** Indicators it may be for, most likely first (the buttons staff choose from); empty when nothing hinted. */
  candidates: UnclassifiedCandidate[];
  /** Why the classifier did not decide (「文件名含“花名册”」), as staff read it. */
  reasons: string[];
}

/** Which part of the queue to list: one base, or the bases of some cities (a bureau's own). */
export interface UnclassifiedFilter {
  baseId?: string;
  cities?: readonly CityId[];
}

/** The unclassified queue: of one base (`baseId`, or a filter), or of every base of the registry; oldest first. */
export async function listUnclassified(
  ctx: UsingRecords<'documents' | 'decisions' | 'registeredBases', 'round'>,
  filter: string | UnclassifiedFilter = {},
): Promise<UnclassifiedDocument[]> {
  const { baseId, cities } = typeof filter === 'string' ? { baseId: filter, cities: undefined } : filter;
  const registry = await listRegistry(ctx);
  const bases = registry.filter(
    (base) => (baseId === undefined || base.id === baseId) && (!cities || cities.includes(base.city)),
  );
  const indicatorNames = new Map(ctx.round.indicators.map((i) => [i.slug, i.name] as const));
  const perBase = await Promise.all(
    bases.map(async (base) => {
      const [documents, decisions] = await Promise.all([
        ctx.records.documents.listByBase(base.id),
        ctx.records.decisions.list(base.id),
      ]);
      const settled = settledFiles(decisions);
      const seen = new Set<string>();
      const out: UnclassifiedDocument[] = [];
      for (const doc of [...documents].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))) {
        if (seen.has(doc.sha256)) continue;
        seen.add(doc.sha256);
        const decision = waitingDecision(doc);
        if (!decision || settled.has(doc.sha256)) continue;
        out.push({
          documentId: doc.id,
          baseId: base.id,
          baseName: base.name,
          city: base.city,
          fileName: doc.fileName,
          folderPath: doc.folderPath,
          receivedAt: doc.receivedAt,
          decision,
          candidates: (doc.classification?.candidates ?? []).map((c) => ({
            indicator: c.indicator,
            name: indicatorNames.get(c.indicator) ?? c.indicator,
            score: c.score,
          })),
          reasons: doc.classification?.reasons ?? [],
        });
      }
      return out;
    }),
  );
  return perBase
    .flat()
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.fileName.localeCompare(b.fileName));
}

/** Files (by sha256) staff classified by hand or withdrew (the store lists decisions in force only). */
function settledFiles(decisions: readonly Decision[]): Set<string> {
  return new Set(
    decisions
      .filter((d) => d.active && (d.kind === 'classify-document' || d.kind === 'withdraw-document'))
      .map((d) => d.key),
  );
}

/** Why a document waits for staff, or null when it does not (decided, not evidence, or a signature image). */
function waitingDecision(doc: DocumentRecord): UnclassifiedDocument['decision'] | null {
  if (doc.kind !== 'evidence') return null;
  const signature = doc.folderPath === null && IMAGE_NAME.test(doc.fileName) && doc.size < SIGNATURE_IMAGE_MAX_BYTES;
  if (signature) return null;
  if (doc.classification?.decision === 'asked') return 'asked';
  if (doc.classification?.decision === 'decided') return null;
  const decided = doc.indicator !== null || (doc.indicators?.length ?? 0) > 0;
  return decided ? null : 'none';
}
