import type { SessionRecord, SessionRecords } from '../../../ports/records/sessions.ts';
import { copy } from './keyed.ts';

/** Sessions in memory. */
export class MemorySessions implements SessionRecords {
  private readonly sessions = new Map<string, SessionRecord>();

  async save(session: SessionRecord): Promise<void> {
    this.sessions.set(session.key, copy(session));
  }

  async get(key: string): Promise<SessionRecord | null> {
    const session = this.sessions.get(key);
    return session ? copy(session) : null;
  }
}
