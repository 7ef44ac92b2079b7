/**
 * The status of a base at a moment: a pure function of the round, the base, what it sent and the time.
 *
 * - Only what the mailbox had received by `asOf` counts.
 * - The latest report form counts for values; each required element keeps the time it first became present.
 * - An element first present after the deadline is late (逾期提交, `lateItems`).
 * - Past the deadline, an element still missing at `asOf` is overdue (截止仍缺, `overdueItems`): a different fact,
 *   never folded into `late`. A base complete and on time is neither.
 */
import type { Base, FormItem, Indicator, Round } from './catalogue.ts';
import { type Finding, findingKey } from './findings.ts';
import type {
  BaseStatus,
  Decision,
  DocumentKind,
  DocumentRecord,
  FormValue,
  LateItem,
  OverdueItem,
  Submission,
} from './records.ts';
import { PORTAL_SENDER } from './records.ts';
import { deadlineInstant } from './round-time.ts';
import { checkRules } from './rules.ts';

/** What the evaluation of one base needs. */
export interface EvaluationInput {
  round: Round;
  base: Base;
  submissions: Submission[];
  documents: DocumentRecord[];
  /** Staff decisions in force (waivers, not-applicable, withdrawals, classifications by hand, paper copies). */
  decisions?: Decision[];
  asOf: Date;
}

/** A required element and the time it first became present (null: not yet). */
interface Element {
  element: LateItem['element'];
  item?: number;
  indicator?: string;
  label: string;
  firstAt: string | null;
}

