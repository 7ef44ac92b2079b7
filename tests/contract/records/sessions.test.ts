/** The sessions port on both stores: a session read back whole, replaced when revoked, null when unknown. */
import { expect, it } from 'vitest';
import type { SessionRecord } from '../../../shared/ports/index.ts';
import { describeOnEachStore } from './stores.ts';

describeOnEachStore('sessions', (records) => {
  it('reads a session back, replaced when it is revoked, and null for an unknown key', async () => {
    // Prepare
    const session: SessionRecord = {
      key: 'a'.repeat(64),
      name: 'admin',
      role: 'staff',
      city: null,
      via: 'password',
      account: 'mac',
      createdAt: '2023-11-01T00:00:00Z',
      expiresAt: '2023-11-01T08:00:00Z',
    };
    await records().sessions.save(session);
    const live = await records().sessions.get(session.key);

    // Act
    await records().sessions.save({ ...session, revokedAt: '2023-11-01T01:00:00Z' });

    // Assess
    expect(live).toEqual(session);
    expect(await records().sessions.get(session.key)).toEqual({ ...session, revokedAt: '2023-11-01T01:00:00Z' });
    expect(await records().sessions.get('b'.repeat(64))).toBeNull();
  });

  it('drops an undefined property as DynamoDB does', async () => {
    // Prepare
    const session: SessionRecord = {
      key: 'c'.repeat(64),
      name: '太原',
      role: 'bureau',
      city: 'taiyuan',
      via: 'city-link',
      account: undefined,
      createdAt: '2023-11-01T00:00:00Z',
      expiresAt: '2023-11-01T08:00:00Z',
    };

    // Act
    await records().sessions.save(session);

    // Assess
    expect(Object.keys((await records().sessions.get(session.key)) ?? {})).not.toContain('account');
  });
});
