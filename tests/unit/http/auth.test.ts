import { describe, expect, it } from 'vitest';
import { AccountSpecError, checkPassword, hashPassword, parseAccounts } from '../../../shared/access/accounts.ts';
import { principalFromClaims } from '../../../shared/http/auth.ts';

describe('local accounts', () => {
  it('reads INTAKE_USERS entries and checks passwords against their scrypt hashes', async () => {
    // Prepare
    const accounts = parseAccounts(
      `wang:s3cret-pass:staff,cz:${hashPassword('长治密码长治2023')}:bureau:changzhi\nli:x-password-9:staff`,
    );

    // Act
    const staff = await checkPassword(accounts, 'wang', 's3cret-pass');
    const bureau = await checkPassword(accounts, 'cz', '长治密码长治2023');
    const wrong = await checkPassword(accounts, 'wang', 'S3cret-pass');
    const unknown = await checkPassword(accounts, 'zhao', 's3cret-pass');

    // Assess
    expect(accounts.map((a) => [a.name, a.role, a.city])).toEqual([
      ['wang', 'staff', null],
      ['cz', 'bureau', 'changzhi'],
      ['li', 'staff', null],
    ]);
    expect(accounts[0]!.hash.toString('utf8')).not.toContain('s3cret-pass');
    expect(staff?.name).toBe('wang');
    expect(bureau?.city).toBe('changzhi');
    expect(wrong).toBeNull();
    expect(unknown).toBeNull();
  });

  it.each([
    ['wang', /not name:password:role/],
    ['wang:Pa55word-long', /role of wang/],
    ['wang:Pa55word-long:admin', /role of wang/],
    ['cz:Pa55word-long:bureau', /needs a city/],
    ['cz:Pa55word-long:bureau:beijing', /unknown city/],
    ['a:Pa55word-long:staff,a:Pa55word-long:staff', /appears twice/],
  ])('refuses the malformed entry %s, naming it but not its password', (spec, message) => {
    // Act
    const error = (() => {
      try {
        parseAccounts(spec);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();

    // Assess
    expect(error).toBeInstanceOf(AccountSpecError);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('Pa55word-long');
  });

  it('has no accounts when INTAKE_USERS is unset or blank', () => {
    // Act / Assess
    expect(parseAccounts(undefined)).toEqual([]);
    expect(parseAccounts('  ')).toEqual([]);
  });
});

describe('API Gateway JWT claims', () => {
  it('maps cognito:groups and custom:city to a role, in the forms API Gateway flattens them to', () => {
    // Act
    const staff = principalFromClaims({ email: 'li@gov.cn', 'cognito:groups': '[staff bureau]' });
    const bureau = principalFromClaims({
      'cognito:username': 'cz',
      'cognito:groups': ['bureau'],
      'custom:city': 'changzhi',
    });
    const csv = principalFromClaims({ sub: 'u1', 'cognito:groups': 'other,staff' });
    const noCity = principalFromClaims({ sub: 'u2', 'cognito:groups': '[bureau]', 'custom:city': 'nowhere' });
    const noGroup = principalFromClaims({ sub: 'u3' });

    // Assess
    expect(staff).toEqual({ name: 'li@gov.cn', role: 'staff', city: null, via: 'jwt' });
    expect(bureau).toEqual({ name: 'cz', role: 'bureau', city: 'changzhi', via: 'jwt' });
    expect(csv?.role).toBe('staff');
    expect(noCity).toBeNull();
    expect(noGroup).toBeNull();
  });
});