/** Computes the status of a base (see the module comment for the rules). */
export function evaluate(input: EvaluationInput): BaseStatus {
  const { round, base } = input;
  const asOf = input.asOf.toISOString();
  const byTime = (a: { receivedAt: string }, b: { receivedAt: string }) => a.receivedAt.localeCompare(b.receivedAt);
  const submissions = input.submissions.filter((s) => s.state !== 'duplicate' && s.receivedAt <= asOf).sort(byTime);
  const decisions = (input.decisions ?? []).filter((d) => d.active && d.at <= asOf);
  const ofKind = (kind: Decision['kind']) => decisions.filter((d) => d.kind === kind);
  const withdrawn = new Set(ofKind('withdraw-document').map((d) => d.key));
  const byHand = new Map(ofKind('classify-document').map((d) => [d.key, d.value] as const));
  const notApplicable = new Set(ofKind('not-applicable').map((d) => d.key));
  const waivedKeys = new Set(ofKind('waive-finding').map((d) => d.key));
  const documents = input.documents
    .filter((d) => d.receivedAt <= asOf && !withdrawn.has(d.sha256))
    .map((d) => {
      const manual = byHand.get(d.sha256);
      if (!manual) return d;
      const chosen = handIndicators(manual);
      return {
        ...d,
        kind: manual.kind as DocumentKind,
        indicator: chosen[0] ?? null,
        indicators: chosen,
        classification: null,
      };
    })
    .sort(byTime)
    // The same file sent again is one document version: its first arrival counts.
    .filter((d, index, all) => all.findIndex((other) => other.sha256 === d.sha256) === index);
  // A document counts once it is readable: an error finding on it (encrypted, corrupt, not xlsx) keeps it from
  // counting until the base sends a good one or staff waive the finding (they read it by hand).
  const valid = (d: DocumentRecord) =>
    !d.findings.some((f) => f.severity === 'error' && !waivedKeys.has(findingKey(f)));
  const forms = documents.filter((d) => d.kind === 'report-form' && valid(d));
  const reports = documents.filter((d) => d.kind === 'self-assessment' && valid(d));
  // Unreadable forms/reports matter while no good one has replaced them.
  const unusable = documents.filter(
    (d) =>
      !valid(d) &&
      ((d.kind === 'report-form' && !forms.some((f) => f.receivedAt >= d.receivedAt)) ||
        (d.kind === 'self-assessment' && !reports.some((r) => r.receivedAt >= d.receivedAt))),
  );
  // The latest form decides; of forms received together (the workbook and a sealed print of it), the one with
  // the most values read.
  const filled = (d: DocumentRecord) => (d.formValues ?? []).filter((v) => v.value !== null).length;
  const latestForm =
    forms.reduce<DocumentRecord | null>(
      (best, d) =>
        !best || d.receivedAt > best.receivedAt || (d.receivedAt === best.receivedAt && filled(d) >= filled(best))
          ? d
          : best,
      null,
    ) ?? null;
  const latestReport = reports.at(-1) ?? null;
  const formValues = latestForm?.formValues ?? [];

  // Evidence a file may be for, but the classifier asked staff instead of deciding: neither present nor missing.
  const pendingEvidence: BaseStatus['pendingEvidence'] = [];
  const elements: Element[] = [
    { element: 'report-form', label: '经营服务情况报告表', firstAt: forms[0]?.receivedAt ?? null },
    { element: 'self-assessment', label: '自评报告', firstAt: reports[0]?.receivedAt ?? null },
  ];
  if (latestForm) {
    for (const formItem of round.formItems) {
      const complete = isItemComplete(formItem, formValues);
      const first = forms.find((form) => isItemComplete(formItem, form.formValues ?? []));
      elements.push({
        element: 'form-item',
        item: formItem.item,
        label: `第${formItem.item}项 ${formItem.label}`,
        firstAt: complete ? (first?.receivedAt ?? null) : null,
      });
    }
    for (const indicator of claimedIndicators(round, formValues).filter((i) => !notApplicable.has(i.slug))) {
      const evidence = documents.find((d) => d.kind === 'evidence' && evidenceFor(d).includes(indicator.slug));
      const maybe = evidence
        ? []
        : documents.filter((d) => d.kind === 'evidence' && askedFor(d).includes(indicator.slug));
      if (maybe.length > 0) {
        pendingEvidence.push({
          indicator: indicator.slug,
          documents: maybe.map((d) => ({ id: d.id, fileName: d.fileName })),
        });
        continue;
      }
      elements.push({
        element: 'evidence',
        indicator: indicator.slug,
        label: `${indicator.name}的证明材料`,
        firstAt: evidence?.receivedAt ?? null,
      });
    }
  }

  const deadline = deadlineInstant(round).toISOString();
  const pastDeadline = asOf >= deadline;
  const formLate = elements[0]?.firstAt !== null && (elements[0]?.firstAt ?? '') >= deadline;
  const lateItems: LateItem[] = [];
  const overdueItems: OverdueItem[] = [];
  for (const element of elements) {
    if (element.firstAt === null) {
      if (pastDeadline) overdueItems.push({ ...pick(element), message: `${element.label}截止时仍未提交` });
      continue;
    }
    // A late report form makes every item in it late; the form itself says so once.
    if (element.element === 'form-item' && formLate) continue;
    if (element.firstAt >= deadline) {
      lateItems.push({ ...pick(element), receivedAt: element.firstAt, message: `${element.label}逾期提交` });
    }
  }

  const missingDocuments: DocumentKind[] = elements
    .filter((e) => (e.element === 'report-form' || e.element === 'self-assessment') && e.firstAt === null)
    .map((e) => e.element as DocumentKind);
  const missingItems = elements.filter((e) => e.element === 'form-item' && e.firstAt === null).map((e) => e.item!);
  const missingEvidence = elements
    .filter((e) => e.element === 'evidence' && e.firstAt === null)
    .map((e) => e.indicator!);

  const allFindings: Finding[] = [
    ...submissions.flatMap((s) => s.findings),
    ...(latestForm?.findings ?? []),
    ...(latestReport?.findings ?? []),
    ...unusable.flatMap((d) => d.findings),
    ...documents.filter((d) => d.kind !== 'report-form' && d.kind !== 'self-assessment').flatMap((d) => d.findings),
    ...(latestForm ? checkRules(round, formValues, latestReport?.report?.figures) : []),
  ];

  const findings = allFindings.filter((f) => !waivedKeys.has(findingKey(f)));
  const waived = allFindings.filter((f) => waivedKeys.has(findingKey(f)));
  const paper = ofKind('paper-copies').at(-1);

  const received = submissions.length > 0 || documents.length > 0;
  const complete =
    missingDocuments.length === 0 &&
    missingItems.length === 0 &&
    missingEvidence.length === 0 &&
    pendingEvidence.length === 0;
  const paperDue = round.paperDue ?? round.deadline;
  const paperOn = typeof paper?.value.receivedOn === 'string' ? paper.value.receivedOn : null;
  return {
    baseId: base.id,
    name: base.name,
    city: base.city,
    category: base.category,
    state: !received ? 'not-received' : complete ? 'complete' : 'incomplete',
    late: lateItems.length > 0,
    lateItems,
    overdue: overdueItems.length > 0,
    overdueItems,
    submissions: submissions.length,
    senders: [...new Set(submissions.flatMap((s) => (s.from && !PORTAL_SENDER.test(s.from) ? [s.from] : [])))],
    receipts: [...new Set(submissions.flatMap((s) => (s.receipt ? [s.receipt] : [])))],
    firstReceivedAt: submissions[0]?.receivedAt ?? documents[0]?.receivedAt ?? null,
    lastReceivedAt: submissions.at(-1)?.receivedAt ?? documents.at(-1)?.receivedAt ?? null,
    documents: documents.map((d) => ({
      id: d.id,
      fileName: d.fileName,
      kind: d.kind,
      indicator: d.indicator,
      indicators: evidenceFor(d),
      asked: askedFor(d),
      receivedAt: d.receivedAt,
    })),
    missing: { documents: missingDocuments, formItems: missingItems, evidence: missingEvidence },
    pendingEvidence,
    findings,
    formValues,
    waived,
    notApplicable: [...notApplicable],
    paperCopies: typeof paper?.value.copies === 'number' ? paper.value.copies : 0,
    paperCopiesReceivedOn: paperOn,
    paperLate: paperOn !== null && paperOn > paperDue,
    actions: decisions.map((d) => ({ kind: d.kind, key: d.key, actor: d.actor, at: d.at, reason: d.reason })),
    asOf,
  };
}

