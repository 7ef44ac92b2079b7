/**
 * What the dashboard and the JSON API show, gathered from the use cases and the record store: the overview by city,
 * a base's page, a document by id, search, and the records the API lists as they are (a base's submissions and
 * documents, a city's record, notices, the audit trail). Reads only: every status here is computed at an explicit
 * `asOf`, so a page view never writes a stored status. The HTTP layer reads through here, never the store itself.
 */

import { normalizeBaseName } from '../domain/base-names.ts';
import type { Base, CityId, Indicator } from '../domain/catalogue.ts';
import { claimedIndicators } from '../domain/evaluate.ts';
import { shownText } from '../domain/notice-text.ts';
import type { AuditEvent, BaseStatus, CityRecord, DocumentRecord, Submission } from '../domain/records.ts';
import { type BaseContacts, contactsOf } from './contacts.ts';
import type { AppContext, UsingRecords } from './context.ts';
import { evaluateAll, evaluateBase, UnknownBaseError } from './evaluate.ts';
import { type CityStatus, cityLines, PAPER_COPIES_REQUIRED } from './query.ts';
import { listRegistry } from './registry.ts';

/** One city's line of the overview (the use case's city status). */
export type CitySummary = CityStatus;

/** The overview: a line per city and the statuses it was computed from. */
export interface Overview {
  asOf: string;
  cities: CitySummary[];
  bases: BaseStatus[];
  /** The registry it was computed from (one city's for one city), for the page's further needs (search words). */
  registry: readonly Base[];
}

/** Findings staff still have to look at (errors and warnings not waived). */
export function openFindings(status: BaseStatus): BaseStatus['findings'] {
  return status.findings.filter((f) => f.severity !== 'info');
}

/** Sealed paper copies the notice asks of each base (for the pages). */
export { PAPER_COPIES_REQUIRED };

/** The overview by city at `asOf`, limited to `cities` when given (a bureau's own). */
export async function cityOverview(ctx: AppContext, asOf: Date, cities?: readonly CityId[]): Promise<Overview> {
  // The city lines come from the use case (one definition of "late", "paper complete", "letter received"), from the
  // same statuses as the base list. One city's page reads that city's records only (flat as the other cities grow).
  // The registry is read once a request, for the statuses, the lines and the search words alike.
  const only = cities?.length === 1 ? cities[0] : undefined;
  const registry = await listRegistry(ctx, only ? { city: only } : {});
  const statuses = await evaluateAll(ctx, { asOf, registry, ...(only ? { city: only } : {}) });
  const lines = await cityLines(ctx, asOf, statuses, only, registry);
  const wanted = (city: string) => !cities || cities.includes(city as CityId);
  return {
    asOf: asOf.toISOString(),
    cities: lines.filter((line) => wanted(line.city)),
    bases: statuses.filter((s) => wanted(s.city)),
    registry,
  };
}

/** A stored document as the base page lists it: what the evaluation made of it, and whether staff withdrew it. */
export interface DocumentLine {
  document: DocumentRecord;
  /** The kind in force (a classification by hand wins over the classifier's). */
  kind: DocumentRecord['kind'];
  indicator: string | null;
  withdrawn: boolean;
  classifiedByHand: boolean;
}

/** The evidence checklist: one line per indicator. */
export interface EvidenceLine {
  indicator: Indicator;
  /** The form claims it (a number > 0, 是, a tick): evidence is required. */
  claimed: boolean;
  notApplicable: boolean;
  documents: { id: string; fileName: string }[];
}

/** Everything the base page shows. */
export interface BaseDetail {
  base: Base;
  status: BaseStatus;
  submissions: Submission[];
  documents: DocumentLine[];
  /** The figures the latest self-assessment states, beside the form's items 32 and 33. */
  report: { fileName: string; figures: NonNullable<DocumentRecord['report']>['figures'] } | null;
  evidence: EvidenceLine[];
  /** The report form's contact and the senders seen. */
  contacts: BaseContacts;
  cityRecord: CityRecord | null;
  audit: AuditEvent[];
}

