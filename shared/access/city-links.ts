/**
 * Per-city signed links: staff send a bureau a link that opens its own city's pages without an account, until it
 * expires. Issuing one grants access, so it is audited like any staff action.
 */
import { randomUUID } from 'node:crypto';
import { type CityId, cityIdSchema } from '../domain/catalogue.ts';
import type { AppContext } from '../use-cases/context.ts';
import type { TokenSigner } from './signing.ts';

/** What issuing and reading links needs: the records (for the audit trail), the signer and the wall clock. */
export interface LinkDeps {
  ctx: AppContext;
  signer: TokenSigner;
  /** The real time (links expire in it, whatever the round clock replays). */
  wallClock: () => Date;
}

/** A signed link and when it stops working. */
export interface SignedLink {
  url: string;
  expiresAt: string;
}

/** Path prefix of city links. */
export const CITY_LINK_PATH = '/l/';

/** What a city link is issued for. */
export interface CityLinkRequest {
  city: CityId;
  hours: number;
  actor: string;
  reason: string;
  /** Where the app is reachable (the link is absolute). */
  origin: string;
}

/** Signs a link to a city's pages and records who issued it, for whom and until when. */
export async function issueCityLink(deps: LinkDeps, request: CityLinkRequest): Promise<SignedLink> {
  const city = cityIdSchema.parse(request.city);
  const expiresAt = new Date(deps.wallClock().getTime() + request.hours * 3_600_000);
  const token = deps.signer.sign('city-link', { city }, expiresAt);
  await deps.ctx.records.audit.append({
    id: randomUUID(),
    at: deps.ctx.clock.now().toISOString(),
    actor: request.actor,
    action: 'issue-city-link',
    baseId: null,
    submissionId: null,
    reason: request.reason,
    details: { city, expiresAt: expiresAt.toISOString() },
  });
  return { url: new URL(`${CITY_LINK_PATH}${token}`, request.origin).toString(), expiresAt: expiresAt.toISOString() };
}

/** The city and expiry of a valid link, or null. */
export function readCityLink(
  deps: Pick<LinkDeps, 'signer' | 'wallClock'>,
  token: string,
): { city: CityId; expiresAt: Date } | null {
  const payload = deps.signer.verify('city-link', token, deps.wallClock());
  const city = cityIdSchema.safeParse(payload?.city);
  if (!payload || !city.success || typeof payload.exp !== 'number') return null;
  return { city: city.data, expiresAt: new Date(payload.exp * 1000) };
}