/**
 * The indicators an evidence document counts for: its decided set (a shared table may serve several), or the one
 * indicator of records written before sets existed.
 */
export function evidenceFor(doc: Pick<DocumentRecord, 'indicator' | 'indicators' | 'classification'>): string[] {
  if (doc.classification?.decision === 'asked') return [];
  if (doc.indicators && doc.indicators.length > 0) return doc.indicators;
  return doc.indicator ? [doc.indicator] : [];
}

/** The indicators an evidence document may be for while staff have not settled it (the classifier asked). */
export function askedFor(doc: Pick<DocumentRecord, 'classification'>): string[] {
  return doc.classification?.decision === 'asked' ? doc.classification.candidates.map((c) => c.indicator) : [];
}

/** The indicators of a classification by hand: `{ indicators: [...] }`, or the single `{ indicator }` of old. */
function handIndicators(value: Record<string, unknown>): string[] {
  if (Array.isArray(value.indicators)) return value.indicators.filter((i): i is string => typeof i === 'string');
  return typeof value.indicator === 'string' ? [value.indicator] : [];
}

/** Indicators the form claims: a number > 0, a 是, or a ticked box in one of their items. */
export function claimedIndicators(round: Round, values: FormValue[]): Indicator[] {
  return round.indicators.filter((indicator) =>
    values.some((v) => indicator.formItems.includes(v.item) && claims(v.value)),
  );
}

function claims(value: FormValue['value']): boolean {
  if (typeof value === 'number') return value > 0;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.length > 0;
  return false;
}

function isItemComplete(formItem: FormItem, values: FormValue[]): boolean {
  return formItem.fields.every((field) => {
    const value = values.find((v) => v.item === formItem.item && v.field === field.key)?.value;
    return value !== undefined && value !== null && value !== '';
  });
}

function pick(element: Element): Pick<OverdueItem, 'element' | 'item' | 'indicator'> {
  const out: Pick<OverdueItem, 'element' | 'item' | 'indicator'> = { element: element.element };
  if (element.item !== undefined) out.item = element.item;
  if (element.indicator !== undefined) out.indicator = element.indicator;
  return out;
}
