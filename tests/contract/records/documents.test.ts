/**
 * The documents port on both stores: one record per (submission, content hash), listed by submission (by hash) and
 * by base (oldest first), following the base they are saved with.
 */
import { expect, it } from 'vitest';
import { document, submission } from '../../fixtures/records.ts';
import { describeOnEachStore } from './stores.ts';

describeOnEachStore('documents', (records) => {
  it('keeps one document per submission and content hash, replacing it on save', async () => {
    // Prepare
    const sub = submission('s1', 'p02', '2023-11-04T00:00:00.000Z');

    // Act
    await records().documents.save(document(sub, 'b.pdf', 'evidence'));
    await records().documents.save(document(sub, 'a.pdf', 'evidence'));
    await records().documents.save(document(sub, 'a.pdf', 'self-assessment'));

    // Assess
    const listed = await records().documents.listBySubmission('s1');
    expect(listed.map((d) => [d.sha256, d.kind])).toEqual([
      ['a.pdf', 'self-assessment'],
      ['b.pdf', 'evidence'],
    ]);
    expect(await records().documents.listBySubmission('s2')).toEqual([]);
  });

  it('lists a base’s documents oldest first, leaving out unassigned ones until they are saved with the base', async () => {
    // Prepare
    const late = submission('s2', 'p02', '2023-11-05T00:00:00.000Z');
    const early = submission('s1', 'p02', '2023-11-04T00:00:00.000Z');
    await records().documents.save(document(late, 'late.pdf', 'evidence'));
    await records().documents.save(document(early, 'early.pdf', 'evidence'));
    await records().documents.save({ ...document(early, 'loose.pdf', 'evidence'), baseId: null });
    await records().documents.save(document(submission('s3', 'p03', '2023-11-01T00:00:00.000Z'), 'x.pdf', 'evidence'));
    const before = await records().documents.listByBase('p02');

    // Act
    await records().documents.save(document(early, 'loose.pdf', 'evidence'));

    // Assess
    expect(before.map((d) => d.fileName)).toEqual(['early.pdf', 'late.pdf']);
    expect((await records().documents.listByBase('p02')).map((d) => d.fileName)).toEqual([
      'early.pdf',
      'loose.pdf',
      'late.pdf',
    ]);
  });

  it('gives copies of what it stores', async () => {
    // Prepare
    const doc = document(submission('s1', 'p02', '2023-11-04T00:00:00.000Z'), 'a.pdf', 'evidence');
    await records().documents.save(doc);

    // Act
    doc.fileName = 'changed.pdf';
    const [read] = await records().documents.listBySubmission('s1');
    if (read) read.kind = 'report-form';

    // Assess
    expect((await records().documents.listBySubmission('s1')).map((d) => [d.fileName, d.kind])).toEqual([
      ['a.pdf', 'evidence'],
    ]);
  });
});
