/**
 * Sessions that end on the server. The session cookie is still a signed token (./signing.ts), but it only carries a
 * random session id and who it is for; each request also finds the session's record (../ports/records/sessions.ts;
 * DynamoDB in AWS, read strongly consistent; dynalite locally), so:
 *
 * - signing out marks the record revoked, and the old cookie stops working at once, on every instance;
 * - a session of a local account holds only while that account is still configured with the same role, city and
 *   password (removing an account or changing its password ends its sessions on the next request);
 * - a session started by the Cognito hosted UI lasts no longer than the ID token it was started with (see
 *   ../http/oidc.ts), so an account removed or disabled in Cognito loses access within that token's lifetime.
 *
 * The store keys records by a SHA-256 of the session id: reading the table does not yield usable cookies. Records
 * are small and stay after they expire (dynalite has no TTL); an expired or revoked record is never accepted again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cityIdSchema } from '../domain/catalogue.ts';
import type { SessionRecord, SessionRecords } from '../ports/records/sessions.ts';
import type { LocalAccount, Role } from './accounts.ts';
import type { TokenSigner } from './signing.ts';

/** Who a session is for: what a signed-in principal is, less the gateway's `jwt` identity (which has no session). */
export interface SessionSubject {
  name: string;
  role: Role;
  city: LocalAccount['city'];
  via: 'password' | 'city-link' | 'cognito';
}

/** Starts, reads and ends sessions on a record store. */
export class SessionBook {
  constructor(
    private readonly records: SessionRecords,
    private readonly signer: TokenSigner,
    private readonly accounts: readonly LocalAccount[],
  ) {}

  /** Records a new session and returns the signed token for its cookie. */
  async start(subject: SessionSubject, now: Date, expiresAt: Date): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const account = subject.via === 'password' ? this.accounts.find((a) => a.name === subject.name) : undefined;
    const record: SessionRecord = {
      key: keyOf(id),
      name: subject.name,
      role: subject.role,
      city: subject.city,
      via: subject.via,
      ...(account ? { account: this.fingerprint(account) } : {}),
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    };
    await this.records.save(record);
    return this.signer.sign(
      'session',
      { sid: id, sub: subject.name, role: subject.role, city: subject.city, via: subject.via },
      expiresAt,
    );
  }

  /** The session's subject when its token is genuine and its record is live, else null. */
  async read(token: string | undefined, now: Date): Promise<SessionSubject | null> {
    const payload = this.signer.verify('session', token, now);
    if (!payload || typeof payload.sid !== 'string' || payload.sid.length > 128) return null;
    const record = await this.records.get(keyOf(payload.sid));
    if (!record || record.revokedAt || Date.parse(record.expiresAt) <= now.getTime()) return null;
    // The token and the record must tell the same story (a record is never re-pointed to another subject).
    if (record.name !== payload.sub || record.role !== payload.role || record.via !== payload.via) return null;
    const city = cityIdSchema.safeParse(record.city);
    if (record.role === 'bureau' && !city.success) return null;
    const subject: SessionSubject = {
      name: record.name,
      role: record.role,
      city: record.role === 'bureau' && city.success ? city.data : null,
      via: record.via,
    };
    if (subject.via === 'password') {
      const account = this.accounts.find((a) => a.name === subject.name);
      if (
        !account ||
        account.role !== subject.role ||
        account.city !== subject.city ||
        record.account !== this.fingerprint(account)
      ) {
        return null;
      }
    }
    return subject;
  }

  /** Ends the session of a token (sign-out); a token that is not genuine or already ended changes nothing. */
  async end(token: string | undefined, now: Date): Promise<void> {
    const payload = this.signer.verify('session', token, now);
    if (!payload || typeof payload.sid !== 'string') return;
    const record = await this.records.get(keyOf(payload.sid));
    if (!record || record.revokedAt) return;
    await this.records.save({ ...record, revokedAt: now.toISOString() });
  }

  /** A MAC of the account's role, city and password hash: any change of them ends the account's sessions. */
  private fingerprint(account: LocalAccount): string {
    return this.signer
      .digest('session', `${account.role}|${account.city ?? ''}|${account.hash.toString('base64url')}`)
      .slice(0, 32);
  }
}

function keyOf(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}
