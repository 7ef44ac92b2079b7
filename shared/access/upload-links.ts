/**
 * Per-base upload links: a signed token naming a base, `/upload/b/<token>`, that
 * opens the upload page with the base fixed and the portal's full limits. Staff and the base's city bureau hand it
 * to the base (the base page's 复制上传链接, `intake upload-link`); whoever holds it uploads as that base, so an
 * upload made with it is vouched for: the message a session composes carries the X-Intake-Upload-Link header (set
 * by the server only) and its acknowledgement may tell the base's status (see knownForBase in
 * ../use-cases/acknowledge-send.ts). Without a link the open form remains, with tight limits
 * (../use-cases/upload-quota.ts).
 *
 * A link stays valid until some days after the round's deadline (late material is still received), counted in the
 * round's clock; before the deadline the same base always gets the same link, so it can be repeated in every
 * acknowledgement and reminder. Reading one does not touch the records: it is a capability, like a city link, that
 * grants uploading as the base and reading the base's own material (its page shows what arrived and what is still
 * missing or 待核实) — what an acknowledgement tells the base's known addresses, which are the
 * only ones it is sent to — never other bases' or staff pages.
 */
import type { Round } from '../domain/catalogue.ts';
import { deadlineInstant } from '../domain/round-time.ts';
import type { TokenSigner } from './signing.ts';

/** Path prefix of upload links. */
export const UPLOAD_LINK_PATH = '/upload/b/';

export { linkedBaseOf, UPLOAD_LINK_HEADER } from '../use-cases/upload-link-header.ts';

/** Days after the deadline (or after issuing, when that is later) that a link keeps working. */
export const UPLOAD_LINK_GRACE_DAYS = 14;

const DAY_MS = 86_400_000;

/** A base's upload link and when it stops working. */
export interface UploadLink {
  token: string;
  /** The path of the page (`/upload/b/<token>`); absolute with `uploadLinkUrl`. */
  path: string;
  expiresAt: Date;
}

/** When a link issued at `now` stops working: the later of the deadline and now, plus the grace days. */
export function uploadLinkExpiry(round: Pick<Round, 'deadline' | 'timeZone'>, now: Date): Date {
  return new Date(Math.max(deadlineInstant(round).getTime(), now.getTime()) + UPLOAD_LINK_GRACE_DAYS * DAY_MS);
}

/** Signs a base's upload link of a round (`now` in the round's clock). */
export function signUploadLink(signer: TokenSigner, round: Round, baseId: string, now: Date): UploadLink {
  const expiresAt = uploadLinkExpiry(round, now);
  const token = signer.sign('upload-link', { base: baseId, round: round.id }, expiresAt);
  return { token, path: `${UPLOAD_LINK_PATH}${token}`, expiresAt };
}

/** The absolute URL of a link on an origin. */
export function uploadLinkUrl(link: Pick<UploadLink, 'path'>, origin: string): string {
  return new URL(link.path, origin).toString();
}

/** The base of a valid link of this round (checked at `now`, in the round's clock), or null. */
export function readUploadLink(
  signer: TokenSigner,
  round: Pick<Round, 'id'>,
  token: string | undefined | null,
  now: Date,
): { baseId: string; expiresAt: Date } | null {
  const payload = signer.verify('upload-link', token, now);
  if (!payload || payload.round !== round.id || typeof payload.base !== 'string' || !payload.base) return null;
  if (!/^[\w-]{1,64}$/.test(payload.base) || typeof payload.exp !== 'number') return null;
  return { baseId: payload.base, expiresAt: new Date(payload.exp * 1000) };
}

/**
 * Gives a context its bases' own upload links (acknowledgements and digests offer them), signed with the session
 * secret on the portal's public origin: `intake start` locally, the ingest and notify functions in AWS.
 */
export function offerUploadLinks(
  ctx: { round: Round; clock: { now(): Date }; uploadLinkFor?: (baseId: string) => string | null },
  signer: TokenSigner,
  origin: string,
): void {
  ctx.uploadLinkFor = (baseId) => uploadLinkUrl(signUploadLink(signer, ctx.round, baseId, ctx.clock.now()), origin);
}
