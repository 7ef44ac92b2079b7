import { describe, expect, it, vi } from 'vitest';
import { logger } from '../../../functions/shared/logger.ts';
import { isSecretKey, maskingReplacer, maskPii, REDACTED } from '../../../functions/shared/pii.ts';

describe('maskPii', () => {
  it.each([
    ['联系电话：13812345678', '联系电话：138****5678'],
    ['+86 138-1234-5678', '+86 138****5678'],
    ['8613812345678', '86138****5678'],
    ['办公电话 0351-4077903', '办公电话 0351-*****03'],
    ['(0351)4077903', '(0351)*****03'],
    ['010 12345678', '010 *****78'],
    ['youtuo_zbds@163.com', 'y***@163.com'],
    ['"邮拓直播电商基地" <youtuo_zbds@163.com>', '"邮拓直播电商基地" <y***@163.com>'],
    ['身份证号 14010519900307123X', '身份证号 140105********X'],
  ])('masks %s', (text, masked) => {
    // Act / Assess
    expect(maskPii(text)).toBe(masked);
  });

  it.each([
    'inbox/k5t1d1lq0b7g0n2ueh8s1r3c8m3p4a9v6o2fhj01',
    's-3f2c13812345678a9b',
    'documents/a13812345678b',
    'SentTimestamp 1699602139561',
    '2023-11-10T07:42:18.514Z',
    'size 2871044',
    '邮拓直播电商基地 评价材料.eml',
  ])('leaves ids, hashes, times and names alone: %s', (text) => {
    // Act / Assess
    expect(maskPii(text)).toBe(text);
  });
});

describe('maskingReplacer', () => {
  it('masks strings at any depth and redacts secret fields whole', () => {
    // Prepare
    const line = {
      message: 'ingested',
      from: 'youtuo_zbds@163.com',
      nested: { contact: { phone: '13812345678' }, list: ['0351-4077903'] },
      password: 'hunter2-hunter2',
      authorization: 'Bearer eyJraWQiOi',
      count: 3,
    };

    // Act
    const json = JSON.parse(JSON.stringify(line, maskingReplacer));

    // Assess
    expect(json).toEqual({
      message: 'ingested',
      from: 'y***@163.com',
      nested: { contact: { phone: '138****5678' }, list: ['0351-*****03'] },
      password: REDACTED,
      authorization: REDACTED,
      count: 3,
    });
    expect(isSecretKey('Pass')).toBe(true);
    expect(isSecretKey('passage')).toBe(false);
  });
});

describe('logger', () => {
  it('writes one JSON line with the masked values, error messages included', () => {
    // Prepare
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const spyErr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });

    // Act
    try {
      logger.error({
        message: 'ingest failed',
        sender: 'youtuo_zbds@163.com',
        error: new Error('no base for 13812345678 / youtuo_zbds@163.com'),
      });
    } finally {
      spy.mockRestore();
      spyErr.mockRestore();
    }

    // Assess
    const output = writes.join('');
    expect(output).not.toContain('youtuo_zbds');
    expect(output).not.toContain('13812345678');
    const line = JSON.parse(output.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'ERROR',
      message: 'ingest failed',
      sender: 'y***@163.com',
      error: expect.objectContaining({ message: 'no base for 138****5678 / y***@163.com' }),
    });
  });
});
