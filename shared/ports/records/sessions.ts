/**
 * A signed-in session kept on the server, so that signing out or removing an account ends it (see
 * ../../access/sessions.ts). Keyed by a hash of the session id the cookie carries.
 */
export interface SessionRecord {
  /** SHA-256 (hex) of the session id. */
  key: string;
  name: string;
  role: 'staff' | 'bureau';
  city: string | null;
  via: 'password' | 'city-link' | 'cognito';
  /** For a local account: a MAC of its password hash, so a changed password ends its sessions. */
  account?: string;
  createdAt: string;
  expiresAt: string;
  /** Set when the session was ended (sign-out); a revoked session never comes back. */
  revokedAt?: string;
}

/** Server-side sessions. */
export interface SessionRecords {
  /** Creates or replaces a session record. */
  save(session: SessionRecord): Promise<void>;
  /** A session record by key (strongly consistent, so a sign-out holds at once), or null. */
  get(key: string): Promise<SessionRecord | null>;
}
