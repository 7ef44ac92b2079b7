/**
 * The page helpers of issue 16: who is signed in without the unit said twice, phone numbers that dial and mail
 * addresses that open a mail, and 未读取 where the form gave nothing.
 */
import { describe, expect, it } from 'vitest';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import type { Principal } from '../../../shared/http/auth.ts';
import { mailLinks, phoneLinks, whoText } from '../../../shared/http/html.ts';

const round = loadRound();
const text = async (value: unknown) => String(await value);

describe('whoText', () => {
  it('does not repeat the unit a city link session already names', () => {
    // Arrange
    const link = { role: 'bureau', city: 'taiyuan', name: '太原市商务局（专用链接）' } as Principal;
    const account = { role: 'bureau', city: 'taiyuan', name: 'ty' } as Principal;
    const staff = { role: 'staff', name: 'admin' } as Principal;

    // Act / Assess
    expect(whoText(round, link)).toBe('太原市商务局（专用链接）');
    expect(whoText(round, account)).toBe('ty（太原市商务局）');
    expect(whoText(round, staff)).toBe('admin（省厅）');
  });
});

describe('phoneLinks', () => {
  it('makes each number of a field a tel: link, without the extension and the separators', async () => {
    // Act
    const out = await text(phoneLinks('0351-7654321转801 / 139 1234 5678'));

    // Assess
    expect(out).toBe(
      '<a class="tel" href="tel:03517654321">0351-7654321转801</a>、<a class="tel" href="tel:13912345678">139 1234 5678</a>',
    );
  });

  it('says 未读取 for nothing and leaves text that cannot be dialled as text', async () => {
    // Act / Assess
    expect(await text(phoneLinks(null))).toContain('未读取');
    expect(await text(phoneLinks('  '))).toContain('未读取');
    expect(await text(phoneLinks('见附件'))).toBe('见附件');
  });
});

describe('mailLinks', () => {
  it('links addresses, escapes the rest and says 未读取 for nothing', async () => {
    // Act / Assess
    expect(await text(mailLinks('zhang@example.com；li@example.cn'))).toBe(
      '<a class="mail" href="mailto:zhang@example.com">zhang@example.com</a>、<a class="mail" href="mailto:li@example.cn">li@example.cn</a>',
    );
    expect(await text(mailLinks('<b>无</b>'))).toBe('&lt;b&gt;无&lt;/b&gt;');
    expect(await text(mailLinks(undefined))).toContain('未读取');
  });
});
