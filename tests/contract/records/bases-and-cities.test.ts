/**
 * The registered-bases, senders and cities ports on both stores: bases registered per round (by id), senders by
 * address whatever its case, city records replaced whole and listed by city.
 */
import { expect, it } from 'vitest';
import type { Base } from '../../../shared/domain/catalogue.ts';
import type { CityRecord } from '../../../shared/domain/records.ts';
import { describeOnEachStore } from './stores.ts';

const base: Base = {
  id: 'n-2',
  name: '新基地',
  city: 'taiyuan',
  category: 'new',
  grade2021: null,
  aliases: [],
  participating: true,
};

const cityRecord: CityRecord = {
  city: 'datong',
  letterReceivedAt: null,
  letterSource: null,
  letterDocumentId: null,
  pilotUnits: [],
  ranking: [],
  updatedBy: 's',
  updatedAt: 't',
};

describeOnEachStore('registered bases', (records) => {
  it('lists the bases registered in a round by id, a second registration replacing the first', async () => {
    // Act
    await records().registeredBases.save('2023', base);
    await records().registeredBases.save('2023', { ...base, id: 'n-1' });
    await records().registeredBases.save('2023', { ...base, name: '改名基地' });
    await records().registeredBases.save('2024', { ...base, id: 'n-9' });

    // Assess
    expect((await records().registeredBases.list('2023')).map((b) => [b.id, b.name])).toEqual([
      ['n-1', '新基地'],
      ['n-2', '改名基地'],
    ]);
    expect((await records().registeredBases.list('2024')).map((b) => b.id)).toEqual(['n-9']);
    expect(await records().registeredBases.list('2025')).toEqual([]);
  });

  it("lists one city's registered bases of a round, a base that moved city under its new city only", async () => {
    // Act
    await records().registeredBases.save('2023', base);
    await records().registeredBases.save('2023', { ...base, id: 'n-3', city: 'datong' });
    await records().registeredBases.save('2023', { ...base, id: 'n-4', city: 'datong' });
    await records().registeredBases.save('2023', { ...base, id: 'n-4', city: 'jinzhong' });
    await records().registeredBases.save('2024', { ...base, id: 'n-9' });

    // Assess
    expect((await records().registeredBases.list('2023', 'taiyuan')).map((b) => b.id)).toEqual(['n-2']);
    expect((await records().registeredBases.list('2023', 'datong')).map((b) => b.id)).toEqual(['n-3']);
    expect((await records().registeredBases.list('2023', 'jinzhong')).map((b) => b.id)).toEqual(['n-4']);
    expect(await records().registeredBases.list('2023', 'yuncheng')).toEqual([]);
    expect((await records().registeredBases.list('2024', 'taiyuan')).map((b) => b.id)).toEqual(['n-9']);
  });
});

describeOnEachStore('senders', (records) => {
  it('finds a confirmed sender by its address in any case, and keeps the address as given', async () => {
    // Prepare
    const sender = { address: 'Base@Example.cn', baseId: 'p01', confirmedBy: 's', confirmedAt: 't' };

    // Act
    await records().senders.save(sender);
    await records().senders.save({ ...sender, address: 'other@example.cn', baseId: 'p02' });

    // Assess
    expect(await records().senders.get('base@example.CN')).toEqual(sender);
    expect((await records().senders.get('OTHER@example.cn'))?.baseId).toBe('p02');
    expect(await records().senders.get('nobody@example.cn')).toBeNull();
  });

  it('replaces the base of an address on a second save', async () => {
    // Act
    await records().senders.save({ address: 'a@x.cn', baseId: 'p01', confirmedBy: 's', confirmedAt: 't' });
    await records().senders.save({ address: 'A@X.CN', baseId: 'p05', confirmedBy: 's', confirmedAt: 'u' });

    // Assess
    expect((await records().senders.get('a@x.cn'))?.baseId).toBe('p05');
  });
});

describeOnEachStore('cities', (records) => {
  it('stores a city record whole, replaces it, and lists the records by city', async () => {
    // Act
    const before = await records().cities.get('datong');
    await records().cities.save(cityRecord);
    await records().cities.save({ ...cityRecord, city: 'changzhi' });
    await records().cities.save({ ...cityRecord, updatedBy: 'again' });

    // Assess
    expect(before).toBeNull();
    expect(await records().cities.get('datong')).toEqual({ ...cityRecord, updatedBy: 'again' });
    expect((await records().cities.list()).map((r) => r.city)).toEqual(['changzhi', 'datong']);
  });
});
