/**
 * Who to phone about a base: the contact the base wrote in its report form (姓名, 职务, 手机, 工作电话, 电子邮件, as
 * the parser read the form's header block) and the addresses its submissions came from. Reads only, at an explicit
 * `asOf`: the base page shows one base's, the city contact list (phoning round) every base of a city.
 */
import type { CityId } from '../domain/catalogue.ts';
import { type BaseStatus, type DocumentRecord, PORTAL_SENDER, type Submission } from '../domain/records.ts';
import type { AppContext } from './context.ts';
import { evaluateBase } from './evaluate.ts';
import { listRegistry } from './registry.ts';

/** The contact a report form names; a field is null where the form had none or it could not be read. */
export interface FormContact {
  name: string | null;
  title: string | null;
  mobile: string | null;
  workPhone: string | null;
  email: string | null;
  /** The report form it was read from. */
  fileName: string;
  receivedAt: string;
}

/** An address a base's submissions came from. */
export interface SeenSender {
  /** As written (display name and address). */
  from: string;
  /** The bare address, lower-cased, or null when none could be taken from it. */
  address: string | null;
  submissions: number;
  lastAt: string;
}

/** A base's contacts at `asOf`. */
export interface BaseContacts {
  baseId: string;
  name: string;
  city: CityId;
  state: BaseStatus['state'];
  /** From the latest report form in force that has a header read; null when no such form arrived. */
  contact: FormContact | null;
  /** Newest first. */
  senders: SeenSender[];
}

/** The bare address of a From value (`"平顺基地" <a@b.cn>` -> `a@b.cn`), lower-cased. */
export function senderAddress(from: string): string | null {
  const bracketed = /<([^<>@\s]+@[^<>\s]+)>/.exec(from);
  const bare = bracketed?.[1] ?? /[^\s<>"]+@[^\s<>"]+/.exec(from)?.[0];
  return bare ? bare.toLowerCase() : null;
}

/**
 * A base's contacts from records already read: the report form is the latest in force (the status's documents are
 * those in force) whose header was read; the senders are those of the submissions up to `status.asOf`.
 */
export function contactsOf(
  status: BaseStatus,
  documents: readonly DocumentRecord[],
  submissions: readonly Submission[],
): BaseContacts {
  const inForce = new Set(status.documents.filter((d) => d.kind === 'report-form').map((d) => d.id));
  const form = documents
    .filter((d) => inForce.has(d.id) && d.formHeader && Object.keys(d.formHeader).length > 0)
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))[0];
  const field = (key: string) => form?.formHeader?.[key]?.trim() || null;
  const seen = new Map<string, SeenSender>();
  for (const s of submissions) {
    if (!s.from || s.receivedAt > status.asOf || s.state === 'duplicate' || PORTAL_SENDER.test(s.from)) continue;
    const address = senderAddress(s.from);
    const key = address ?? s.from;
    const known = seen.get(key);
    if (known) {
      known.submissions++;
      if (s.receivedAt > known.lastAt) Object.assign(known, { lastAt: s.receivedAt, from: s.from });
    } else seen.set(key, { from: s.from, address, submissions: 1, lastAt: s.receivedAt });
  }
  return {
    baseId: status.baseId,
    name: status.name,
    city: status.city as CityId,
    state: status.state,
    contact: form
      ? {
          name: field('contactName'),
          title: field('contactTitle'),
          mobile: field('mobile'),
          workPhone: field('workPhone'),
          email: field('email'),
          fileName: form.fileName,
          receivedAt: form.receivedAt,
        }
      : null,
    senders: [...seen.values()].sort((a, b) => b.lastAt.localeCompare(a.lastAt)),
  };
}

/** The contacts of every participating base of `city` at `asOf`, in the registry's order. */
export async function listCityContacts(ctx: AppContext, input: { city: CityId; asOf: Date }): Promise<BaseContacts[]> {
  const bases = (await listRegistry(ctx)).filter((b) => b.participating && b.city === input.city);
  return Promise.all(
    bases.map(async (base) => {
      const [status, documents, submissions] = await Promise.all([
        evaluateBase(ctx, { baseId: base.id, asOf: input.asOf }),
        ctx.records.documents.listByBase(base.id),
        ctx.records.submissions.listByBase(base.id),
      ]);
      return contactsOf(status, documents, submissions);
    }),
  );
}
