/**
 * Signed tokens: a payload and an expiry, authenticated with HMAC-SHA-256. They carry sessions (cookie), download
 * links and per-city links. The app signs and checks them itself, so they work the same behind API Gateway and on
 * `intake start`, with no server-side session store.
 *
 * A token is `base64url(JSON payload with exp).base64url(HMAC)`. Each purpose ("session", "file", "city-link", ...) has
 * its own key derived from the one secret, so a download link can never be replayed as a session.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Fewest bytes a secret must have; a shorter one would make the HMAC guessable. */
export const MIN_SECRET_BYTES = 32;

/** What a signed token can be used for. */
export type TokenPurpose = 'session' | 'file' | 'city-link' | 'upload-link' | 'csrf' | 'oauth';

/** Signs and checks tokens with keys derived from one secret. */
export class TokenSigner {
  private readonly keys = new Map<TokenPurpose, Buffer>();

  constructor(private readonly secret: Buffer) {
    if (secret.length < MIN_SECRET_BYTES) throw new RangeError(`the signing secret needs ${MIN_SECRET_BYTES} bytes`);
  }

  /** Signs a payload for a purpose, valid until `expiresAt`. */
  sign(purpose: TokenPurpose, payload: Record<string, unknown>, expiresAt: Date): string {
    const body = Buffer.from(JSON.stringify({ ...payload, exp: Math.floor(expiresAt.getTime() / 1000) })).toString(
      'base64url',
    );
    return `${body}.${this.mac(purpose, body)}`;
  }

  /** The payload of a token signed for `purpose` and not expired at `now`, or null. */
  verify(purpose: TokenPurpose, token: string | undefined | null, now: Date): Record<string, unknown> | null {
    if (!token || token.length > 4096) return null;
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const body = token.slice(0, dot);
    const signature = token.slice(dot + 1);
    const given = Buffer.from(signature, 'base64url');
    // One spelling per signature: base64url's last character carries padding bits that decoding ignores.
    if (given.toString('base64url') !== signature) return null;
    const expected = Buffer.from(this.mac(purpose, body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
    const exp = (payload as { exp?: unknown }).exp;
    if (typeof exp !== 'number' || exp * 1000 <= now.getTime()) return null;
    return payload as Record<string, unknown>;
  }

  /** A MAC of a text for a purpose (e.g. the CSRF token of a session), base64url. */
  digest(purpose: TokenPurpose, text: string): string {
    return this.mac(purpose, text);
  }

  private mac(purpose: TokenPurpose, body: string): string {
    let key = this.keys.get(purpose);
    if (!key) {
      key = createHmac('sha256', this.secret).update(`sx-intake/${purpose}`).digest();
      this.keys.set(purpose, key);
    }
    return createHmac('sha256', key).update(body).digest('base64url');
  }
}

/** A fresh random secret (hex text, 32 bytes). */
export function newSecret(): string {
  return randomBytes(MIN_SECRET_BYTES).toString('hex');
}

/** The secret's bytes: hex when it looks like hex, otherwise its UTF-8 text. */
export function secretBytes(secret: string): Buffer {
  const text = secret.trim();
  return /^(?:[0-9a-f]{2}){32,}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'utf8');
}