/** The registry entry of a base, or UnknownBaseError. */
export async function getBase(ctx: AppContext, baseId: string): Promise<Base> {
  const base = (await listRegistry(ctx)).find((b) => b.id === baseId);
  if (!base) throw new UnknownBaseError(baseId);
  return base;
}

/** The base page's data at `asOf`. */
export async function baseDetail(ctx: AppContext, baseId: string, asOf: Date): Promise<BaseDetail> {
  const base = await getBase(ctx, baseId);
  const at = asOf.toISOString();
  const [status, submissions, documents, decisions, cityRecord, audit] = await Promise.all([
    evaluateBase(ctx, { baseId, asOf }),
    ctx.records.submissions.listByBase(baseId),
    ctx.records.documents.listByBase(baseId),
    ctx.records.decisions.list(baseId),
    ctx.records.cities.get(base.city),
    ctx.records.audit.list(baseId),
  ]);
  const inForce = new Map(status.documents.map((d) => [d.id, d]));
  const byHand = new Set(
    decisions.filter((d) => d.kind === 'classify-document' && d.active && d.at <= at).map((d) => d.key),
  );
  const lines: DocumentLine[] = documents
    .filter((d) => d.receivedAt <= at)
    .map((document): DocumentLine => {
      const effective = inForce.get(document.id);
      return {
        document,
        kind: effective?.kind ?? document.kind,
        indicator: effective ? effective.indicator : document.indicator,
        withdrawn: !effective,
        classifiedByHand: byHand.has(document.sha256),
      };
    })
    .sort(documentOrder(ctx.round.indicators));
  const latestReport = lines.filter((l) => !l.withdrawn && l.kind === 'self-assessment' && l.document.report).at(-1);
  const claimed = new Set(claimedIndicators(ctx.round, status.formValues).map((i) => i.slug));
  return {
    base,
    status,
    submissions: submissions.filter((s) => s.receivedAt <= at),
    documents: lines,
    report: latestReport?.document.report
      ? { fileName: latestReport.document.fileName, figures: latestReport.document.report.figures }
      : null,
    evidence: ctx.round.indicators.map((indicator) => ({
      // The notice's own slips (「加盖党章」) are shown corrected; the round data keeps what the notice says.
      indicator: { ...indicator, evidence: shownText(ctx.round, indicator.evidence) },
      claimed: claimed.has(indicator.slug),
      notApplicable: status.notApplicable.includes(indicator.slug),
      documents: lines
        .filter((l) => !l.withdrawn && l.kind === 'evidence' && l.indicator === indicator.slug)
        .map((l) => ({ id: l.document.id, fileName: l.document.fileName })),
    })),
    contacts: contactsOf(status, documents, submissions),
    cityRecord,
    audit,
  };
}

/** Kinds in the order a reader goes through a package: the form and the report first, then the evidence. */
const KIND_ORDER: readonly DocumentLine['kind'][] = [
  'report-form',
  'self-assessment',
  'evidence',
  'city-letter',
  'other',
];

/**
 * The base page's file order: by kind, evidence by the indicator's place in the scoring standard (files for no
 * indicator after), then by folder and name, then by arrival.
 */
function documentOrder(indicators: readonly Indicator[]): (a: DocumentLine, b: DocumentLine) => number {
  const place = (l: DocumentLine) => {
    const i = l.indicator ? indicators.findIndex((x) => x.slug === l.indicator) : -1;
    return i < 0 ? indicators.length : i;
  };
  const name = (l: DocumentLine) => `${l.document.folderPath ?? ''}/${l.document.fileName}`;
  return (a, b) =>
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    place(a) - place(b) ||
    name(a).localeCompare(name(b), 'zh-CN', { numeric: true }) ||
    a.document.receivedAt.localeCompare(b.document.receivedAt);
}

