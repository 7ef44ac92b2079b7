import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  createdObjectsIn,
  decodeS3Key,
  httpApiEventSchema,
  s3EventSchema,
  scheduledRunSchema,
  sesReceiptEventSchema,
  sqsEventSchema,
} from '../../../functions/shared/events.ts';
import { InvalidEventError } from '../../../functions/shared/failures.ts';

const eventsDir = new URL('../../../events/', import.meta.url);

function sampleEvent(fileName: string): unknown {
  return JSON.parse(readFileSync(new URL(fileName, eventsDir), 'utf8'));
}

/** Which schema each sample event in `events/` must satisfy; a sample without an entry fails the suite. */
const schemaOfSample: Record<string, z.ZodType> = {
  's3-object-created.json': s3EventSchema,
  'sqs-s3-object-created.json': sqsEventSchema,
  'ses-receipt-s3-action.json': sesReceiptEventSchema,
  'schedule.json': scheduledRunSchema,
  'http-api-v2.json': httpApiEventSchema,
};

/** An SQS body carrying an S3 notification with one record. */
function s3Body(eventName: string, key: string): string {
  return JSON.stringify({
    Records: [
      {
        eventSource: 'aws:s3',
        eventName,
        eventTime: '2023-11-10T15:59:59.900Z',
        awsRegion: 'us-east-1',
        s3: { bucket: { name: 'intake-bucket', arn: 'arn:aws:s3:::intake-bucket' }, object: { key, size: 10 } },
      },
    ],
  });
}

describe('sample events', () => {
  const files = readdirSync(eventsDir).filter((name) => name.endsWith('.json'));

  it('has a schema for every sample in events/', () => {
    // Assess
    expect(files.sort()).toEqual(Object.keys(schemaOfSample).sort());
  });

  it.each(files)('%s satisfies its schema', (fileName) => {
    // Prepare
    const schema = schemaOfSample[fileName]!;

    // Act
    const parsed = schema.safeParse(sampleEvent(fileName));

    // Assess
    expect(parsed.error).toBeUndefined();
  });

  it('rejects a sample under the wrong schema', () => {
    // Act / Assess
    expect(sqsEventSchema.safeParse(sampleEvent('s3-object-created.json')).success).toBe(false);
    expect(s3EventSchema.safeParse(sampleEvent('schedule.json')).success).toBe(false);
  });
});

describe('decodeS3Key', () => {
  it.each([
    ['%E6%8A%A5%E5%91%8A+%E8%A1%A8.eml', '报告 表.eml'],
    ['inbox/k5t1d1lq0b7g0n2ueh8s1r3c8m3p4a9v6o2fhj01', 'inbox/k5t1d1lq0b7g0n2ueh8s1r3c8m3p4a9v6o2fhj01'],
    ['inbox/a%2Bb%20c+d.eml', 'inbox/a+b c d.eml'],
  ])('decodes %s', (encoded, decoded) => {
    // Act / Assess
    expect(decodeS3Key(encoded)).toBe(decoded);
  });
});

describe('createdObjectsIn', () => {
  it('reads each SQS sample body: the SES object, the manually dropped .eml (decoded), and nothing for the test event', () => {
    // Prepare
    const { Records } = sqsEventSchema.parse(sampleEvent('sqs-s3-object-created.json'));

    // Act
    const objects = Records.map((record) => createdObjectsIn(record.body));

    // Assess
    expect(objects.map((list) => list.map((object) => object.key))).toEqual([
      ['inbox/k5t1d1lq0b7g0n2ueh8s1r3c8m3p4a9v6o2fhj01'],
      ['inbox/manual/邮拓直播电商基地 评价材料.eml'],
      [],
    ]);
    expect(objects[0]?.[0]?.eventTime.toISOString()).toBe('2023-11-10T07:42:19.207Z');
  });

  it('ignores objects that were not created', () => {
    // Act / Assess
    expect(createdObjectsIn(s3Body('ObjectRemoved:Delete', 'inbox/x'))).toEqual([]);
    expect(createdObjectsIn(s3Body('ObjectCreated:CompleteMultipartUpload', 'inbox/y'))).toHaveLength(1);
  });

  it.each([
    ['not JSON', '<html>'],
    ['JSON of another shape', JSON.stringify({ hello: 'world' })],
  ])('refuses a body that is %s', (_, body) => {
    // Act / Assess
    expect(() => createdObjectsIn(body)).toThrow(InvalidEventError);
  });
});

describe('scheduledRunSchema', () => {
  it('runs a Scheduled Event as of its scheduled time', () => {
    // Act
    const run = scheduledRunSchema.parse(sampleEvent('schedule.json'));

    // Assess
    expect(run).toEqual({ asOf: new Date('2023-11-10T01:00:00Z'), dryRun: false });
  });

  it('lets the detail override the time and ask for a dry run', () => {
    // Prepare
    const event = {
      ...(sampleEvent('schedule.json') as object),
      detail: { asOf: '2023-11-11T00:00:00+08:00', dryRun: true },
    };

    // Act
    const run = scheduledRunSchema.parse(event);

    // Assess
    expect(run).toEqual({ asOf: new Date('2023-11-10T16:00:00Z'), dryRun: true });
  });

  it.each([
    [{}, { dryRun: false }],
    [{ dryRun: true }, { dryRun: true }],
    [{ asOf: '2023-11-10T16:00:00Z' }, { asOf: new Date('2023-11-10T16:00:00Z'), dryRun: false }],
  ])('accepts a direct invocation %j', (input, expected) => {
    // Act / Assess
    expect(scheduledRunSchema.parse(input)).toEqual(expected);
  });

  it.each([[{ asOf: 'tomorrow' }], [{ dryrun: true }], [sampleEvent('s3-object-created.json')]])(
    'refuses %j rather than running as of now',
    (input) => {
      // Act / Assess
      expect(scheduledRunSchema.safeParse(input).success).toBe(false);
    },
  );
});
