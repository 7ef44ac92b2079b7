/**
 * The staff app: the api function behind an HTTP API with a Cognito JWT authorizer on /api (but its public routes),
 * throttled, with JSON access logs, and the hosted-UI sign-in to its pages. Made in the stack's own scope (see
 * stateless-stack.ts), so the logical ids are the stack's.
 */
import { Aws, Duration, type Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { ClientAttributes, OAuthScope, UserPool, UserPoolClientIdentityProvider } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { bucketPrefixes, type StatefulRefs } from '../stateful-stack.ts';
import { IntakeFunction } from './intake-function.ts';

/** What the staff API is built on. */
export interface StaffApiProps {
  readonly bucket: IBucket;
  readonly refs: StatefulRefs;
  /** The environment of a function that sends mail (the API acknowledges uploads). */
  readonly senderEnvironment: Record<string, string>;
  /** Whether an upload session waits for GuardDuty's verdict on its files. */
  readonly malwareProtection: boolean;
  /** A custom domain the API is also served at; registered as a hosted-UI callback beside the API's own URL. */
  readonly apiDomainName?: string;
}

/** The api function and the HTTP API in front of it. */
export class StaffApi {
  readonly api: IntakeFunction;
  readonly httpApi: HttpApi;

  constructor(
    private readonly stack: Stack,
    private readonly props: StaffApiProps,
  ) {
    const { bucket, refs, malwareProtection } = props;
    this.api = new IntakeFunction(stack, 'Api', {
      handlerFolder: 'api',
      description: 'Staff HTTP API, status page and upload route',
      environment: {
        ...props.senderEnvironment,
        INTAKE_SESSION_SECRET_ARN: refs.sessionSecretArn,
        INTAKE_UPLOAD_LINK_SECRET_ARN: refs.uploadLinkSecretArn,
        // Completed portal sessions are stored under inbox/upload/ and ingested by the S3 event path (and scan).
        UPLOAD_INGEST: 'queued',
        // Staff reprocess is handed to ingest-email (reprocess/requests/): this function never reads inbox/.
        INTAKE_REPROCESS: 'queued',
        // A session's files are composed only once GuardDuty tagged each clean (completion asks the caller to wait).
        ...(malwareProtection ? { MALWARE_SCAN: 'required' } : {}),
      },
      memorySize: 1024,
      // API Gateway gives up after 30 s.
      timeout: Duration.seconds(29),
    });
    // The API runs no intake: uploads go under inbox/upload/ and staff reprocess under reprocess/requests/, both
    // for ingest-email behind the scan gate. The portal's presigned POSTs are signed with this role (so PutObject on
    // uploads/), with session records and heads there; documents/ is read for downloads.
    this.api.grantObjects(bucket, {
      // bundles/files/: the built packages it hands out as presigned GETs (signed with this role, so it must read
      // them); bundles/requests/: the package requests it hands to the bundle-build function.
      read: [bucketPrefixes.documents, bucketPrefixes.uploads, bucketPrefixes.bundleFiles],
      write: [
        bucketPrefixes.uploads,
        bucketPrefixes.inboxUpload,
        bucketPrefixes.reprocessRequests,
        bucketPrefixes.bundleRequests,
      ],
      // The verdicts on the portal's files, read before a session is composed; never inbox/ (ingest's gate).
      ...(malwareProtection ? { readTags: [bucketPrefixes.uploads] } : {}),
    });
    this.api.grantDataKeyViaS3(refs.dataKeyArn, { write: true });
    this.api.grantSecretRead(refs.sessionSecretArn);
    this.api.grantSecretRead(refs.uploadLinkSecretArn);
    this.httpApi = this.gateway();
  }

  /** The portal's public origin: the custom domain when there is one, else the API's own URL. */
  get publicUrl(): string {
    return this.props.apiDomainName ? `https://${this.props.apiDomainName}` : this.httpApi.apiEndpoint;
  }

  /**
   * Downloads as presigned GETs of documents/ (a Lambda response cannot exceed ~6 MB), and the hosted-UI sign-in
   * where the pool has a domain.
   */
  finish(): void {
    this.api.addEnvironment('INTAKE_FILE_DOWNLOADS', 'redirect');
    const { refs } = this.props;
    if (refs.userPoolDomainUrl) this.hostedUiSignIn(refs.userPoolDomainUrl);
  }

  /**
   * The HTTP API. The JSON API under /api takes a Cognito JWT, checked here at the gateway (its claims reach the
   * app in the event), except its public routes (OpenAPI document, upload portal). Pages, the hosted-UI sign-in
   * (/auth/*), city links (/l/{token}) and the health probe go to the app, which admits only its own signed session
   * (see shared/http/auth.ts). Throttled, with JSON access logs.
   */
  private gateway(): HttpApi {
    const { refs } = this.props;
    const authorizer = new HttpJwtAuthorizer('StaffJwt', cognitoIssuer(refs), {
      jwtAudience: [refs.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
    const integration = new HttpLambdaIntegration('Api', this.api);
    const httpApi = new HttpApi(this.stack, 'HttpApi', {
      description: 'Evaluation intake: staff API',
      defaultIntegration: integration,
      createDefaultStage: false,
    });
    for (const path of ['/api', '/api/{proxy+}']) {
      httpApi.addRoutes({ path, methods: [HttpMethod.ANY], integration, authorizer });
    }
    // The app's public routes under /api would otherwise fall under /api/{proxy+}; the gateway takes the most
    // specific route, so these reach the app without a JWT.
    for (const [path, methods, reason] of publicApiRoutes) {
      for (const route of httpApi.addRoutes({ path, methods, integration })) {
        Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      }
    }
    const defaultRoute = httpApi.node.tryFindChild('DefaultRoute');
    if (defaultRoute) {
      Validations.of(defaultRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The pages, hosted-UI sign-in, per-city links and health probe are authorized by the app itself (signed ' +
          'session cookie, signed link), which a gateway JWT cannot carry; every JSON route under /api but the ' +
          'public ones (OpenAPI document, upload portal) has the JWT authorizer.',
      });
    }
    const accessLogs = new LogGroup(this.stack, 'HttpApiAccessLogs', { retention: RetentionDays.SIX_MONTHS });
    new HttpStage(this.stack, 'HttpApiStage', {
      httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: httpAccessLogFormat() },
    });
    return httpApi;
  }

  /**
   * Staff sign-in to the pages through the hosted UI: a public app client (authorization code with PKCE) whose
   * callback is this API's URL (known only here, so the client lives here, on the imported pool) and the settings
   * the app reads (shared/http/oidc.ts).
   */
  private hostedUiSignIn(domainUrl: string): void {
    const { refs, apiDomainName } = this.props;
    const origins = [this.httpApi.apiEndpoint, ...(apiDomainName ? [`https://${apiDomainName}`] : [])];
    const client = UserPool.fromUserPoolId(this.stack, 'StaffUsers', refs.userPoolId).addClient('WebSignIn', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: origins.map((origin) => `${origin}/auth/callback`),
        logoutUrls: origins.map((origin) => `${origin}/login`),
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      // Never custom:city: a bureau must not move itself to another city.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
      // The app turns the ID token into its own session at once; it keeps no Cognito token.
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    this.api.addEnvironment('COGNITO_DOMAIN', domainUrl);
    this.api.addEnvironment('COGNITO_CLIENT_ID', client.userPoolClientId);
    this.api.addEnvironment('COGNITO_ISSUER', cognitoIssuer(refs));
  }
}

/** Routes under /api that the app serves without sign-in, so without the gateway's JWT authorizer. */
const publicApiRoutes: [path: string, methods: HttpMethod[], reason: string][] = [
  [
    '/api/openapi.json',
    [HttpMethod.GET],
    'The OpenAPI document describes the API to its clients before they sign in; it holds no data.',
  ],
  [
    '/api/uploads',
    [HttpMethod.ANY],
    'The upload portal is for bases, which have no accounts (like the mailbox); what arrives is recorded as a ' +
      'submission and checked like mail. The app answers only POST here.',
  ],
  [
    '/api/uploads/{proxy+}',
    [HttpMethod.ANY],
    'Upload sessions of the portal, open to bases like /api/uploads; each session is authorized by the app with ' +
      'its own signed token.',
  ],
];

/** The issuer of the pool's tokens, from the partition's URL suffix so that it is right in the China regions too. */
function cognitoIssuer(refs: StatefulRefs): string {
  return `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${refs.userPoolId}`;
}

/** One JSON line per request, with HTTP API context variables; the caller is the token's subject, not a name. */
function httpAccessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      time: '$context.requestTime',
      ip: '$context.identity.sourceIp',
      caller: '$context.authorizer.claims.sub',
      method: '$context.httpMethod',
      path: '$context.path',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLength: '$context.responseLength',
      latencyMs: '$context.responseLatency',
      authorizerError: '$context.authorizer.error',
      integrationError: '$context.integrationErrorMessage',
    }),
  );
}