/** A document by id (`<submissionId>/<sha256>`), or null. */
export async function findDocument(ctx: UsingRecords<'documents'>, documentId: string): Promise<DocumentRecord | null> {
  const slash = documentId.indexOf('/');
  if (slash <= 0) return null;
  const documents = await ctx.records.documents.listBySubmission(documentId.slice(0, slash));
  return documents.find((d) => d.id === documentId) ?? null;
}

/** The city of the base a submission or document belongs to; null while it belongs to none (unmatched). */
export async function cityOfBase(ctx: AppContext, baseId: string | null): Promise<CityId | null> {
  if (!baseId) return null;
  return (await listRegistry(ctx)).find((b) => b.id === baseId)?.city ?? null;
}

/** Bases whose name, alias or id contains the text (spelling differences the matcher ignores are ignored here). */
export async function searchBases(ctx: AppContext, text: string, cities?: readonly CityId[]): Promise<Base[]> {
  const wanted = normalizeBaseName(text);
  if (!wanted) return [];
  return (await listRegistry(ctx)).filter(
    (b) =>
      (!cities || cities.includes(b.city)) &&
      (b.id === text.trim() || [b.name, ...b.aliases].some((name) => normalizeBaseName(name).includes(wanted))),
  );
}

/**
 * What the bases table's search finds a base by besides its name and files: its other names, the senders of its
 * submissions and the receipt numbers of its uploads, as its status (computed at the table's `asOf`) carries them. Only
 * the shown bases' registry entries are read (one city's, for a city's table), nothing of their submissions; none when
 * the caller passes the registry it has read.
 */
export async function tableSearchWords(
  ctx: UsingRecords<'registeredBases', 'round'>,
  statuses: readonly BaseStatus[],
  read?: readonly Base[],
): Promise<Map<string, string[]>> {
  const cities = new Set(statuses.map((s) => s.city));
  // `read`: the registry the statuses were computed from (Overview.registry), when the caller has it.
  const registry = read ?? (await listRegistry(ctx, cities.size === 1 ? { city: [...cities][0] as string } : {}));
  const aliases = new Map(registry.map((b) => [b.id, b.aliases]));
  return new Map(
    statuses.map((s) => [s.baseId, [...(aliases.get(s.baseId) ?? []), ...(s.senders ?? []), ...(s.receipts ?? [])]]),
  );
}

export { findByReceipt, type ReceiptMatch } from './receipt-lookup.ts';

/** A base's submissions as recorded (newest last). */
export function submissionsOfBase(ctx: UsingRecords<'submissions'>, baseId: string): Promise<Submission[]> {
  return ctx.records.submissions.listByBase(baseId);
}

/** A base's documents as recorded. */
export function documentsOfBase(ctx: UsingRecords<'documents'>, baseId: string): Promise<DocumentRecord[]> {
  return ctx.records.documents.listByBase(baseId);
}

/** One submission with its documents, or null. */
export async function submissionWithDocuments(
  ctx: UsingRecords<'submissions' | 'documents'>,
  submissionId: string,
): Promise<{ submission: Submission; documents: DocumentRecord[] } | null> {
  const submission = await ctx.records.submissions.get(submissionId);
  if (!submission) return null;
  return { submission, documents: await ctx.records.documents.listBySubmission(submission.id) };
}

/** A city's record (paper copies, its letter, its notices' state), or null before anything was recorded. */
export function cityRecordOf(ctx: UsingRecords<'cities'>, city: CityId): Promise<CityRecord | null> {
  return ctx.records.cities.get(city);
}

/** The notices sent (or due), for the cities given (all when none). */
export function noticesOf(ctx: UsingRecords<'notices'>, city?: string) {
  return ctx.records.notices.list(city);
}

/** The audit trail of a base, or of everything (null). */
export function auditTrail(ctx: UsingRecords<'audit'>, baseId: string | null): Promise<AuditEvent[]> {
  return ctx.records.audit.list(baseId);
}
