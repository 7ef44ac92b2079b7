/**
 * The one log of every staff action, the bases' and those tied to none (city letters, city links, review steps),
 * newest first, filtered by city, base, action, actor and Beijing date range, a page at a time. Read from the record
 * store's per-base trails (one query per base of the registry, ~45) — a staff page opened now and then, not a hot path.
 */
import { localDay } from '../domain/notice-schedule.ts';
import type { AuditEvent } from '../domain/records.ts';
import type { UsingRecords } from './context.ts';
import { listRegistry } from './registry.ts';

/** What the log is asked for; every filter is optional. Days are `YYYY-MM-DD`, Beijing, both ends included. */
export interface AuditLogQuery {
  city?: string;
  /** A base's id, or `none` (NO_BASE): the actions tied to no base (city letters, city links, review steps). */
  baseId?: string;
  /**
   * One submission (found by its receipt number): the actions on it, and those of its base when it has one. An id
   * of no submission finds nothing.
   */
  submission?: { id: string; baseId: string | null };
  action?: string;
  /** Part of the actor's name. */
  actor?: string;
  from?: string;
  to?: string;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

/** An event with what the log shows beside it. */
export interface AuditLogEntry extends AuditEvent {
  /** The city of the base, or the city an action names (a letter, a link); null when none. */
  city: string | null;
  baseName: string | null;
}

/** One page of the log, with the choices its filters offer. */
export interface AuditLogPage {
  entries: AuditLogEntry[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
  /** Every actor and action in the (unfiltered) log, for the filter lists. */
  actors: string[];
  actions: string[];
  /** Names of every base in the registry (those registered this round too). */
  baseNames: Map<string, string>;
  /** Every base of the registry with its city, for the base filter. */
  bases: { id: string; name: string; city: string }[];
}

export const AUDIT_LOG_PAGE_SIZE = 50;

/** The base filter's value for actions tied to no base. */
export const NO_BASE = 'none';

/** The log, filtered and paged. */
export async function auditLog(
  ctx: UsingRecords<'audit' | 'registeredBases', 'round'>,
  query: AuditLogQuery = {},
): Promise<AuditLogPage> {
  const registry = await listRegistry(ctx);
  const cityOfBase = new Map(registry.map((b) => [b.id, b.city as string]));
  const baseNames = new Map(registry.map((b) => [b.id, b.name]));
  const trails = await Promise.all([
    ctx.records.audit.list(null),
    ...registry.map((b) => ctx.records.audit.list(b.id)),
  ]);
  const seen = new Set<string>();
  const all: AuditLogEntry[] = [];
  for (const event of trails.flat()) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    const named = typeof event.details.city === 'string' ? event.details.city : null;
    all.push({
      ...event,
      city: (event.baseId ? cityOfBase.get(event.baseId) : undefined) ?? named,
      baseName: event.baseId ? (baseNames.get(event.baseId) ?? null) : null,
    });
  }
  const actor = query.actor?.trim();
  const zone = ctx.round.timeZone;
  const entries = all
    .filter((e) => !query.city || e.city === query.city)
    .filter((e) => !query.baseId || e.baseId === (query.baseId === NO_BASE ? null : query.baseId))
    .filter(
      (e) =>
        !query.submission ||
        e.submissionId === query.submission.id ||
        (query.submission.baseId !== null && e.baseId === query.submission.baseId),
    )
    .filter((e) => !query.action || e.action === query.action)
    .filter((e) => !actor || e.actor.includes(actor))
    .filter((e) => !query.from || localDay(new Date(e.at), zone) >= (query.from ?? ''))
    .filter((e) => !query.to || localDay(new Date(e.at), zone) <= (query.to ?? ''))
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id.localeCompare(b.id)));
  const pageSize = Math.max(1, Math.min(500, query.pageSize ?? AUDIT_LOG_PAGE_SIZE));
  const pages = Math.max(1, Math.ceil(entries.length / pageSize));
  const page = Math.min(Math.max(1, Math.floor(query.page ?? 1)), pages);
  return {
    entries: entries.slice((page - 1) * pageSize, page * pageSize),
    total: entries.length,
    page,
    pageSize,
    pages,
    actors: [...new Set(all.map((e) => e.actor))].sort((a, b) => a.localeCompare(b, 'zh-CN')),
    actions: [...new Set(all.map((e) => e.action))].sort(),
    baseNames,
    bases: registry.map((b) => ({ id: b.id, name: b.name, city: b.city })),
  };
}
