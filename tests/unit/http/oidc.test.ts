import { describe, expect, it } from 'vitest';
import { cognitoLogoutUrl, OidcConfigError, oidcConfigFromEnv } from '../../../shared/http/oidc.ts';

describe('Cognito hosted-UI settings', () => {
  it('is off when no COGNITO_* variable is set', () => {
    // Act / Assess
    expect(oidcConfigFromEnv({ AWS_REGION: 'cn-north-1' })).toBeNull();
  });

  it('reads the domain, client and issuer, deriving the issuer from the pool id and region (China too)', () => {
    // Act
    const explicit = oidcConfigFromEnv({
      COGNITO_DOMAIN: 'https://sx-intake.auth.ap-east-1.amazoncognito.com/',
      COGNITO_CLIENT_ID: 'client1',
      COGNITO_ISSUER: 'https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_abc',
    });
    const derived = oidcConfigFromEnv({
      COGNITO_DOMAIN: 'sx-intake.auth.cn-north-1.amazoncognito.com',
      COGNITO_CLIENT_ID: 'client1',
      COGNITO_USER_POOL_ID: 'cn-north-1_abc',
      AWS_REGION: 'cn-north-1',
    });

    // Assess
    expect(explicit).toEqual({
      domain: 'https://sx-intake.auth.ap-east-1.amazoncognito.com',
      clientId: 'client1',
      issuer: 'https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_abc',
    });
    expect(derived).toEqual({
      domain: 'https://sx-intake.auth.cn-north-1.amazoncognito.com',
      clientId: 'client1',
      issuer: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_abc',
    });
  });

  it('refuses a half-configured sign-in, naming what is missing', () => {
    // Act / Assess
    expect(() => oidcConfigFromEnv({ COGNITO_CLIENT_ID: 'client1' })).toThrow(OidcConfigError);
    expect(() => oidcConfigFromEnv({ COGNITO_CLIENT_ID: 'client1' })).toThrow(/COGNITO_DOMAIN.*COGNITO_ISSUER/);
  });

  it('signs out at the hosted UI and comes back to this origin’s sign-in page', () => {
    // Act
    const url = new URL(
      cognitoLogoutUrl(
        { domain: 'https://d.auth.example.com', clientId: 'c1', issuer: 'https://i.example.com' },
        'https://api.example.com/logout',
      ),
    );

    // Assess
    expect(`${url.origin}${url.pathname}`).toBe('https://d.auth.example.com/logout');
    expect(url.searchParams.get('client_id')).toBe('c1');
    expect(url.searchParams.get('logout_uri')).toBe('https://api.example.com/login');
  });
});
